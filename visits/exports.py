"""Excel exports of exactly what the page shows (the views audit each export)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook

from .models import Tag


def household_workbook(households) -> Workbook:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("住户"))
    sheet.append([_("村/社区"), _("户主"), _("住址"), _("电话"), _("人口"), _("标签")])
    labels = dict(Tag.choices)
    for household in households.iterator(chunk_size=2000):
        tags = "、".join(str(labels.get(tag, tag)) for tag in household.tags)
        sheet.append(
            [
                household.division.name,
                household.head_name,
                household.address,
                household.phone,
                household.members_count,
                tags,
            ]
        )
    return workbook


def statistics_workbook(stats) -> Workbook:
    workbook = Workbook(write_only=True)
    weeks = workbook.create_sheet(_("每周走访"))
    weeks.append([_("周"), _("走访次数"), _("走访户数")])
    for row in stats.per_week:
        weeks.append([row["week"].strftime("%Y-%m-%d"), row["visits"], row["households"]])
    categories = workbook.create_sheet(_("反映问题类别"))
    categories.append([_("类别"), _("次数")])
    for row in stats.by_category:
        categories.append([row["category__name"], row["count"]])
    towns = workbook.create_sheet(_("各镇街覆盖"))
    towns.append([_("镇/街道"), _("住户"), _("近30天走访户数")])
    for town in stats.towns:
        towns.append([town.name, town.household_count, town.covered_30])
    villages = workbook.create_sheet(_("各村覆盖"))
    villages.append([_("村/社区"), _("住户"), _("近30天走访户数")])
    for village in stats.villages:
        villages.append([village.name, village.household_count, village.covered_30])
    return workbook


def problem_workbook(visits) -> Workbook:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("问题台账"))
    sheet.append([_("走访日期"), _("村/社区"), _("户主"), _("类别"), _("反映民情"), _("转办事项"), _("办理情况")])
    for visit in visits.iterator(chunk_size=2000):
        sheet.append(
            [
                visit.visited_on,
                visit.division.name,
                visit.household.head_name,
                visit.category.name if visit.category else "",
                visit.raised,
                visit.case.number if visit.case else "",
                str(visit.problem_state),
            ]
        )
    return workbook

