"""The director keeps the roster: add, edit, retire; nothing is hard-deleted; bad input is a 400."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pinggu_center.models import AuditLog, Member, Role
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_director_adds_member_with_roles(org, director, client_for):
    roles = Role.objects.filter(code__in=["mediator", "grid"])
    response = client_for(director).post(
        reverse("member_create", args=[org.center.pk]),
        {"name": "刘秀英", "phone": "13912345678", "title": "调解员", "roles": [r.pk for r in roles], "joined_on": "2026-01-05"},
    )
    assert response.status_code == 302
    member = Member.objects.get(name="刘秀英")
    assert member.center == org.center
    assert set(member.roles.values_list("code", flat=True)) == {"mediator", "grid"}
    assert AuditLog.objects.filter(action="change", object_id=str(member.pk)).exists()


def test_invalid_phone_is_refused_in_chinese_and_saves_nothing(org, director, client_for):
    response = client_for(director).post(
        reverse("member_create", args=[org.center.pk]),
        {"name": "刘秀英", "phone": "2391234567", "roles": [Role.objects.first().pk], "joined_on": "2026-01-05"},
    )
    assert response.status_code == 400
    assert "请输入有效的手机号码" in response.content.decode()
    assert not Member.objects.filter(name="刘秀英").exists()


def test_director_edits_member(org, director, client_for):
    member = MemberFactory(center=org.center, role_codes=["committee"])
    response = client_for(director).post(
        reverse("member_edit", args=[member.pk]),
        {"name": "改名", "phone": member.phone, "title": "", "roles": [Role.objects.get(code="lawyer").pk], "joined_on": "2026-01-01"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.name == "改名"
    assert list(member.roles.values_list("code", flat=True)) == ["lawyer"]


def test_retire_keeps_the_row(org, director, client_for):
    member = MemberFactory(center=org.center, joined_on="2025-01-01")
    client = client_for(director)
    assert client.post(reverse("member_retire", args=[member.pk]), {"retired_on": "2026-11-01"}).status_code == 302
    member.refresh_from_db()
    assert str(member.retired_on) == "2026-11-01"
    assert Member.objects.active().filter(pk=member.pk).count() == 0
    # Retiring twice is refused with a message, not a 500.
    response = client.post(reverse("member_retire", args=[member.pk]), {"retired_on": "2026-11-02"}, follow=True)
    assert "已于" in response.content.decode()


def test_cadre_cannot_change_roster(org, cadre, client_for):
    response = client_for(cadre).post(
        reverse("member_create", args=[org.center.pk]),
        {"name": "某人", "phone": "13912345678", "roles": [Role.objects.first().pk], "joined_on": "2026-01-05"},
        follow=True,
    )
    assert "只有中心主任或上级可以维护成员名册" in response.content.decode()
    assert not Member.objects.filter(name="某人").exists()


def test_roster_query_count_does_not_grow(org, director, client_for, django_assert_max_num_queries):
    client = client_for(director)
    MemberFactory.create_batch(3, center=org.center, role_codes=["grid"])
    with django_assert_max_num_queries(12) as few:
        assert client.get(reverse("center_roster", args=[org.center.pk])).status_code == 200
    MemberFactory.create_batch(30, center=org.center, role_codes=["grid", "committee"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("center_roster", args=[org.center.pk])).status_code == 200


def test_capped_paginator_stops_counting_at_the_cap(org, monkeypatch):
    from pinggu_center import paging

    monkeypatch.setattr(paging, "COUNT_CAP", 5)
    MemberFactory.create_batch(8, center=org.center)
    page = paging.capped_page(Member.objects.order_by("pk"), 3, "2")
    assert page.paginator.count == 6 and page.paginator.is_capped
    assert [m.pk for m in page] == list(Member.objects.order_by("pk").values_list("pk", flat=True)[3:6])
    small = paging.capped_page(Member.objects.filter(pk__lt=0), 3, "1")
    assert small.paginator.count == 0 and not small.paginator.is_capped


def test_the_count_reaches_a_few_pages_past_the_page_shown(org, monkeypatch):
    """A common keyword's first page counts a few pages' matches, not the cap's; a page further on counts further."""
    from django.http import Http404

    from pinggu_center import paging

    monkeypatch.setattr(paging, "COUNT_CAP", 30)
    monkeypatch.setattr(paging, "PAGES_AHEAD", 1)
    MemberFactory.create_batch(40, center=org.center)
    members = Member.objects.order_by("pk")

    with CaptureQueriesContext(connection) as counted:
        first = paging.capped_page(members, 3, "1")
        assert first.paginator.count == 7 and first.paginator.is_capped  # 1 + 1 pages of 3, and one more
    assert "LIMIT 7" in counted.captured_queries[0]["sql"]
    assert first.has_next() and first.paginator.num_pages == 3  # the two counted, and the one the 7th row is on
    further = paging.capped_page(members, 3, "2")
    assert further.paginator.count == 10 and further.has_next()
    last = paging.capped_page(members, 3, "10")  # (10 + 1) pages reach past the cap: counted up to the cap
    assert last.paginator.count == 31 and not last.has_next()
    assert [m.pk for m in last] == list(members.values_list("pk", flat=True)[27:30])
    with pytest.raises(Http404):
        paging.capped_page(members, 3, "11")
