"""Small template helpers of the case pages."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import get_current_timezone_name, localtime
from django.utils.translation import get_language
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
    return _badge(progress.tone, progress.code, progress.label)


def _badge(tone: str, code: str, label: str) -> str:
    return format_html(
        '<span class="badge text-bg-{}" data-testid="case-status" data-progress="{}">{}</span>', tone, code, label
    )


@register.simple_tag
def ledger_rows(cases) -> str:
    """The ledger's rows, built in Python: 25 rows of eight cells through template nodes cost more than the query.

    A row is a function of the values it shows alone, so each process remembers the rows it built (`_ledger_row`):
    a ledger read again after a write formats only the rows whose values changed.
    """
    language, zone = get_language(), get_current_timezone_name()
    rows = []
    for case in cases:
        progress = case.progress
        rows.append(_ledger_row(
            case.pk, case.number, case.title, case.division.name, case.category.name,
            (progress.tone, progress.code, progress.label), case.level, case.registered_at, case.resolution_due,
            case.is_overdue, language, zone,
        ))
    return mark_safe("\n".join(rows))  # noqa: S308 - every part went through format_html


@lru_cache(maxsize=5_000)
def _ledger_row(pk, number, title, division, category, progress, level, registered_at, resolution_due, overdue,
                language, zone) -> str:
    """One ledger row; the language and time zone it is formatted in are in its arguments, so in the memory's key."""
    due = ""
    if resolution_due:
        due = format_html('<span class="d-md-none">{}</span> {}', _("期限"), _datetime(resolution_due))
    if overdue:
        due = format_html('{} <span class="badge text-bg-danger">{}</span>', due, _("逾期"))
    return format_html(
        '<tr>\n    <td class="text-nowrap"><a class="card-link" href="{}">{}</a></td>\n'
        '    <td class="card-wide" data-label="">{}</td>\n    <td data-label="">{}</td>\n'
        '    <td class="d-none d-md-table-cell">{}</td>\n'
        '    <td data-label="">{}</td>\n'
        '    <td class="d-none d-md-table-cell">{}</td>\n    <td class="text-nowrap d-none d-md-table-cell">{}</td>\n'
        '    <td class="text-nowrap" data-label="">{}</td>\n  </tr>',
        reverse("cases:case_detail", args=[pk]), number, title, division, category, _badge(*progress),
        Level(level).label, _datetime(registered_at), due,
    )


@register.simple_tag
def held_rows(cases) -> str:
    """The cases a level holds, in the inbox: up to a hundred rows, remembered like the ledger's (`_held_row`)."""
    language, zone = get_language(), get_current_timezone_name()
    rows = []
    for case in cases:
        progress = case.progress
        rows.append(_held_row(
            case.pk, case.number, case.title, case.division.name, (progress.tone, progress.code, progress.label),
            case.resolution_due, case.is_overdue, language, zone,
        ))
    return mark_safe("\n".join(rows))  # noqa: S308 - every part went through format_html


@lru_cache(maxsize=5_000)
def _held_row(pk, number, title, division, progress, resolution_due, overdue, language, zone) -> str:
    overdue_badge = format_html(' <span class="badge text-bg-danger">{}</span>', _("逾期")) if overdue else ""
    return format_html(
        '<li class="list-group-item"><a href="{}">{} {}</a>\n'
        '      <span class="small text-secondary d-block">{} · {} · {}{}</span></li>',
        reverse("cases:case_detail", args=[pk]), number, title, division, _badge(*progress),
        _datetime(resolution_due) if resolution_due else "", overdue_badge,
    )


def _datetime(value) -> str:
    return date_format(localtime(value), "DATETIME_FORMAT")
