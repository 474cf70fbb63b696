"""Case attachments: stored under the kind their bytes show, photos re-encoded, files written outside the transaction."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cases import services
from cases.models import Attachment, Case
from pinggu_center.uploads import validate_upload
from tests.images import JPG, PNG, WEBP

from .helpers import register

pytestmark = pytest.mark.django_db

SCRIPT = b"<html><script>alert(document.cookie)</script></html>"


def _stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.mark.parametrize(("content", "name", "extension"), [
    (PNG, "现场.html", ".png"), (JPG, "photo.pdf", ".jpg"), (WEBP, "a.exe", ".webp"), (PNG, "noextension", ".png"),
])
def test_an_attachment_is_stored_under_the_kind_its_bytes_show(org, cadre, content, name, extension):
    case = register(org.center, cadre, attachments=[SimpleUploadedFile(name, content, "text/html")])
    attachment = Attachment.objects.get(case=case)
    assert Path(attachment.file.name).suffix == extension
    assert attachment.original_name == name  # shown to people; never used on disk
    assert attachment.content_type == {".png": "image/png", ".jpg": "image/jpeg", ".webp": "image/webp"}[extension]


@pytest.mark.parametrize("content", [PNG, JPG, WEBP])
def test_a_polyglot_photo_keeps_only_its_picture(org, cadre, content):
    """A real picture with a page appended (or hidden after its end) is written anew without it."""
    upload = SimpleUploadedFile("photo.png", content + SCRIPT, "image/png")
    case = register(org.center, cadre, attachments=[upload])
    stored = Attachment.objects.get(case=case).file.read()
    assert b"<script>" not in stored
    with Image.open(BytesIO(stored)) as image:
        image.load()
        assert image.size == (8, 6)


@pytest.mark.parametrize("content", [
    b"\x89PNG\r\n\x1a\n" + SCRIPT,  # a PNG signature and then a page
    b"\xff\xd8\xff\xe0" + b"\x00" * 64,  # a JPEG header and nothing
    PNG[:40],  # a picture cut short
])
def test_a_file_that_only_claims_to_be_a_picture_is_refused(org, cadre, settings, content):
    with pytest.raises(ValidationError) as refused:
        register(org.center, cadre, attachments=[SimpleUploadedFile("photo.png", content, "image/png")])
    assert refused.value.code == "bad_image"
    assert "photo.png" in refused.value.messages[0]
    assert not Case.objects.exists() and _stored_files(settings) == []


def test_the_intake_form_says_so_in_chinese(client_for, cadre, org):
    from cases.models import Category

    from .factories import intake_post

    post = intake_post(Category.objects.get(code="neighbour"),
                       attachments=SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\n" + SCRIPT, "image/png"))
    response = client_for(cadre).post(reverse("cases:case_create"), post)
    assert response.status_code == 400
    assert "文件“现场.png”不是可以识别的图片" in response.content.decode()
    assert not Case.objects.exists()


def test_other_uploads_are_re_encoded_too():
    checked = validate_upload(SimpleUploadedFile("evidence.jpg", JPG + SCRIPT, "image/jpeg"))
    assert checked.kind == "jpg" and checked.name.endswith(".jpg") and b"<script>" not in checked.read()


def test_a_failed_registration_leaves_no_file(org, cadre, settings, monkeypatch):
    """The file is written before the transaction; when the transaction fails, the file goes too."""

    def fail(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr("cases.services.intake.record_event", fail)
    with pytest.raises(RuntimeError):
        register(org.center, cadre, attachments=[SimpleUploadedFile("现场.png", PNG, "image/png")])
    assert not Case.objects.exists()
    assert _stored_files(settings) == []


def test_a_refused_attachment_to_a_changed_case_leaves_no_file(org, cadre, settings):
    case = register(org.center, cadre)
    with pytest.raises(services.CaseChanged):
        services.attach_files(case_id=case.pk, actor=cadre, files=[SimpleUploadedFile("a.png", PNG, "image/png")],
                              version=case.version - 1)
    assert _stored_files(settings) == []
    services.attach_files(case_id=case.pk, actor=cadre, files=[SimpleUploadedFile("a.png", PNG, "image/png")],
                          version=case.version)
    assert len(_stored_files(settings)) == 1
