"""Shared fixtures: a small organisation and one login per role, the way STYLE.md asks."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import time_machine
from django.test import Client

from pinggu_center.models import Center, Department, Division, User

from .clock import FROZEN_NOW
from .factories import (
    PASSWORD,
    CenterFactory,
    DepartmentFactory,
    DistrictFactory,
    TownFactory,
    UserFactory,
    VillageFactory,
)


@dataclass
class Org:
    district: Division
    town: Division
    village: Division
    center: Center
    other_town: Division
    other_village: Division
    other_center: Center
    justice_office: Department
    enforcement: Department
    district_court: Department


@pytest.fixture
def org(db) -> Org:
    district = DistrictFactory()
    town = TownFactory(name="峪口地区", code="110117104000", abbr="YK", parent=district)
    village = VillageFactory(name="西凡各庄村", code="110117104201", parent=town)
    other_town = TownFactory(name="大兴庄镇", code="110117114000", abbr="DXZ", parent=district)
    other_village = VillageFactory(name="周村", code="110117114201", parent=other_town)
    return Org(
        district=district,
        town=town,
        village=village,
        center=CenterFactory(division=village),
        other_town=other_town,
        other_village=other_village,
        other_center=CenterFactory(division=other_village),
        justice_office=DepartmentFactory(name="峪口地区司法所", division=town),
        enforcement=DepartmentFactory(name="峪口地区综合执法队", kind=Department.Kind.ENFORCEMENT, division=town),
        district_court=DepartmentFactory(name="区人民法院", kind=Department.Kind.COURT, division=district),
    )


@pytest.fixture
def director(org: Org) -> User:
    return UserFactory(username="director", role="village_director", division=org.village)


@pytest.fixture
def cadre(org: Org) -> User:
    return UserFactory(username="cadre", role="village_staff", division=org.village)


@pytest.fixture
def other_director(org: Org) -> User:
    return UserFactory(username="other_director", role="village_director", division=org.other_village)


@pytest.fixture
def other_cadre(org: Org) -> User:
    return UserFactory(username="other_cadre", role="village_staff", division=org.other_village)


@pytest.fixture
def town_user(org: Org) -> User:
    return UserFactory(username="town", role="town_staff", division=org.town)


@pytest.fixture
def department_user(org: Org) -> User:
    return UserFactory(username="dept", role="department_staff", division=org.town, department=org.justice_office)


@pytest.fixture
def district_admin(org: Org) -> User:
    return UserFactory(username="district_admin", role="district_admin", division=org.district, is_staff=True)


@pytest.fixture
def auditor(org: Org) -> User:
    return UserFactory(username="auditor", role="auditor", division=org.district)


def login(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def client_for():
    """client_for(user) → a test client signed in as that user."""
    return login


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Tests create many users; production's PBKDF2 would spend most of the suite's time hashing."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


def _uses_transactional_db(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    return bool(
        {"transactional_db", "live_server", "celery_worker"} & names
        or (marker is not None and marker.kwargs.get("transaction"))
    )


@pytest.fixture(autouse=True)
def _reference_data(request) -> None:
    """Tests on a flushed (transactional) database get back the rows data migrations put there."""
    if not _uses_transactional_db(request):
        return
    request.getfixturevalue("transactional_db")
    from importlib import import_module

    from django.apps import apps

    for label, module in [("pinggu_center", "0002_member_roles"), ("cases", "0002_standard_categories")]:
        migration = import_module(f"{label}.migrations.{module}")
        adder = migration.add_roles if label == "pinggu_center" else migration.add_categories
        adder(apps, None)


@pytest.fixture(autouse=True)
def _fixed_clock(request):
    """Start every in-process test at FROZEN_NOW (tests/clock.py); browser and worker tests keep the real clock."""
    if {"e2e", "integration"} & {marker.name for marker in request.node.iter_markers()}:
        yield None
        return
    with time_machine.travel(FROZEN_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _site_language():
    """Every test starts in the site's language: a request in English (LocaleMiddleware) leaves English active in
    its thread, and a later test in the same worker would get English messages."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


__all__ = ["PASSWORD", "Org"]


# --- order: the longest tests first ---------------------------------------------------------------

# The suite runs in several processes (scripts/test.sh); each takes the next test when it is free. A long test
# taken last keeps one process busy while the others wait, so the longest ones start first, each within its
# part of pytest-django's order (plain database tests, then transactional ones, then the rest), which is kept;
# a long one of the rest, which touches no test database, goes before them all.
LONGEST_FIRST = (
    "tests/integration/test_production_recipe.py",
    "tests/e2e/test_phone_sweep.py",
    "tests/test_bad_input.py::test_no_bad_input_gets_a_server_error[cadre]",
    "tests/test_seed_demo.py",
    "tests/integration/test_fault_burst.py",
    "tests/test_bad_input.py",
    "tests/integration/test_overdue_sweep.py",
    "tests/integration/test_hotline_callbacks.py",
    "tests/e2e/test_case_journey.py",
    "tests/e2e/test_offline.py",
)


def _django_order(item: pytest.Item) -> int:
    """pytest-django's sort key for a test function: 0 database, 1 transactional database, 2 no database."""
    marker = item.get_closest_marker("django_db")
    transactional = bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
    fixtures = getattr(item, "fixturenames", ())
    if transactional or "transactional_db" in fixtures or "live_server" in fixtures:
        return 1
    return 0 if marker or "db" in fixtures else 2


def _rank(item: pytest.Item) -> int:
    for rank, prefix in enumerate(LONGEST_FIRST):
        if item.nodeid.startswith(prefix):
            return rank
    return len(LONGEST_FIRST)


# Modules whose tests share one costly module fixture (the seeded demo district) run in one process. xdist's own
# `xdist_group` marker did not keep them together under pytest 9 (the group suffix never reached the scheduler),
# so scripts/test.sh's --dist loadgroup is served by this scheduler: each of these modules is one unit of work,
# every other test its own, handed out in collection order.
KEEP_TOGETHER = ("tests/test_seed_demo.py",)


def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class CostlyModulesTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return next((module for module in KEEP_TOGETHER if nodeid.startswith(module)), nodeid)

    return CostlyModulesTogether(config, log)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    orders = [_django_order(item) for item in items]
    if orders != sorted(orders):
        return  # not the order this expects (pytest-django sorted otherwise): leave it as it is
    items.sort(key=_start_order)


def _start_order(item: pytest.Item) -> tuple[int, int]:
    order, rank = _django_order(item), _rank(item)
    if order == 2 and rank < len(LONGEST_FIRST):
        return (-1, rank)  # no test database: it may run alongside the database tests, from the start
    return (order, rank)
