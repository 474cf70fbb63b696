"""Small helpers for the dashboard templates: links that tolerate an app not yet installed, rates as text, and the
rows of the rates and monthly tables, built in Python (a town's villages through template nodes cost more than
reading their figures)."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import get_current_timezone_name, localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

RATE_COLUMNS = ["response_rate", "resolution_rate", "satisfaction_rate", "village_rate", "escalation_rate"]


@register.simple_tag
def safe_url(name: str, *args) -> str:
    """The URL, or "" when this deployment has no such page (the template then shows plain text)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.simple_tag
def case_link(case) -> str:
    """The case's number linked to its page: a tag, not an included template, as the dashboards list up to 100."""
    url = safe_url("cases:case_detail", case.pk)
    if not url:
        return escape(case.number)
    return format_html('<a href="{}" data-testid="case-link">{}</a>', url, case.number)


@register.simple_tag
def village_case_rows(cases) -> str:
    """The village review's case rows; each process remembers the rows it built, as the ledger does
    (cases.templatetags.case_tags.ledger_rows): the table after a write formats only the rows that changed."""
    language, zone = get_language(), get_current_timezone_name()
    return mark_safe("".join(  # noqa: S308 - every part went through format_html
        _village_case_row(case.pk, case.number, case.title, case.category.name, case.get_status_display(),
                          case.is_overdue, case.registered_at, language, zone)
        for case in cases
    ))


@lru_cache(maxsize=5_000)
def _village_case_row(pk, number, title, category, status, overdue, registered_at, language, zone) -> str:
    url = safe_url("cases:case_detail", pk)
    link = format_html('<a href="{}" data-testid="case-link">{}</a>', url, number) if url else escape(number)
    overdue_badge = format_html(' <span class="badge text-bg-danger">{}</span>', _("超期")) if overdue else ""
    return format_html(
        "<tr>\n    <td>{}</td><td>{}</td><td>{}</td>\n    <td>{}{}</td>\n    <td>{}</td>\n  </tr>",
        link, title, category, status, overdue_badge, date_format(localtime(registered_at), "DATETIME_FORMAT"),
    )


@register.filter
def rate(value) -> str:
    """A percentage with one decimal, or an em dash when there was nothing to count."""
    if value is None:
        return "—"
    return f"{value:.1f}%"


@register.filter
def hours(value) -> str:
    if value is None:
        return "—"
    return f"{value.total_seconds() / 3600:.1f}"


@register.simple_tag
def rates_rows(table: list[dict], link_name: str, period) -> str:
    """One row per division: its name (linked to its review for the same period), intake, rates and overdue."""
    if not table:
        return format_html('<tr><td colspan="8" class="text-secondary">{}</td></tr>', _("暂无数据。"))
    query = f"?start={period.start:%Y-%m-%d}&amp;end={period.end:%Y-%m-%d}"
    rows = []
    for row in table:
        division = row["division"]
        name = escape(division.name)
        url = safe_url(link_name, division.pk) if link_name else ""
        if url:
            name = f'<a href="{escape(url)}{query}">{name}</a>'
        rates = "".join(f'<td class="text-end">{rate(row[column])}</td>' for column in RATE_COLUMNS)
        overdue = " text-danger fw-semibold" if row["overdue"] else ""
        rows.append(f'<tr><td>{name}</td><td class="text-end">{int(row["intake"])}</td>{rates}'
                    f'<td class="text-end{overdue}">{int(row["overdue"])}</td></tr>')
    return mark_safe("\n".join(rows))  # noqa: S308 - names escaped, the rest are figures


@register.simple_tag
def monthly_rows(months: list[dict]) -> str:
    """One row per month: intake, closed, closed in the village and 小事不出村率."""
    return mark_safe("".join(  # noqa: S308 - figures and a formatted date
        f'<tr><td>{escape(date_format(row["month"], "YEAR_MONTH_FORMAT"))}</td><td class="text-end">{int(row["intake"])}'
        f'</td><td class="text-end">{int(row["closed"])}</td><td class="text-end">{int(row["closed_in_village"])}</td>'
        f'<td class="text-end">{rate(row["village_rate"])}</td></tr>'
        for row in months
    ))
