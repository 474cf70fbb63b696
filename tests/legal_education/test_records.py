"""Activities, photos, 法律明白人 and reports: recorded in scope, refused outside it, uploads checked by content."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from legal_education.models import (
    ActivityPhoto,
    LegalActivity,
    LegalLiaison,
    LegalTeam,
    LiaisonTraining,
    VillageLegalReport,
)
from legal_education.services import LegalEducationError, appoint_liaison
from pinggu_center.uploads import reencode_image
from tests.factories import MemberFactory
from tests.rules import refused

from .factories import PNG, LegalActivityFactory, LegalLiaisonFactory, LegalTeamFactory, pdf, png

pytestmark = pytest.mark.django_db


def test_cadre_records_an_activity(org, cadre, client_for):
    team = LegalTeamFactory()
    response = client_for(cadre).post(
        reverse("legal_education:activity_create"),
        {"center": org.center.pk, "kind": "micro_class", "held_on": "2026-11-20", "team": team.pk,
         "topic": "以案释法：宅基地纠纷", "attendance": 45},
    )
    activity = LegalActivity.objects.get()
    assert response.status_code == 302 and activity.center == org.center and activity.created_by == cadre


def test_photo_upload_checks_content_and_is_served_in_scope_only(org, cadre, other_director, town_user, client_for):
    activity = LegalActivityFactory(center=org.center)
    url = reverse("legal_education:photo_upload", args=[activity.pk])
    client = client_for(cadre)
    fake = SimpleUploadedFile("photo.jpg", b"<html>not an image</html>", content_type="image/jpeg")
    response = client.post(url, {"image": fake})
    assert response.status_code == 400 and "文件类型不支持" in response.content.decode()
    assert client.post(url, {"image": SimpleUploadedFile("client-named-photo.png", PNG)}).status_code == 302
    photo = ActivityPhoto.objects.get()
    assert photo.image.name.endswith(".png") and "client-named-photo" not in photo.image.name  # stored under a name of ours
    file_url = reverse("legal_education:photo_file", args=[photo.pk])
    served = client.get(file_url)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == reencode_image(PNG, "png")  # the picture, written anew
    assert client_for(town_user).get(file_url).status_code == 200
    assert client_for(other_director).get(file_url).status_code == 404
    assert client_for(other_director).get(activity.get_absolute_url()).status_code == 404


def test_too_large_upload_is_refused(org, cadre, client_for, settings):
    settings.UPLOAD_MAX_BYTES = 10
    activity = LegalActivityFactory(center=org.center)
    response = client_for(cadre).post(reverse("legal_education:photo_upload", args=[activity.pk]), {"image": png()})
    assert response.status_code == 400 and "文件过大" in response.content.decode()
    assert not ActivityPhoto.objects.exists()


def test_other_villages_activities_are_hidden(org, director, client_for):
    LegalActivityFactory(center=org.center, topic="本村讲座")
    LegalActivityFactory(center=org.other_center, topic="外村讲座")
    page = client_for(director).get(reverse("legal_education:activity_list")).content.decode()
    assert "本村讲座" in page and "外村讲座" not in page


def test_liaison_links_to_a_roster_member_with_the_role(org, director):
    member = MemberFactory(center=org.center, role_codes=["legal_liaison"])
    liaison = appoint_liaison(center=org.center, actor=director, data={"name": member.name, "member": member, "appointed_on": date(2026, 1, 1)})
    assert liaison.member == member
    plain = MemberFactory(center=org.center, role_codes=["grid"])
    with refused("not_liaison_member", LegalEducationError):
        appoint_liaison(center=org.center, actor=director, data={"name": "x", "member": plain, "appointed_on": date(2026, 1, 1)})
    foreign = MemberFactory(center=org.other_center, role_codes=["legal_liaison"])
    with refused("not_liaison_member", LegalEducationError):
        appoint_liaison(center=org.center, actor=director, data={"name": "y", "member": foreign, "appointed_on": date(2026, 1, 1)})
    assert LegalLiaison.objects.count() == 1


def test_training_record_and_scope(org, cadre, other_director, client_for):
    liaison = LegalLiaisonFactory(center=org.center)
    url = reverse("legal_education:training_create", args=[liaison.pk])
    ok = client_for(cadre).post(url, {"trained_on": "2026-06-01", "topic": "人民调解法", "hours": "2.5", "organiser": "区司法局"})
    assert ok.status_code == 302 and LiaisonTraining.objects.count() == 1
    assert client_for(cadre).post(url, {"trained_on": "2026-06-01", "topic": "x", "hours": "-1"}).status_code == 400
    early = client_for(cadre).post(url, {"trained_on": "2024-01-01", "topic": "早于聘任", "hours": "1"}, follow=True)
    assert "培训日期不能早于聘任日期" in early.content.decode()
    assert client_for(other_director).post(url, {"trained_on": "2026-06-01", "topic": "x", "hours": "1"}).status_code == 404
    assert LiaisonTraining.objects.count() == 1


def test_liaison_phone_is_masked_in_the_list(org, director, client_for):
    LegalLiaisonFactory(center=org.center, phone="13912345678")
    page = client_for(director).get(reverse("legal_education:liaison_list")).content.decode()
    assert "139****5678" in page and "13912345678" not in page


def test_report_upload_and_download(org, director, other_director, client_for):
    response = client_for(director).post(
        reverse("legal_education:report_create"),
        {"center": org.center.pk, "title": "2026年法治村情报告", "report_date": "2026-10-01", "author": "王德明", "file": pdf()},
    )
    assert response.status_code == 302
    report = VillageLegalReport.objects.get()
    url = reverse("legal_education:report_file", args=[report.pk])
    assert client_for(director).get(url)["Content-Type"] == "application/pdf"
    assert client_for(other_director).get(url).status_code == 404


def test_only_the_district_adds_teams(org, district_admin, director, client_for):
    data = {"name": "律师普法队", "lead_unit": "区律师协会", "member_count": 120}
    client_for(director).post(reverse("legal_education:team_list"), data)
    assert not LegalTeam.objects.exists()
    client_for(district_admin).post(reverse("legal_education:team_list"), data)
    assert LegalTeam.objects.get().member_count == 120
    page = client_for(director).get(reverse("legal_education:team_list")).content.decode()
    assert "律师普法队" in page
