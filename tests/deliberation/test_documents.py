"""Village rules (章程, 议事规则) attached to the center: checked by content, served only in scope."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from deliberation.models import CenterDocument
from tests.legal_education.factories import PDF, pdf

pytestmark = pytest.mark.django_db


def _post(client, center, upload):
    data = {"center": center.pk, "kind": "charter", "title": "西凡各庄村自治章程2025", "adopted_on": "2025-03-01", "file": upload}
    return client.post(reverse("deliberation:document_create"), data)


def test_director_attaches_the_charter_and_only_the_scope_reads_it(org, director, town_user, other_director, client_for):
    assert _post(client_for(director), org.center, pdf()).status_code == 302
    document = CenterDocument.objects.get()
    url = reverse("deliberation:document_file", args=[document.pk])
    response = client_for(director).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    assert client_for(town_user).get(url).status_code == 200
    assert client_for(other_director).get(url).status_code == 404
    assert "西凡各庄村自治章程2025" not in client_for(other_director).get(reverse("deliberation:document_list")).content.decode()


def test_a_disguised_file_is_refused(org, director, client_for):
    html = SimpleUploadedFile("章程.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    response = _post(client_for(director), org.center, html)
    assert response.status_code == 400 and "文件类型不支持" in response.content.decode()
    assert not CenterDocument.objects.exists()


def test_cannot_attach_to_another_village(org, director, client_for):
    assert _post(client_for(director), org.other_center, pdf()).status_code == 400
    assert not CenterDocument.objects.exists()
