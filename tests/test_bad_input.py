"""Bad input across the main pages, as a signed-in user of every role: the answer is never a 5xx.

Each role's test walks the pages a user reaches (lists, detail pages of its own village and of another village,
ids that do not exist or do not fit in a database integer), then fills every form it finds there with bad
values: every field of a search form alone with a huge, negative or malformed number, every field of an entry
form at once with garbage, the other village's ids, text with NUL bytes, oversized text, and files that lie
about their type. A second test sends bad bodies to the signed machine interfaces. The counts of inputs tried
and 5xx answers seen are printed (run with ``-s`` to read them).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter
from django.utils import timezone

from cases.models import Attachment, Case, Summons, Transfer, Whistle
from dashboards.models import ExportJob
from deliberation.models import MeetingKind
from pinggu_center.models import Notification
from tests.cases.factories import CaseFactory, PartyFactory
from tests.deliberation.factories import MajorMatterFactory, MeetingFactory, TopicFactory
from tests.factories import MemberFactory
from tests.hotline.helpers import ORDERS_URL, order, post
from tests.legal_education.factories import LegalActivityFactory, LegalLiaisonFactory, png
from tests.visits.factories import HouseholdFactory, VisitFactory

pytestmark = pytest.mark.django_db

HUGE = "9" * 30
# Each field of a search form is tried alone with these; FUZZ_FULL=1 tries the longer list (slower).
QUERY_VALUES = [HUGE, "x\x00'\"<script>"]
if os.environ.get("FUZZ_FULL"):
    QUERY_VALUES += ["-1", "1e309", "0x1f", "1.5", "９９", "NaN", "2026-02-30", ""]
ROLES = ["cadre", "director", "town_user", "department_user", "district_admin", "auditor"]

# Which record of the world fixture an id in a URL names, by the URL's argument name.
RECORD_OF = {
    "pk": "case", "center_id": "center", "member_id": "member", "notification_id": "notification",
    "attachment_id": "attachment", "summons_id": "summons", "transfer_id": "transfer", "visit_id": "visit",
    "household_id": "household", "meeting_id": "meeting", "topic_id": "topic", "matter_id": "matter",
    "activity_id": "activity", "liaison_id": "liaison", "division_id": "village", "town_id": "town",
    "village_id": "village", "job_id": "export_job",
}
# Not walked: the admin (Django's own), the signed machine interfaces (their own test below), signing out or in
# (the walk must stay signed in) and the language switch.
SKIPPED = ("admin:", "api:", "logout", "login", "set_language")


def url_patterns(patterns=None, namespace: str = "") -> list[tuple[str, dict]]:
    """Every named route of the site with its converters: [(namespaced name, {argument: converter})]."""
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += url_patterns(pattern.url_patterns, inner)
        elif pattern.name and not f"{namespace}{pattern.name}".startswith(SKIPPED):
            found.append((f"{namespace}{pattern.name}", getattr(pattern.pattern, "converters", {})))
    return found


# Query-string names every list is tried with, besides the fields of its own search form.
ALWAYS = ["page", "division"]
# A form is tried once per run, by the first role that meets it (roles run narrowest first).
SEEN_FORMS: set[tuple[str, str, tuple[str, ...]]] = set()


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, str] = field(default_factory=dict)  # name → input type ("select", "textarea", "file", ...)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.forms.append(Form(attributes.get("method", "get").lower(), attributes.get("action", "")))
        elif tag in {"input", "select", "textarea"} and self.forms and attributes.get("name"):
            kind = attributes.get("type", "text").lower() if tag == "input" else tag
            if attributes["name"] != "csrfmiddlewaretoken":
                self.forms[-1].fields[attributes["name"]] = kind


def forms_of(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


@dataclass
class Tally:
    """Every input tried, and each one answered with a 5xx."""

    tried: int = 0
    statuses: Counter = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)

    def record(self, what: str, status: int) -> None:
        self.tried += 1
        self.statuses[f"{status // 100}xx"] += 1
        if status >= 500:
            self.server_errors.append(f"{status} {what}")


def _files(name: str) -> dict[str, SimpleUploadedFile]:
    """Uploads that lie: an HTML page named .png, a script named .pdf, and a PNG with a script appended."""
    return {
        "html": SimpleUploadedFile("photo.png", b"<html><script>alert(1)</script></html>", "image/png"),
        "script": SimpleUploadedFile("doc.pdf", b"#!/bin/sh\nrm -rf /\n", "application/pdf"),
        "polyglot": SimpleUploadedFile("photo.png", png().read() + b"<script>alert(1)</script>", "image/png"),
        "empty": SimpleUploadedFile("empty.pdf", b"", "application/pdf"),
    }[name]


@pytest.fixture
def world(org, director, other_director, cadre, district_admin):
    """Records of the user's own village and of 周村 (another town), to reach every kind of page."""
    objects: dict[str, dict[str, object]] = {}
    for label, center, owner in [("own", org.center, director), ("other", org.other_center, other_director)]:
        case = CaseFactory(center=center, path=Case.Path.JOINT, status=Case.Status.HANDLING)
        PartyFactory(case=case)
        whistle = Whistle.objects.create(case=case, matter="x", blown_by=owner,
                                         report_in_due=timezone.now() + timedelta(days=2))
        summons = Summons.objects.create(whistle=whistle, department=org.justice_office)
        closed = CaseFactory(center=center, status=Case.Status.TRANSFERRED, closure="transfer")
        transfer = Transfer.objects.create(case=closed, target="department", department=org.justice_office,
                                           reason="x", feedback_due=timezone.now() + timedelta(days=5))
        attachment = Attachment.objects.create(case=case, file=SimpleUploadedFile("a.pdf", b"%PDF-1.4"),
                                               original_name="a.pdf", content_type="application/pdf", size=8)
        household = HouseholdFactory(division=center.division)
        meeting = MeetingFactory(center=center, kind=MeetingKind.REPRESENTATIVES)
        objects[label] = {
            "center": center, "village": center.division, "town": center.division.parent, "case": case,
            "summons": summons, "transfer": transfer, "attachment": attachment,
            "member": MemberFactory(center=center, role_codes=["committee"]), "household": household,
            "visit": VisitFactory(household=household), "meeting": meeting, "topic": TopicFactory(meeting=meeting),
            "matter": MajorMatterFactory(center=center), "activity": LegalActivityFactory(center=center),
            "liaison": LegalLiaisonFactory(center=center),
            "notification": Notification.objects.create(recipient=owner, text="x", key=f"fuzz:{label}"),
            "export_job": ExportJob.objects.create(user=owner, kind="cases"),
        }
    return objects


class Walker:
    """One user's walk over the pages, trying bad input on every form it meets."""

    def __init__(self, client: Client, world: dict, tally: Tally) -> None:
        self.client, self.world, self.tally = client, world, tally

    def request(self, method: str, url: str, data: dict | None = None):
        response = self.client.get(url, data or {}) if method == "GET" else self.client.post(url, data or {})
        self.tally.record(f"{method} {url} {sorted((data or {}).items())!r:.300}", response.status_code)
        return response

    def page_urls(self) -> list[str]:
        """Each route once per village (own, other) with that village's records, and once with ids that fit nothing."""
        urls: set[str] = set()
        for name, converters in url_patterns():
            if not converters:
                urls.add(reverse(name))
                continue
            for label in ("own", "other"):
                urls.add(reverse(name, kwargs={arg: self.value(arg, conv, label) for arg, conv in converters.items()}))
            urls.add(reverse(name, kwargs={
                arg: int(HUGE) if isinstance(conv, IntConverter) else "x\x00" * 100 for arg, conv in converters.items()
            }))
        return sorted(urls)

    def other_village_urls(self) -> set[str]:
        other = {str(record.pk) for record in self.world["other"].values()} - {str(r.pk) for r in self.world["own"].values()}
        return {url for url in self.page_urls() if set(url.split("/")) & other}

    def value(self, arg: str, converter, label: str):
        if not isinstance(converter, IntConverter):
            return {"item": "sign", "division_code": self.world[label]["village"].code}.get(arg, "x")
        record = self.world[label].get(RECORD_OF.get(arg, ""))
        return record.pk if record is not None else 1

    def walk(self) -> None:
        others = self.other_village_urls()
        for url in self.page_urls():
            response = self.request("GET", url)
            if url in others:
                self.request("POST", url)  # an empty POST to another village's record
            if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
                for form in forms_of(response.content.decode()):
                    self.try_form(url, form)

    def try_form(self, page: str, form: Form) -> None:
        action = urlsplit(form.action).path or page
        key = (form.method, action, tuple(sorted(form.fields)))
        if key in SEEN_FORMS or action.startswith(("/i18n/", "/accounts/logout")):
            return
        SEEN_FORMS.add(key)
        if form.method == "get":
            for name in sorted(set(form.fields) | set(ALWAYS)):
                for value in QUERY_VALUES:
                    self.request("GET", action, {name: value})
        else:
            for body in self.bad_bodies(form):
                self.request("POST", action, body)

    def bad_bodies(self, form: Form) -> list[dict]:
        other_ids = [str(obj.pk) for obj in self.world["other"].values()]
        fillings = [HUGE, "-1", "x\x00y", "一" * 3000, "2026-13-45T25:61", *other_ids[:3]]
        bodies = []
        for value in fillings:
            body = {name: value for name, kind in form.fields.items() if kind != "file"}
            body.update({name: _files("html") for name, kind in form.fields.items() if kind == "file"})
            bodies.append(body)
        if any(kind == "file" for kind in form.fields.values()):
            for upload in ("script", "polyglot", "empty"):
                bodies.append({name: _files(upload) if kind == "file" else "1" for name, kind in form.fields.items()})
        # Formsets: a management form that claims a million forms.
        prefixes = {name.split("-")[0] for name in form.fields if name.endswith("-TOTAL_FORMS")}
        for prefix in prefixes:
            bodies.append({f"{prefix}-TOTAL_FORMS": HUGE, f"{prefix}-INITIAL_FORMS": "-1"})
        return bodies


@pytest.mark.parametrize("role", ROLES)
def test_no_bad_input_gets_a_server_error(role, request, world, client_for, settings, capsys):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    user = request.getfixturevalue(role)
    client = client_for(user)
    client.raise_request_exception = False
    tally = Tally()
    Walker(client, world, tally).walk()
    with capsys.disabled():
        print(f"\n[bad input] {role}: {tally.tried} inputs, answers {dict(sorted(tally.statuses.items()))}, "
              f"{len(tally.server_errors)} 5xx")
    assert tally.server_errors == [], "\n".join(tally.server_errors[:40])


API_BODIES: list[bytes] = [
    b"", b"null", b"[]", b"{", b'"text"', b"\x00\xff\xfe", json.dumps({"order_no": int(HUGE)}).encode(),
    json.dumps(order(order_no="\x00")).encode(), json.dumps(order(caller=[])).encode(),
    json.dumps(order(caller={"name": {"a": 1}, "phone": 13800001234})).encode(),
    json.dumps(order(division_code=int(HUGE))).encode(), json.dumps(order(received_at="2026-02-30T25:00")).encode(),
    json.dumps(order(reply_by="9999-12-31T23:59:59+14:00")).encode(), json.dumps(order(urgency=None)).encode(),
    json.dumps(order(content="内容" * 20000)).encode(), json.dumps(order(category=["infrastructure"])).encode(),
    json.dumps({"feedback": int(HUGE), "reference": {"x": 1}}).encode(), b'{"a": 1e999}', b"[" * 5000 + b"]" * 5000,
]


def test_no_bad_api_body_gets_a_server_error(org, world, settings, capsys):
    tally = Tally()
    transfer = world["own"]["transfer"]
    urls = [ORDERS_URL, f"/api/enforcement/v1/transfers/{transfer.pk}/feedback",
            f"/api/enforcement/v1/transfers/{HUGE}/feedback", f"{ORDERS_URL}/{'x' * 500}"]
    client = Client(raise_request_exception=False)
    for url in urls:
        secret = settings.ENFORCEMENT_SECRET if "enforcement" in url else settings.HOTLINE_SECRET
        for body in API_BODIES:
            tally.record(f"POST {url} {body[:80]!r}", post(client, url, body, secret=secret).status_code)
    with capsys.disabled():
        print(f"\n[bad input] API: {tally.tried} bodies, answers {dict(sorted(tally.statuses.items()))}, "
              f"{len(tally.server_errors)} 5xx")
    assert tally.server_errors == [], "\n".join(tally.server_errors)
