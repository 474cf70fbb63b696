"""Upload checks: size, and type by the file's own bytes (a renamed HTML file is not a photo)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

SIGNATURES = [
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
]


def sniff_upload(upload: UploadedFile) -> str:
    """The upload's real content type; a clear Chinese error for anything too big or not a photo or PDF."""
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("文件“%(name)s”超过 %(mb)d MB 的上限。") % {"name": upload.name, "mb": settings.UPLOAD_MAX_BYTES // 2**20}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    raise ValidationError(_("文件“%(name)s”不是允许的类型：只能上传 JPG、PNG、WebP 照片或 PDF 文件。") % {"name": upload.name})
