from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Household, Tag


class HouseholdFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("户主或住址"), method="filter_keyword")
    tag = django_filters.ChoiceFilter(label=_("关注标签"), choices=Tag.choices, method="filter_tag")

    class Meta:
        model = Household
        fields: list[str] = []

    def filter_keyword(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()[:50]
        return queryset.filter(Q(head_name__contains=value) | Q(address__contains=value))

    def filter_tag(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(tags__icontains=f'"{value}"')
