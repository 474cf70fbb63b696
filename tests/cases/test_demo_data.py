"""seed_demo's cases cover every status, level, path and closure, and a second run changes nothing."""

import io
import time

from django.apps import apps
from django.core.management import call_command

from cases.models import Agreement, Case, CaseEvent, FollowUp, Summons
from pinggu_center.models import Level


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count() for model in apps.get_models()
    }


def test_demo_cases_cover_the_lifecycle(db):
    """One test, because seeding takes seconds."""
    started = time.monotonic()
    call_command("seed_demo", stdout=io.StringIO())
    print(f"seed_demo took {time.monotonic() - started:.1f} s")  # shown with -s
    first = _row_counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert _row_counts() == first

    assert 250 <= Case.objects.count() <= 400
    assert set(Case.objects.values_list("status", flat=True)) == set(Case.Status.values)
    assert set(Case.objects.values_list("level", flat=True)) == set(Level.values)
    assert set(Case.objects.exclude(path="").values_list("path", flat=True)) == set(
        Case.Path.values
    )
    assert set(
        Case.objects.exclude(closure="").values_list("closure", flat=True)
    ) == set(Case.Closure.values)
    assert set(FollowUp.objects.values_list("satisfaction", flat=True)) == set(
        FollowUp.Satisfaction.values
    )
    assert Agreement.objects.filter(confirmation_applied_on__isnull=True).exists()
    assert Agreement.objects.filter(confirmation_applied_on__isnull=False).exists()
    assert Summons.objects.filter(reported_at__isnull=True).exists()
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.ROUTED).exists()
    oldest = Case.objects.order_by("registered_at").first().registered_at
    assert (Case.objects.latest("registered_at").registered_at - oldest).days > 150
