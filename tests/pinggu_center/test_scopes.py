"""Each role sees exactly its scope; outside it is a 404, never a 403."""

import pytest
from django.urls import reverse

from pinggu_center.scopes import division_ids, visible_centers

pytestmark = pytest.mark.django_db


def test_village_user_sees_only_its_center(org, director):
    assert list(visible_centers(director)) == [org.center]


def test_town_user_sees_its_villages_not_another_towns(org, town_user):
    assert set(visible_centers(town_user)) == {org.center}
    assert org.other_village.pk not in division_ids(town_user)


def test_district_user_sees_every_center(org, district_admin, auditor):
    assert set(visible_centers(district_admin)) == {org.center, org.other_center}
    assert set(visible_centers(auditor)) == {org.center, org.other_center}


def test_user_without_division_sees_nothing(org):
    from tests.factories import UserFactory

    lost = UserFactory(division=None)
    assert list(visible_centers(lost)) == []


@pytest.mark.parametrize("url_name", ["center_roster", "member_create"])
def test_other_villages_roster_is_404(org, other_director, client_for, url_name):
    response = client_for(other_director).get(reverse(url_name, args=[org.center.pk]))
    assert response.status_code == 404


def test_other_villages_member_edit_and_retire_are_404(org, other_director, client_for):
    from tests.factories import MemberFactory

    member = MemberFactory(center=org.center)
    client = client_for(other_director)
    assert client.get(reverse("member_edit", args=[member.pk])).status_code == 404
    assert client.post(reverse("member_retire", args=[member.pk]), {"retired_on": "2026-11-24"}).status_code == 404
    member.refresh_from_db()
    assert member.retired_on is None


def test_own_roster_is_visible(org, director, client_for):
    response = client_for(director).get(reverse("center_roster", args=[org.center.pk]))
    assert response.status_code == 200
    assert "西凡各庄村说事评理议事普法中心" in response.content.decode()
