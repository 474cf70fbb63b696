"""The warnings page's filters: kind, status and place, each a declared filter within the user's scope."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from pinggu_center.models import Level
from pinggu_center.scopes import visible_divisions

from .models import RiskWarning


class WarningFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=RiskWarning.Kind.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=RiskWarning.Status.choices)
    town = django_filters.ModelChoiceFilter(label=_("镇/街道"), field_name="division__parent", queryset=None)
    village = django_filters.ModelChoiceFilter(label=_("村/社区"), field_name="division", queryset=None)

    class Meta:
        model = RiskWarning
        fields = ()

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        divisions = visible_divisions(user).order_by("code")
        self.filters["town"].queryset = divisions.filter(level=Level.TOWN)
        self.filters["village"].queryset = divisions.filter(level=Level.VILLAGE)
