"""Private uploads (evidence, photos, documents): checked by size and by content, served only through scoped views.

Files live under MEDIA_ROOT with random names and are never served from MEDIA_URL; a view that has
already found the owning object in the user's scope hands them out with `serve_upload`.
"""

from __future__ import annotations

import warnings
from io import BytesIO
from pathlib import Path
from uuid import uuid4

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

# kind → content type; the kind is also the stored file's extension.
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "pdf": "application/pdf",
}
IMAGE_KINDS = ("jpg", "png", "webp")
PILLOW_FORMATS = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}
SAVE_OPTIONS: dict[str, dict] = {"jpg": {"quality": 90}, "png": {"optimize": True}, "webp": {"quality": 90}}
EVIDENCE_KINDS = ("jpg", "png", "webp", "pdf")


def sniff_kind(head: bytes) -> str | None:
    """The file's real kind from its first bytes (magic numbers), whatever its name claims."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"%PDF-"):
        return "pdf"
    return None


class CheckedUpload(SimpleUploadedFile):
    """An upload that passed the checks: named `<random>.<kind>` by its real kind, an image re-encoded."""

    def __init__(self, content: bytes, *, kind: str, original_name: str) -> None:
        super().__init__(f"{uuid4().hex}.{kind}", content, CONTENT_TYPES[kind])
        self.kind = kind
        self.original_name = original_name


def validate_upload(upload: UploadedFile, *, kinds: tuple[str, ...] = EVIDENCE_KINDS) -> CheckedUpload:
    """Check an upload's size and real kind; return what may be stored (a photo decoded and written anew)."""
    if isinstance(upload, CheckedUpload) and upload.kind in kinds:
        return upload
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("文件过大：不能超过 %(limit)s MB。") % {"limit": settings.UPLOAD_MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    kind = sniff_kind(content[:16])
    if kind not in kinds:
        allowed = "、".join(kind.upper() for kind in kinds)
        raise ValidationError(_("文件类型不支持：只接受 %(allowed)s 文件。") % {"allowed": allowed}, code="bad_type")
    if kind in IMAGE_KINDS:
        content = reencode_image(content, kind)
    return CheckedUpload(content, kind=kind, original_name=upload.name or "")


def reencode_image(content: bytes, kind: str) -> bytes:
    """Decode the whole picture and encode it anew in its own format.

    What is not the picture goes: HTML or script appended to it or hidden in its chunks (a polyglot), and its
    metadata (EXIF, with the place it was taken). A file that does not decode as the kind its header claims, or
    that would decode into a decompression bomb, is refused.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(content), formats=[PILLOW_FORMATS[kind]]) as source:
                source.load()
                image = ImageOps.exif_transpose(source)
                if kind == "jpg" and image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                out = BytesIO()
                image.save(out, format=PILLOW_FORMATS[kind], **SAVE_OPTIONS[kind])
    except Exception:  # noqa: BLE001 - whatever the decoder trips on, the file is not a picture we keep
        raise ValidationError(_("图片无法识别或已损坏，请重新拍摄或选择。"), code="bad_image") from None
    return out.getvalue()


@deconstructible
class UploadPath:
    """upload_to: `<prefix>/<year>/<month>/<random>.<ext>`; the user's file name is never used."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def __call__(self, instance: object, filename: str) -> str:
        suffix = Path(filename).suffix.lower().lstrip(".")
        suffix = suffix if suffix in CONTENT_TYPES else "bin"
        return f"{self.prefix}/{timezone.now():%Y/%m}/{uuid4().hex}.{suffix}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UploadPath) and other.prefix == self.prefix


def serve_upload(field: FieldFile) -> FileResponse:
    """Hand out a stored upload; the caller has already checked that the user may see its owner."""
    if not field:
        raise Http404
    suffix = Path(field.name).suffix.lower().lstrip(".")
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=CONTENT_TYPES.get(suffix, "application/octet-stream"))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="{Path(field.name).name}"'
    response["Cache-Control"] = "private, max-age=0"
    return response
