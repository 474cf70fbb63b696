"""The demo seeds of deliberation, legal education and 七有: the promised mix, idempotent, and quick."""

import io
import time

import pytest
from django.db.models import Count

from deliberation import demo as deliberation_demo
from deliberation.models import MajorMatter, MatterStep, Meeting, Resolution
from legal_education import demo as legal_demo
from legal_education.models import LegalLiaison, LegalTeam
from legal_education.selectors import liaisons_by_town
from pinggu_center.demo import checklist as checklist_demo
from pinggu_center.demo import organisation
from pinggu_center.models import Center, CenterChecklistItem, User

pytestmark = pytest.mark.django_db


def _seed_mine(out) -> None:
    checklist_demo.seed(scale=1, stdout=out)
    deliberation_demo.seed(scale=1, stdout=out)
    legal_demo.seed(scale=1, stdout=out)


def _counts() -> tuple:
    return (Meeting.objects.count(), Resolution.objects.count(), LegalLiaison.objects.count(), CenterChecklistItem.objects.count())


def test_demo_seeds(settings, tmp_path):
    out = io.StringIO()
    organisation.seed(scale=1, stdout=out)
    started = time.monotonic()
    _seed_mine(out)
    assert time.monotonic() - started < 5
    first = _counts()
    _seed_mine(out)
    assert _counts() == first

    meetings = list(Meeting.objects.all())
    assert any(not m.quorum_met for m in meetings) and any(m.quorum_met for m in meetings)
    assert MajorMatter.objects.filter(center__division__name="西凡各庄村", current_step=MatterStep.REVIEW).exists()
    assert LegalTeam.objects.count() == 10
    district = User.objects.get(username="district")
    assert sum(row["short_count"] for row in liaisons_by_town(district)) > 0
    done = Center.objects.annotate(n=Count("checklist_items")).values_list("n", flat=True)
    assert 7 in done and any(n < 7 for n in done)
    assert LegalLiaison.objects.filter(member__isnull=False).exists()
