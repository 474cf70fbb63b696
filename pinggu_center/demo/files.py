"""Small placeholder files for demo evidence and documents, written once and shared by every demo row."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

# A 1x1 red PNG and a one-page PDF: enough for the evidence links to open something real.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415408d763f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def demo_file(name: str, content: bytes) -> str:
    """The storage path of demo/<name>, written if missing."""
    path = f"demo/{name}"
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(content))
    return path


def demo_png() -> str:
    return demo_file("evidence.png", PNG)


def demo_pdf() -> str:
    return demo_file("document.pdf", PDF)
