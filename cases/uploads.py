"""Case attachments: size, and type by the file's own bytes (a renamed HTML file is not a photo).

The detection is the project's one (pinggu_center.uploads); the messages name the file, because a
cadre attaches several at once.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from pinggu_center.uploads import CONTENT_TYPES, EVIDENCE_KINDS, sniff_kind


def sniff_upload(upload: UploadedFile) -> str:
    """The upload's real content type; a clear Chinese error for anything too big or not a photo or PDF."""
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("文件“%(name)s”超过 %(mb)d MB 的上限。") % {"name": upload.name, "mb": settings.UPLOAD_MAX_BYTES // 2**20}
        )
    upload.seek(0)
    kind = sniff_kind(upload.read(16))
    upload.seek(0)
    if kind not in EVIDENCE_KINDS:
        raise ValidationError(
            _("文件“%(name)s”不是允许的类型：只能上传 JPG、PNG、WebP 照片或 PDF 文件。") % {"name": upload.name}
        )
    return CONTENT_TYPES[kind]
