"""Small template helpers of the case pages."""

from __future__ import annotations

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from pinggu_center.models import Level

register = template.Library()


@register.filter
def level_label(value: str) -> str:
    """村级 / 镇级 / 区级 for a stored level value (timeline rows keep the raw values)."""
    try:
        return str(Level(value).label)
    except ValueError:
        return value


@register.simple_tag
def progress_badge(case) -> str:
    """Where the case is (cases/progress.py), as the coloured badge every case list shows."""
    progress = case.progress
    return format_html(
        '<span class="badge text-bg-{}" data-testid="case-status" data-progress="{}">{}</span>',
        progress.tone, progress.code, progress.label,
    )


@register.simple_tag
def ledger_rows(cases) -> str:
    """The ledger's rows, built in Python: 25 rows of eight cells through template nodes cost more than the query."""
    due_label, overdue_label = _("期限"), _("逾期")
    rows = []
    for case in cases:
        due = ""
        if case.resolution_due:
            due = format_html('<span class="d-md-none">{}</span> {}', due_label, _datetime(case.resolution_due))
        if case.is_overdue:
            due = format_html('{} <span class="badge text-bg-danger">{}</span>', due, overdue_label)
        rows.append(format_html(
            '<tr>\n    <td class="text-nowrap"><a class="card-link" href="{}">{}</a></td>\n'
            '    <td class="card-wide" data-label="">{}</td>\n    <td data-label="">{}</td>\n'
            '    <td class="d-none d-md-table-cell">{}</td>\n'
            '    <td data-label="">{}</td>\n'
            '    <td class="d-none d-md-table-cell">{}</td>\n    <td class="text-nowrap d-none d-md-table-cell">{}</td>\n'
            '    <td class="text-nowrap" data-label="">{}</td>\n  </tr>',
            case.get_absolute_url(), case.number, case.title, case.division.name, case.category.name,
            progress_badge(case), Level(case.level).label, _datetime(case.registered_at), due,
        ))
    return mark_safe("\n".join(rows))  # noqa: S308 - every part went through format_html


def _datetime(value) -> str:
    return date_format(localtime(value), "DATETIME_FORMAT")
