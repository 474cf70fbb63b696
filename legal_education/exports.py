"""Columns of the legal-education lists' Excel exports (pinggu_center.exports does the rest)."""

from django.utils.translation import gettext_lazy as _

from pinggu_center.validators import mask_phone

ACTIVITIES = [
    (_("村/社区"), lambda a: a.center.division.name),
    (_("活动日期"), lambda a: a.held_on),
    (_("活动类型"), lambda a: a.get_kind_display()),
    (_("主题"), lambda a: a.topic),
    (_("普法队伍"), lambda a: a.team.name if a.team_id else ""),
    (_("参加人数"), lambda a: a.attendance),
]
LIAISONS = [
    (_("村/社区"), lambda p: p.center.division.name),
    (_("姓名"), lambda p: p.name),
    # Exports travel: phones leave masked, as in every list.
    (_("手机号"), lambda p: mask_phone(p.phone)),
    (_("聘任日期"), lambda p: p.appointed_on),
    (_("退出日期"), lambda p: p.retired_on),
]
REPORTS = [
    (_("村/社区"), lambda r: r.center.division.name),
    (_("标题"), lambda r: r.title),
    (_("报告日期"), lambda r: r.report_date),
    (_("撰写人"), lambda r: r.author),
]
