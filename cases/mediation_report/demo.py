"""Demo report fields: believable people, amounts, agreements and the rare prevention, per archived dispute.

`cases.demo` archives its disputes with `believable_fields`; `seed` (run after it by seed_demo) records the
same for any archived dispute that has no record yet, so a second run changes nothing.
"""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction

from cases.models import Agreement, Case

from .models import MediationRecord
from .services import ReportFields, count_at_archive, is_reportable

MONEY_CATEGORIES = {"contract", "damages", "labour", "business", "property_mgmt", "traffic", "medical", "consumer",
                    "forest_land", "land_acquisition", "housing_land"}
GROUP_CATEGORIES = {"forest_land", "land_acquisition", "village_affairs", "pollution"}


def believable_fields(case: Case, outcome: str) -> ReportFields:
    """Report fields a mediator would plausibly record; random but fixed per case."""
    rng = random.Random(f"report:{case.number}")
    parties = max(case.parties.count(), 1)
    code = case.category.code
    group = code in GROUP_CATEGORIES and rng.random() < 0.25
    people = parties + (rng.randint(5, 25) if group else rng.choice([0, 0, 1, 2, 3]))
    amount = None
    if code in MONEY_CATEGORIES or rng.random() < 0.2:
        amount = Decimal(rng.choice([500, 1200, 3000, 5000, 8000, 12000, 20000, 45000, 80000, 150000]))
    succeeded = outcome == Case.Outcome.RESOLVED
    agreement = MediationRecord.AgreementForm.NONE
    if succeeded:
        written = Agreement.objects.filter(case=case).exists() or rng.random() < 0.4
        agreement = MediationRecord.AgreementForm.WRITTEN if written else MediationRecord.AgreementForm.ORAL
    oral = case.summary if agreement == MediationRecord.AgreementForm.ORAL else ""
    preventions: dict[str, bool | int] = {}
    roll = rng.random()
    if roll < 0.01 and code == "marriage_family":
        preventions = {"suicide": True, "suicide_people": 1}
    elif roll < 0.05 and people >= 2:
        preventions = {"criminal": True, "criminal_people": min(people, rng.randint(2, 4))}
    elif group and roll < 0.15:
        preventions = {"petition": True, "petition_people": people - rng.randint(0, 3)}
    elif group and roll < 0.2:
        preventions = {"fight": True, "fight_people": max(5, people - rng.randint(0, 4))}
    return ReportFields(succeeded=succeeded, agreement_form=agreement, people=people, oral_terms=oral or "",
                        amount=amount, **preventions)


def seed(*, scale: int, stdout) -> None:
    """Record the report fields of archived disputes that have none (databases seeded before the report existed)."""
    missing = (Case.objects.filter(status=Case.Status.CLOSED, closure=Case.Closure.ARCHIVE, kind=Case.Kind.DISPUTE)
               .exclude(mediation_record__isnull=False).select_related("holder", "category").order_by("pk"))
    filled = 0
    for case in missing.iterator():
        if not is_reportable(case, case.outcome):
            continue
        with transaction.atomic():
            count_at_archive(case, believable_fields(case, case.outcome), actor=None)
        filled += 1
    stdout.write(f"People's-mediation report fields: {filled} archived disputes filled.")
