"""Factories for legal education, and a fast builder of many villages for the query-count tests."""

from __future__ import annotations

from datetime import date

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from legal_education.models import ActivityKind, LegalActivity, LegalLiaison, LegalTeam
from pinggu_center.models import Center, Division, Level
from tests.factories import CenterFactory
from tests.images import PNG

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n"


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def pdf(name: str = "doc.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


class LegalTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalTeam

    name = factory.Sequence(lambda n: f"普法宣讲{n}队")
    lead_unit = "区司法局"
    member_count = 300


class LegalActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalActivity

    center = factory.SubFactory(CenterFactory)
    team = factory.SubFactory(LegalTeamFactory)
    kind = ActivityKind.MICRO_CLASS
    held_on = factory.LazyFunction(lambda: date.today().replace(month=3, day=15))
    topic = factory.Sequence(lambda n: f"民法典进乡村第{n}讲")
    attendance = 40


class LegalLiaisonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalLiaison

    center = factory.SubFactory(CenterFactory)
    name = factory.Sequence(lambda n: f"明白人{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    appointed_on = date(2025, 1, 1)


def build_villages(district: Division, count: int, *, towns: int = 3, start: int = 0) -> list[Center]:
    """`count` villages with centers spread over `towns` new towns, in four queries whatever the count."""
    town_rows = Division.objects.bulk_create(
        [
            Division(name=f"批量{start + i}镇", code=f"1101179{start // 10 + i:02d}000", level=Level.TOWN, parent=district)
            for i in range(towns)
        ]
    )
    villages = Division.objects.bulk_create(
        [
            Division(
                name=f"批量{start + i}村",
                code=f"{town_rows[i % towns].code[:9]}{200 + i // towns:03d}",
                level=Level.VILLAGE,
                parent=town_rows[i % towns],
            )
            for i in range(count)
        ]
    )
    return Center.objects.bulk_create([Center(division=v, name=f"{v.name}中心") for v in villages])
