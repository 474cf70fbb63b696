"""The case ledger's filters (台账): every parameter is a declared filter; nothing from GET reaches the ORM raw."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pinggu_center.models import Level

from .models import Case, Category

YES_NO = [("yes", _("是")), ("no", _("否"))]


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("编号或事由"), method="filter_keyword", max_length=50)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Case.Status.choices)
    level = django_filters.ChoiceFilter(label=_("层级"), choices=Level.choices)
    path = django_filters.ChoiceFilter(label=_("办理路径"), choices=Case.Path.choices)
    closure = django_filters.ChoiceFilter(label=_("结束方式"), choices=Case.Closure.choices)
    category = django_filters.ModelChoiceFilter(label=_("类别"), queryset=Category.objects.all())
    source = django_filters.ChoiceFilter(label=_("来源"), choices=Case.Source.choices)
    overdue = django_filters.ChoiceFilter(label=_("是否逾期"), choices=YES_NO, method="filter_overdue")
    # The drill-down from the review pages: one village's cases, within the user's scope as always.
    division = django_filters.NumberFilter(field_name="division_id", widget=forms.HiddenInput, min_value=1)
    registered_from = django_filters.DateFilter(
        label=_("登记日期从"), field_name="registered_at", lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    registered_to = django_filters.DateFilter(
        label=_("登记日期至"), field_name="registered_at", lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Case
        fields = ()

    def filter_keyword(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        value = value.strip()[:50]
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value))

    def filter_overdue(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        overdue = Q(resolution_due__lt=timezone.now()) & ~Q(status=Case.Status.CLOSED)
        return queryset.filter(overdue) if value == "yes" else queryset.exclude(overdue)
