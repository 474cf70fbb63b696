"""Excel exports of exactly what the page shows (the views audit each export)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pinggu_center.exports import Sheet, table
from pinggu_center.validators import mask_phone

from .models import Tag

TAG_LABELS = dict(Tag.choices)


HOUSEHOLD_COLUMNS = [
    (gettext_lazy("村/社区"), lambda h: h.division.name),
    (gettext_lazy("户主"), lambda h: h.head_name),
    (gettext_lazy("住址"), lambda h: h.address),
    (gettext_lazy("电话"), lambda h: mask_phone(h.phone)),  # masked, as in every other export
    (gettext_lazy("人口"), lambda h: h.members_count),
    (gettext_lazy("标签"), lambda h: "、".join(str(TAG_LABELS.get(tag, tag)) for tag in h.tags)),
]
PROBLEM_COLUMNS = [
    (gettext_lazy("走访日期"), lambda v: v.visited_on),
    (gettext_lazy("村/社区"), lambda v: v.division.name),
    (gettext_lazy("户主"), lambda v: v.household.head_name),
    (gettext_lazy("类别"), lambda v: v.category.name if v.category else ""),
    (gettext_lazy("反映民情"), lambda v: v.raised),
    (gettext_lazy("转办事项"), lambda v: v.case.number if v.case else ""),
    (gettext_lazy("办理情况"), lambda v: v.problem_state),
]


def household_sheets(households) -> list[Sheet]:
    return [table(_("住户"), HOUSEHOLD_COLUMNS, households.iterator(chunk_size=2000))]


def problem_sheets(visits) -> list[Sheet]:
    return [table(_("问题台账"), PROBLEM_COLUMNS, visits.iterator(chunk_size=2000))]


def statistics_sheets(stats) -> list[Sheet]:
    return [
        Sheet(_("每周走访"), [_("周"), _("走访次数"), _("走访户数")],
              ([row["week"].strftime("%Y-%m-%d"), row["visits"], row["households"]] for row in stats.per_week)),
        Sheet(_("反映问题类别"), [_("类别"), _("次数")],
              ([row["category__name"], row["count"]] for row in stats.by_category)),
        Sheet(_("各镇街覆盖"), [_("镇/街道"), _("住户"), _("近30天走访户数")],
              ([town.name, town.household_count, town.covered_30] for town in stats.towns)),
        Sheet(_("各村覆盖"), [_("村/社区"), _("住户"), _("近30天走访户数")],
              ([village.name, village.household_count, village.covered_30] for village in stats.villages)),
    ]
