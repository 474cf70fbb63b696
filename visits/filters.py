from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Category

from .models import Household, Tag, Visit
from .selectors import household_keyword


class HouseholdFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("姓名、住址、门牌号或拼音首字母"), method="filter_keyword")
    tag = django_filters.ChoiceFilter(label=_("关注标签"), choices=Tag.choices, method="filter_tag")

    class Meta:
        model = Household
        fields: list[str] = []

    def filter_keyword(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(household_keyword(value)) if value.strip() else queryset

    def filter_tag(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(tags__icontains=f'"{value}"')


class ProblemFilter(django_filters.FilterSet):
    """The problem ledger's filters: whether a raised matter is cleared, its category, when it was raised."""

    STATES = [("open", _("未销号")), ("cleared", _("已销号"))]

    state = django_filters.ChoiceFilter(label=_("办理情况"), choices=STATES, method="filter_state")
    category = django_filters.ModelChoiceFilter(label=_("类别"), queryset=Category.objects.filter(active=True))
    visited_from = django_filters.DateFilter(
        label=_("走访日期从"), field_name="visited_on", lookup_expr="gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    visited_to = django_filters.DateFilter(
        label=_("走访日期至"), field_name="visited_on", lookup_expr="lte", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Visit
        fields: list[str] = []

    def filter_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        cleared = Q(case__status=Case.Status.CLOSED)
        return queryset.filter(cleared) if value == "cleared" else queryset.exclude(cleared)
