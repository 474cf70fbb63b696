"""Small helpers for the dashboard templates: links that tolerate an app not yet installed, rates as text, and the
rows of the rates and monthly tables, built in Python (a town's villages through template nodes cost more than
reading their figures)."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
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
