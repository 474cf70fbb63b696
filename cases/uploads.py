"""Case attachments: size and type by the file's own bytes (a renamed HTML file is not a photo), photos re-encoded.

The checks are the project's one (pinggu_center.uploads.validate_upload); the messages name the file, because a
cadre attaches several at once. Files are written to storage before the transaction that records them opens, and
removed again when it fails (``staged_attachments``): no database lock is held while a file is written, and a
rolled-back registration leaves no file behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from pinggu_center.uploads import EVIDENCE_KINDS, CheckedUpload, validate_upload

from .models import Attachment, attachment_path


def check_attachment(upload: UploadedFile, *, kinds: tuple[str, ...] = EVIDENCE_KINDS) -> CheckedUpload:
    """The upload as it may be stored; a clear Chinese error, naming the file, for anything too big or not allowed."""
    try:
        return validate_upload(upload, kinds=kinds)
    except ValidationError as error:
        name = {"name": upload.name}
        if error.code == "too_large":
            message = _("文件“%(name)s”超过 %(mb)d MB 的上限。") % {**name, "mb": settings.UPLOAD_MAX_BYTES // 2**20}
        elif error.code == "bad_image":
            message = _("文件“%(name)s”不是可以识别的图片，请重新拍摄或选择。") % name
        else:
            message = _("文件“%(name)s”不是允许的类型：只能上传 JPG、PNG、WebP 照片或 PDF 文件。") % name
        raise ValidationError(message, code=error.code) from None


@contextmanager
def staged_attachments(files: Iterable[UploadedFile]) -> Iterator[list[Attachment]]:
    """Check and store the files now, outside any transaction; yield unsaved rows for them; on failure delete them.

    Use it around the service's transaction: ``with staged_attachments(files) as rows: _record(..., rows)``.
    """
    staged: list[Attachment] = []
    try:
        for upload in files:
            checked = check_attachment(upload)
            row = Attachment(original_name=checked.original_name[:200], content_type=checked.content_type,
                             size=checked.size)
            storage = row.file.storage
            row.file.name = storage.save(attachment_path(row, checked.name), checked)
            staged.append(row)
        yield staged
    except BaseException:
        for row in staged:
            row.file.storage.delete(row.file.name)
        raise
