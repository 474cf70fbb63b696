"""Cases built through the real services, for tests of the lifecycle."""

from __future__ import annotations

from cases import services
from cases.models import Case, Category
from pinggu_center.models import Center, User


def register(center: Center, actor: User | None, *, phone: str = "13800001234", **overrides) -> Case:
    intake = services.Intake(
        source=overrides.pop("source", Case.Source.RECEPTION),
        category=overrides.pop("category", None) or Category.objects.get(code="neighbour"),
        title=overrides.pop("title", "邻里漏水纠纷"),
        description=overrides.pop("description", "楼上卫生间漏水，多次协商未果。"),
        parties=overrides.pop("parties", None) or [services.PartyData(name="张三", phone=phone)],
        rights_informed=True,
        **overrides,
    )
    return services.register_case(center=center, intake=intake, actor=actor)
