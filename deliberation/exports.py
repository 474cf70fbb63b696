"""Columns of the deliberation lists' Excel exports (pinggu_center.exports does the rest)."""

from django.utils.translation import gettext_lazy as _

MEETINGS = [
    (_("村/社区"), lambda m: m.center.division.name),
    (_("会议名称"), lambda m: m.title),
    (_("会议类型"), lambda m: m.get_kind_display()),
    (_("通知日期"), lambda m: m.notice_date),
    (_("召开时间"), lambda m: m.held_at),
    (_("应到人数"), lambda m: m.eligible_count),
    (_("实到人数"), lambda m: m.present_count),
]
MATTERS = [
    (_("村/社区"), lambda m: m.center.division.name),
    (_("事项名称"), lambda m: m.title),
    (_("已完成步骤"), lambda m: m.get_current_step_display()),
    (_("登记时间"), lambda m: m.created_at),
]
DOCUMENTS = [
    (_("村/社区"), lambda d: d.center.division.name),
    (_("类别"), lambda d: d.get_kind_display()),
    (_("标题"), lambda d: d.title),
    (_("通过日期"), lambda d: d.adopted_on),
    (_("上传时间"), lambda d: d.uploaded_at),
]
