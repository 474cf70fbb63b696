"""factory_boy factories for cases: `CaseFactory(center=...)` builds a valid registered case with a number."""

from __future__ import annotations

import secrets
from datetime import timedelta

import factory
from django.utils import timezone

from cases import tally, tally_departments
from cases.models import Case, CaseEvent, Category, Party, Summons, Whistle
from pinggu_center.models import Level
from tests.factories import CenterFactory


class CaseFactory(factory.django.DjangoModelFactory):
    """A registered village case: division and holder are the center's village, category a seeded one."""

    class Meta:
        model = Case

    center = factory.SubFactory(CenterFactory)
    number = factory.Sequence(lambda n: f"PG-TF-{timezone.localdate().year}-{n + 1:05d}")
    division = factory.LazyAttribute(lambda o: o.center.division)
    holder = factory.LazyAttribute(lambda o: o.center.division)
    level = Level.VILLAGE
    status = Case.Status.REGISTERED
    source = Case.Source.RECEPTION
    kind = Case.Kind.DISPUTE
    category = factory.LazyFunction(lambda: Category.objects.order_by("sort_order", "code").first())
    title = factory.Sequence(lambda n: f"邻里纠纷{n}")
    description = "两户因宅基地边界发生争执。"
    rights_informed = True
    registered_at = factory.LazyFunction(timezone.now)
    level_since = factory.LazyAttribute(lambda o: o.registered_at)
    resolution_due = factory.LazyAttribute(lambda o: o.registered_at + timedelta(days=20))
    public_token = factory.LazyFunction(lambda: secrets.token_hex(8))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # As register_case does: the counters move with the new case.
        case = super()._create(model_class, *args, **kwargs)
        tally.track(case)
        return case


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    case = factory.SubFactory(CaseFactory)
    role = Party.Role.APPLICANT
    name = factory.Sequence(lambda n: f"当事人{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    id_number = ""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # As register_case does: the case keeps its parties' names, which the keyword search reads.
        party = super()._create(model_class, *args, **kwargs)
        names = " ".join(party.case.parties.order_by("pk").values_list("name", flat=True))
        Case.objects.filter(pk=party.case_id).update(party_names=names)
        party.case.party_names = names
        return party


class CaseEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseEvent

    case = factory.SubFactory(CaseFactory)
    kind = CaseEvent.Kind.REGISTERED
    level = Level.VILLAGE
    note = "来源：日常/定期接待"


class WhistleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Whistle

    case = factory.SubFactory(CaseFactory, path=Case.Path.JOINT, status=Case.Status.HANDLING)
    matter = "请司法所派员参加联合调解"
    report_in_due = factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))
    blown_by = factory.LazyAttribute(lambda o: o.case.registered_by)


class SummonsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Summons
        skip_postgeneration_save = True

    whistle = factory.SubFactory(WhistleFactory)

    @factory.post_generation
    def counted(self, create: bool, extracted, **kwargs) -> None:
        if create:  # as blow_whistle, report_in and rate_department do, all at once
            tally_departments.track([self], self.whistle)


def valid_id_number(first17: str = "11011719800101001") -> str:
    """A GB 11643 ID number with the right check character."""
    from pinggu_center.validators import id_number_check_char

    return first17 + id_number_check_char(first17)


def intake_post(category: Category, *, parties: list[dict] | None = None, **fields) -> dict:
    """POST data for cases:case_create with one applicant unless parties are given."""
    parties = [{"role": "applicant", "name": "张三", "phone": "13800001234"}] if parties is None else parties
    data = {
        "source": "reception", "category": category.pk, "kind": "dispute", "title": "邻里漏水纠纷",
        "description": "楼上卫生间漏水，多次协商未果。", "location_text": "3 号院", "urgency": "normal",
        "rights_informed": "on", "parties-TOTAL_FORMS": str(len(parties)), "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "1", "parties-MAX_NUM_FORMS": "20",
    }
    for index, party in enumerate(parties):
        data.update({f"parties-{index}-{key}": value for key, value in party.items()})
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}
