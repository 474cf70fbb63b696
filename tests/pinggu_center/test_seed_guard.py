"""seed_demo refuses a production database unless told --force (its logins share a published password)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from pinggu_center.models import Division, User

pytestmark = pytest.mark.django_db


def test_refused_under_production_settings(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not Division.objects.exists() and not User.objects.exists()


def test_forced_under_production_settings(settings, monkeypatch):
    settings.PRODUCTION = True
    seeded: list[str] = []
    monkeypatch.setattr("pinggu_center.management.commands.seed_demo.import_module",
                        lambda name: type("Demo", (), {"seed": staticmethod(lambda **kw: seeded.append(name))}))
    out = io.StringIO()
    call_command("seed_demo", "--force", stdout=out)
    assert "pinggu_center.demo" in seeded and "Demo data ready." in out.getvalue()
