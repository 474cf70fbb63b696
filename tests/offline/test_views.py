"""The server side of work without signal: the service worker and manifest at the root, the phone's state, the
own village's households, the drafts page, sign-out clearing the phone, and drafts answered in JSON."""

from __future__ import annotations

import json
import uuid

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Category
from tests.cases.factories import intake_post
from tests.factories import MemberFactory
from tests.visits.factories import HouseholdFactory
from visits.models import Visit

DRAFT = {"HTTP_X_OFFLINE_DRAFT": "1"}


@pytest.fixture
def category(db) -> Category:
    return Category.objects.get(code="neighbour")


def test_service_worker_is_served_at_the_root_for_the_whole_site(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    config = json.loads(body.split("\n", 1)[0].removeprefix("self.PINGGU_OFFLINE = ").rstrip(";"))
    assert config["storeScript"].startswith("/static/js/offline-store")
    assert config["formPaths"] == [reverse("cases:case_create"), reverse("visits:visit_create")]
    assert "importScripts(CONFIG.storeScript)" in body
    # Only the field pages go through the worker; sign-in and every other page are the browser's own.
    assert reverse("dashboards:cadre_home") in config["pagePaths"]
    assert not any(reverse("login").startswith(path) for path in config["pagePaths"])


def test_manifest_names_the_app_and_its_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200 and response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in manifest["icons"]}
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/"))


def test_state_of_a_signed_out_phone(client):
    response = client.get(reverse("offline:state"))
    assert response.status_code == 200 and response.json() == {"authenticated": False}
    assert "no-store" in response["Cache-Control"]


def test_state_lists_only_the_own_villages_pages(client_for, cadre, org):
    own = HouseholdFactory.create_batch(120, division=org.village)
    far = HouseholdFactory(division=org.other_village)
    state = client_for(cadre).get(reverse("offline:state")).json()
    assert state["authenticated"] and state["enabled"] and state["user"] == cadre.pk and state["csrf"]
    households = reverse("visits:household_list")
    assert [url for url in state["precache"] if url.startswith(households)] == [
        households, f"{households}?page=2", f"{households}?page=3"
    ]
    assert f"{reverse('visits:visit_create')}?household={own[0].pk}" in state["precache"]
    assert not any(url.endswith(f"household={far.pk}") for url in state["precache"])
    assert state["householdMaxAgeMs"] == 7 * 24 * 3600 * 1000


def test_state_of_a_user_without_field_pages(client_for, town_user):
    state = client_for(town_user).get(reverse("offline:state")).json()
    assert state["authenticated"] and not state["enabled"] and "precache" not in state


def _save_a_household(client, org):
    """A household saved, the redirect not followed: its message "已登记住户" waits for the next page."""
    saved = client.post(reverse("visits:household_create"), {
        "division": org.village.pk, "head_name": "王德明", "address": "西凡各庄村1号", "members_count": 3,
    })
    assert saved.status_code == 302
    return saved


def test_a_page_kept_in_the_background_leaves_the_message_to_the_page_the_user_opens(client_for, cadre, org):
    client = client_for(cadre)
    saved = _save_a_household(client, org)
    kept = client.get(reverse("visits:household_list"), HTTP_X_OFFLINE_KEEP="1")
    assert kept.status_code == 200 and "已登记住户" not in kept.content.decode()
    assert "已登记住户" in client.get(saved["Location"]).content.decode()


def test_a_page_that_shows_a_message_is_not_for_keeping(client_for, cadre, org):
    client = client_for(cadre)
    intake = reverse("cases:case_create")
    assert "no-store" not in client.get(intake).get("Cache-Control", "")
    _save_a_household(client, org)
    shown = client.get(intake)
    assert "已登记住户" in shown.content.decode() and "no-store" in shown["Cache-Control"]
    assert "no-store" not in client.get(intake).get("Cache-Control", "")  # the message was shown once


def test_households_are_the_own_villages_only(client_for, cadre, town_user, org):
    HouseholdFactory(division=org.village, head_name="王德明")
    HouseholdFactory(division=org.other_village, head_name="孙远山")
    names = [row["name"] for row in client_for(cadre).get(reverse("offline:households")).json()["households"]]
    assert names == ["王德明"]
    assert client_for(town_user).get(reverse("offline:households")).status_code == 404


def test_drafts_page_is_a_cadres(client_for, cadre, town_user):
    page = client_for(cadre).get(reverse("offline:drafts"))
    assert page.status_code == 200 and b"data-offline-drafts" in page.content
    assert b'data-offline-user="%d"' % cadre.pk in page.content
    assert client_for(town_user).get(reverse("offline:drafts")).status_code == 404
    town_page = client_for(town_user).get(reverse("offline:unavailable")).content
    assert b"data-offline-user" not in town_page and b"offline.js" not in town_page


def test_sign_out_tells_the_browser_to_clear_the_sites_storage(client_for, cadre):
    response = client_for(cadre).post(reverse("logout"))
    assert response.status_code == 302 and response["Clear-Site-Data"] == '"storage"'


def test_a_draft_is_answered_in_json_and_made_once(client_for, cadre, category):
    client = client_for(cadre)
    data = intake_post(category, client_token=str(uuid.uuid4()))
    created = client.post(reverse("cases:case_create"), data, **DRAFT)
    case = Case.objects.get()
    assert created.status_code == 201
    assert created.json() == {"status": "created", "url": case.get_absolute_url(), "label": case.number}
    again = client.post(reverse("cases:case_create"), data, **DRAFT)
    assert again.status_code == 200 and again.json()["status"] == "exists" and Case.objects.count() == 1


def test_a_refused_draft_gets_its_errors_by_field(client_for, cadre, category):
    parties = [{"role": "applicant", "name": "张三", "phone": "13800001234"},
               {"role": "respondent", "name": "李四", "phone": "12345"}]
    response = client_for(cadre).post(
        reverse("cases:case_create"), intake_post(category, parties=parties, title=""), **DRAFT
    )
    assert response.status_code == 422 and response.json()["status"] == "invalid"
    errors = response.json()["errors"]
    assert errors["parties-1-phone"] == ["请输入有效的手机或固定电话号码。"]
    assert "title" in errors and "parties-0-phone" not in errors
    assert not Case.objects.exists()


def test_a_draft_like_an_open_case_comes_back_as_a_possible_duplicate(client_for, cadre, category):
    client = client_for(cadre)
    client.post(reverse("cases:case_create"), intake_post(category))
    number = Case.objects.get().number
    response = client.post(reverse("cases:case_create"), intake_post(category, client_token=str(uuid.uuid4())),
                           **DRAFT)
    assert response.status_code == 422 and response.json()["status"] == "duplicate"
    assert number in response.json()["errors"]["__all__"][0]
    confirmed = intake_post(category, client_token=str(uuid.uuid4()), confirm_not_duplicate="on")
    assert client.post(reverse("cases:case_create"), confirmed, **DRAFT).status_code == 201


def test_a_draft_after_the_session_ended_goes_to_sign_in(client, category):
    response = client.post(reverse("cases:case_create"), intake_post(category), **DRAFT)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_visit_draft_is_answered_in_json(client_for, cadre, org):
    member = MemberFactory(center=org.center, user=cadre, role_codes=["committee"], joined_on=timezone.localdate())
    household = HouseholdFactory(division=org.village)
    url = reverse("visits:visit_create") + f"?household={household.pk}"
    client = client_for(cadre)
    data = {"visited_on": timezone.localdate().isoformat(), "mode": "home", "cadres": [member.pk],
            "raised": "漏水", "client_token": str(uuid.uuid4())}
    refused = client.post(url, {**data, "visited_on": "不是日期"}, **DRAFT)
    assert refused.status_code == 422 and "visited_on" in refused.json()["errors"]
    assert client.post(url, data, **DRAFT).status_code == 201
    again = client.post(url, data, **DRAFT)
    assert again.status_code == 200 and again.json()["url"] == Visit.objects.get().get_absolute_url()
