from __future__ import annotations

import factory
from django.utils import timezone

from visits import tally
from visits.models import Household, Visit


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household
        skip_postgeneration_save = True

    division = None  # pass a village
    address = factory.Sequence(lambda n: f"{n}号")
    head_name = factory.Sequence(lambda n: f"户主{n}")
    phone = "13800000000"
    members_count = 3

    @factory.post_generation
    def counted(self, create: bool, extracted, **kwargs) -> None:
        if create:  # as create_household does
            tally.count_households(self.division_id, self.division.parent_id, 1)


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit
        skip_postgeneration_save = True

    household = None
    division = factory.LazyAttribute(lambda o: o.household.division)
    visited_on = factory.LazyFunction(timezone.localdate)

    @factory.post_generation
    def cadres(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            self.cadres.set(extracted)
        if create:  # as record_visit does
            tally.count_visit(self, [member.pk for member in extracted or []])
