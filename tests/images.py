"""Small real pictures for upload tests: uploads are decoded and re-encoded, so a magic number alone is refused."""

from __future__ import annotations

from io import BytesIO

from PIL import Image

FORMATS = {"png": "PNG", "jpg": "JPEG", "webp": "WEBP"}


def picture(kind: str = "png", *, size: tuple[int, int] = (8, 6)) -> bytes:
    """The bytes of a tiny two-colour picture of the given kind."""
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, size[0] // 2, size[1]))
    out = BytesIO()
    image.save(out, format=FORMATS[kind])
    return out.getvalue()


PNG = picture("png")
JPG = picture("jpg")
WEBP = picture("webp")
