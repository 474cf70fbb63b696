"""The case ledger's filters (台账): every parameter is a declared filter; nothing from GET reaches the ORM raw."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.db import connection
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pinggu_center.models import Department, Level

from .models import Case, Category, Summons, Transfer, Whistle
from .search import ids_any, search

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
    department = django_filters.ModelChoiceFilter(
        label=_("部门"), queryset=Department.objects.all(), method="filter_department"
    )
    # A half-open range on the timestamp itself (local midnights), so the recency index serves it.
    registered_from = django_filters.DateFilter(
        label=_("登记日期从"), method="filter_registered_from", widget=forms.DateInput(attrs={"type": "date"}),
    )
    registered_to = django_filters.DateFilter(
        label=_("登记日期至"), method="filter_registered_to", widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Case
        fields = ()

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def filter_keyword(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        # A village's users see that village's cases and nothing else (pinggu_center.scopes.division_ids).
        user = self.user
        one_village = (user is not None and user.division is not None and user.division.level == Level.VILLAGE
                       and not user.department_id)
        return search(queryset, value, one_village=one_village)

    def filter_department(self, queryset: QuerySet[Case], name: str, value: Department) -> QuerySet[Case]:
        """Cases whose whistles summoned the department, or that were transferred to it."""
        # From the department's summonses, each whistle's case looked up by its key: joined the other way round,
        # the planner hashed every whistle of the district to find the few hundred of one department.
        summoned = Summons.objects.filter(department=value).annotate(
            case_id=Subquery(Whistle.objects.filter(pk=OuterRef("whistle_id")).order_by().values("case_id"))
        )
        transferred = Transfer.objects.filter(department=value)
        if connection.vendor != "postgresql":
            return queryset.filter(Q(pk__in=summoned.values("case_id")) | Q(pk__in=transferred.values("case_id")))
        return queryset.filter(ids_any(summoned, transferred))

    def filter_registered_from(self, queryset: QuerySet[Case], name: str, value: date) -> QuerySet[Case]:
        return queryset.filter(registered_at__gte=_local_midnight(value))

    def filter_registered_to(self, queryset: QuerySet[Case], name: str, value: date) -> QuerySet[Case]:
        return queryset.filter(registered_at__lt=_local_midnight(value + timedelta(days=1)))

    def filter_overdue(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        # The same condition as the partial index case_open_due, which serves it.
        overdue = Q(resolution_due__isnull=False, resolution_due__lt=timezone.now()) & ~Q(status=Case.Status.CLOSED)
        return queryset.filter(overdue) if value == "yes" else queryset.exclude(overdue)


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, timezone.get_current_timezone())
