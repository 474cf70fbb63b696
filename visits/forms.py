from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Category
from pinggu_center.forms import ClientTokenField
from pinggu_center.models import Division
from pinggu_center.validators import validate_phone_or_landline

from .models import Household, Tag, Visit


def _helper(label: str) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


class HouseholdForm(forms.ModelForm):
    division = forms.ModelChoiceField(label=_("村/社区"), queryset=Division.objects.none())
    tags = forms.MultipleChoiceField(
        label=_("关注标签"), choices=Tag.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Household
        fields = ["division", "head_name", "address", "phone", "members_count", "tags"]
        widgets = {"phone": forms.TextInput(attrs={"inputmode": "tel"})}

    def __init__(self, *args, villages=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = villages
        self.helper = _helper(_("保存"))

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone:
            validate_phone_or_landline(phone)
        return phone


class ImportForm(forms.Form):
    division = forms.ModelChoiceField(label=_("村/社区"), queryset=Division.objects.none())
    file = forms.FileField(
        label=_("住户名单（.xlsx 或 .csv）"), help_text=_("表头：户主、住址、电话、人口、标签（以顿号分隔）")
    )

    def __init__(self, *args, villages=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = villages
        self.helper = _helper(_("检查"))


class VisitForm(forms.ModelForm):
    client_token = ClientTokenField()

    class Meta:
        model = Visit
        fields = ["visited_on", "mode", "cadres", "raised", "category", "needs_action"]
        widgets = {
            "visited_on": forms.DateInput(attrs={"type": "date"}),
            "cadres": forms.CheckboxSelectMultiple,
            "raised": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, cadres=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadres"].queryset = cadres
        self.fields["category"].queryset = Category.objects.filter(active=True)
        self.helper = _helper(_("保存走访"))
        self.helper.form_tag = False  # the template's form posts back with ?household=


class TurnIntoCaseForm(forms.Form):
    category = forms.ModelChoiceField(label=_("类别"), queryset=Category.objects.filter(active=True))
    title = forms.CharField(label=_("事项标题"), max_length=100)
    rights_informed = forms.BooleanField(label=_("已告知当事人权利义务"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("转为事项"))
        self.helper.form_tag = False


class AssessmentForm(forms.Form):
    score = forms.IntegerField(label=_("评分"), min_value=0, max_value=100)
    comment = forms.CharField(label=_("评语"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("保存考核"))
