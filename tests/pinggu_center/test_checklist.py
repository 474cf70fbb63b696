"""七有: the director records each item with evidence; evidence is served in scope only; the district sees completion."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from pinggu_center.checklist.selectors import checklist_by_town
from pinggu_center.models import AuditLog, CenterChecklistItem, ChecklistItem
from tests.images import JPG, WEBP
from tests.legal_education.factories import PDF, PNG, build_villages, pdf, png

pytestmark = pytest.mark.django_db



def _item(center, item=ChecklistItem.SIGN, on=date(2026, 3, 1)) -> CenterChecklistItem:
    return CenterChecklistItem.objects.create(center=center, item=item, in_place_on=on, evidence=png())


def _all_items(center) -> None:
    for item in ChecklistItem.values:
        _item(center, item)


@pytest.mark.parametrize("content", [PNG, PDF, WEBP, JPG])
def test_director_records_an_item_with_evidence(org, director, client_for, content):
    url = reverse("checklist_item_edit", args=[org.center.pk, "venue"])
    response = client_for(director).post(
        url, {"in_place_on": "2026-05-01", "note": "村委会一层", "evidence": SimpleUploadedFile("x.bin", content)}
    )
    assert response.status_code == 302
    row = CenterChecklistItem.objects.get(center=org.center, item="venue")
    assert row.in_place_on == date(2026, 5, 1) and row.updated_by == director
    assert AuditLog.objects.filter(object_type="pinggu_center.CenterChecklistItem", object_id=str(row.pk)).exists()


def test_renewing_an_item_keeps_one_row(org, director, client_for):
    client = client_for(director)
    url = reverse("checklist_item_edit", args=[org.center.pk, "sign"])
    client.post(url, {"in_place_on": "2026-01-01", "evidence": png()})
    client.post(url, {"in_place_on": "2026-06-01", "evidence": pdf()})
    row = CenterChecklistItem.objects.get()
    assert row.in_place_on == date(2026, 6, 1) and row.evidence.name.endswith(".pdf")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("evil.png", b"<svg onload=alert(1)>"), "文件类型不支持"),
        (SimpleUploadedFile("x.gif", b"GIF89a" + b"\x00" * 20), "文件类型不支持"),
        (SimpleUploadedFile("empty.pdf", b""), "所提交的是空文件"),
    ],
)
def test_bad_evidence_is_a_400_and_saves_nothing(org, director, client_for, upload, message):
    response = client_for(director).post(
        reverse("checklist_item_edit", args=[org.center.pk, "sign"]), {"in_place_on": "2026-01-01", "evidence": upload}
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not CenterChecklistItem.objects.exists()


def test_evidence_over_the_size_limit_is_refused(org, director, client_for, settings):
    settings.UPLOAD_MAX_BYTES = 20
    response = client_for(director).post(
        reverse("checklist_item_edit", args=[org.center.pk, "sign"]), {"in_place_on": "2026-01-01", "evidence": png()}
    )
    assert response.status_code == 400 and "文件过大" in response.content.decode()


def test_future_date_and_unknown_item_and_cadre(org, director, cadre, client_for):
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    response = client_for(director).post(
        reverse("checklist_item_edit", args=[org.center.pk, "sign"]), {"in_place_on": tomorrow, "evidence": png()}, follow=True
    )
    assert "落实日期不能晚于今天" in response.content.decode()
    assert client_for(director).get(reverse("checklist_item_edit", args=[org.center.pk, "nope"])).status_code == 404
    client_for(cadre).post(reverse("checklist_item_edit", args=[org.center.pk, "sign"]), {"in_place_on": "2026-01-01", "evidence": png()})
    assert not CenterChecklistItem.objects.exists()


def test_evidence_is_served_only_in_scope(org, director, town_user, district_admin, other_director, client_for):
    row = _item(org.center)
    url = reverse("checklist_evidence", args=[row.pk])
    response = client_for(director).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client_for(town_user).get(url).status_code == 200
    assert client_for(district_admin).get(url).status_code == 200
    assert client_for(other_director).get(url).status_code == 404
    assert client_for(other_director).get(reverse("checklist_detail", args=[org.center.pk])).status_code == 404
    assert client_for(other_director).post(
        reverse("checklist_item_edit", args=[org.center.pk, "sign"]), {"in_place_on": "2026-01-01", "evidence": png()}
    ).status_code == 404


def test_completion_by_town(org, district_admin):
    _all_items(org.center)
    _item(org.other_center, ChecklistItem.SIGN)
    _item(org.other_center, ChecklistItem.VENUE)
    rows = {row["town"]: row for row in checklist_by_town(district_admin)}
    assert rows["峪口地区"]["complete"] == 1 and rows["峪口地区"]["rate"] == 100.0
    assert rows["峪口地区"]["items"] == [1] * 7
    assert rows["大兴庄镇"]["complete"] == 0 and rows["大兴庄镇"]["items"] == [1, 1, 0, 0, 0, 0, 0]


def test_overview_page_and_village_redirect(org, district_admin, director, client_for):
    _all_items(org.center)
    page = client_for(district_admin).get(reverse("checklist_overview"), {"incomplete_only": "on"}).content.decode()
    centers = page.split('data-testid="checklist-centers"')[1]
    assert "周村" in centers and "西凡各庄村" not in centers
    assert "1 / 2 个中心全部完成" in page
    response = client_for(director).get(reverse("checklist_overview"))
    assert response.status_code == 302 and response.url == reverse("checklist_detail", args=[org.center.pk])


def test_export_to_excel(org, district_admin, client_for):
    _all_items(org.center)
    response = client_for(district_admin).get(reverse("checklist_export"))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("镇/街道", "村/社区", "统计区划代码", "一块牌子")
    by_village = {row[1]: row for row in rows[1:]}
    assert by_village["西凡各庄村"][-1] == 7 and by_village["周村"][-1] == 0
    assert by_village["周村"][3] is None
    assert AuditLog.objects.filter(action="export", actor=district_admin).exists()


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url_name", ["checklist_overview", "checklist_export"])
def test_queries_do_not_grow_with_centers(org, district_admin, client_for, url_name):
    """10 centers and 311 centers cost the same: session, user, scope, by-town, by-item, page count, page, rows."""
    for center in build_villages(org.district, 8):
        _item(center)
    client = client_for(district_admin)
    small = _queries(client, reverse(url_name))
    centers = build_villages(org.district, 301, towns=15, start=100)
    CenterChecklistItem.objects.bulk_create(
        [CenterChecklistItem(center=c, item=i, in_place_on=date(2026, 1, 1), evidence="checklist/x.png") for c in centers[::2] for i in ChecklistItem.values[:3]]
    )
    assert _queries(client, reverse(url_name)) == small
