"""The report fields on the archive form and on the director's edit form, each explained where it is asked."""

from __future__ import annotations

from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cases.models import Case

from .models import PREVENTIONS, MediationRecord
from .services import REPORTABLE_OUTCOMES, ReportFields, asks_report, default_fields, problems

__all__ = ["REPORTABLE_OUTCOMES", "ReportEditForm", "add_report_fields", "archive_initial", "asks_report",
           "clean_report", "report_fieldset"]

PREVENTION_HELP = {
    "suicide": _("调解中发现当事人有因纠纷自杀的倾向，经调解防止了自杀的，勾选并填写涉及人数。"),
    "criminal": _("纠纷有激化为伤害、杀人等刑事案件的现实危险，经调解得以防止的，勾选并填写涉及人数。"),
    "fight": _("制止了多人（一般五人以上）因纠纷准备或正在进行的械斗的，勾选并填写参与人数。"),
    "petition": _("制止了多人（一般五人以上）因纠纷集体上访的，勾选并填写人数。"),
}
EXPLANATION = _("以下信息计入人民调解统计报表（按办结月份计入办结单位）。涉及人数不少于当事人人数；"
                "各项“防止/制止”的人数不多于涉及人数。")


def report_field_names() -> list[str]:
    names = ["succeeded", "agreement_form", "oral_terms", "amount", "people"]
    for name, _label in PREVENTIONS:
        names += [name, f"{name}_people"]
    return names


def add_report_fields(form: forms.Form) -> None:
    """Add the report fields to a form, none of them required by itself (the form's clean decides)."""
    fields = form.fields
    fields["succeeded"] = forms.BooleanField(
        label=_("调解成功"), required=False,
        help_text=_("经调解，当事人达成一致、纠纷得到化解的，勾选。"))
    fields["agreement_form"] = forms.ChoiceField(
        label=_("协议形式"), choices=MediationRecord.AgreementForm.choices, widget=forms.RadioSelect, required=False,
        help_text=_("调解成功的，选择签订书面调解协议书或达成口头协议；未成功的选“未达成协议”。"))
    fields["oral_terms"] = forms.CharField(
        label=_("口头协议内容"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("达成口头协议的，记录双方口头约定的内容（《人民调解法》第二十八条）。"))
    fields["amount"] = forms.DecimalField(
        label=_("涉及金额（元）"), required=False, min_value=0, max_digits=14, decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
        help_text=_("纠纷涉及的金额，单位：元；不涉及金额的不填。"))
    fields["people"] = forms.IntegerField(
        label=_("涉及人数"), required=False, min_value=1, widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("纠纷涉及的全部人数（含当事人），不少于当事人人数。"))
    for name, label in PREVENTIONS:
        fields[name] = forms.BooleanField(label=label, required=False, help_text=PREVENTION_HELP[name])
        fields[f"{name}_people"] = forms.IntegerField(
            label=_("其中人数"), required=False, min_value=0, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))


def report_fieldset() -> Fieldset:
    return Fieldset(_("人民调解统计"), HTML(format_html('<p class="form-text">{}</p>', EXPLANATION)),
                    *report_field_names())


def initial_from(fields: ReportFields) -> dict:
    return {name: getattr(fields, name) for name in report_field_names()}


def clean_report(form: forms.Form, data: dict, *, case: Case, outcome: str) -> ReportFields | None:
    """The report fields as posted, with every broken rule on its field; None when a rule is broken."""
    if data.get("people") is None and "people" not in form.errors:
        form.add_error("people", _("请填写涉及人数。"))
        return None
    fields = ReportFields.from_data(data)
    for name, (code, message) in problems(fields, parties=case.parties.count(), outcome=outcome).items():
        form.add_error(name, forms.ValidationError(message, code=code))
    return None if form.errors else fields


class ReportEditForm(forms.Form):
    """The director's correction of a counted record before its period is locked."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, case: Case, record: MediationRecord, **kwargs) -> None:
        from crispy_forms.helper import FormHelper
        from crispy_forms.layout import Submit

        kwargs.setdefault("initial", {**initial_from(ReportFields.of(record)), "version": case.version})
        super().__init__(*args, **kwargs)
        self.case = case
        add_report_fields(self)
        self.helper = FormHelper()
        self.helper.layout = Layout("version", report_fieldset())
        self.helper.add_input(Submit("submit", _("保存统计信息"), css_class="btn-primary"))

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors:
            data["report"] = clean_report(self, data, case=self.case, outcome=self.case.outcome)
        return data


def archive_initial(case: Case) -> dict:
    """The archive form starts from what the case shows; the oral terms are for the mediator to write."""
    return {**initial_from(default_fields(case, Case.Outcome.RESOLVED)), "oral_terms": ""}
