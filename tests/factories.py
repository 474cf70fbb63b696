"""factory_boy factories for the organisation; apps add theirs in tests/<app>/factories.py."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from pinggu_center.models import Center, Department, Division, Level, Member, Role

PASSWORD = "Pinggu-2026-test"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division
        django_get_or_create = ("code",)

    name = "平谷区"
    code = "110117000000"
    level = Level.DISTRICT
    abbr = "PG"


class TownFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division

    name = factory.Sequence(lambda n: f"测试{n}镇")
    code = factory.Sequence(lambda n: f"110117{n + 300:03d}000")
    level = Level.TOWN
    parent = factory.SubFactory(DistrictFactory)
    abbr = factory.Sequence(lambda n: f"T{n}")


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division

    name = factory.Sequence(lambda n: f"测试{n}村")
    parent = factory.SubFactory(TownFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.code[:9]}{200 + n % 800:03d}")
    level = Level.VILLAGE


class CenterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Center
        django_get_or_create = ("division",)

    division = factory.SubFactory(VillageFactory)
    name = factory.LazyAttribute(lambda o: f"{o.division.name}说事评理议事普法中心")
    phone = "010-69961234"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"司法所{n}")
    kind = Department.Kind.JUSTICE_OFFICE
    division = factory.SubFactory(TownFactory)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member
        skip_postgeneration_save = True

    center = factory.SubFactory(CenterFactory)
    name = factory.Sequence(lambda n: f"成员{n}")
    phone = factory.Sequence(lambda n: f"138{n:08d}")

    @factory.post_generation
    def role_codes(self, create: bool, extracted: list[str] | None, **kwargs) -> None:
        if create and extracted:
            self.roles.set(Role.objects.filter(code__in=extracted))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = "张"
    first_name = factory.Sequence(lambda n: f"{n}")
    role = "village_staff"
    division = factory.SubFactory(VillageFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(self, create: bool, extracted, **kwargs) -> None:
        if create:
            self.save()
