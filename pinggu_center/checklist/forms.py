from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Division
from ..uploads import EVIDENCE_KINDS, validate_upload


class ChecklistItemForm(forms.Form):
    in_place_on = forms.DateField(label=_("落实日期"), widget=forms.DateInput(attrs={"type": "date"}))
    evidence = forms.FileField(label=_("佐证材料"), help_text=_("照片（JPG、PNG、WEBP）或 PDF 文件。"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("保存")))

    def clean_evidence(self):
        return validate_upload(self.cleaned_data["evidence"], kinds=EVIDENCE_KINDS)  # the checked, re-encoded file


class ChecklistFilterForm(forms.Form):
    town = forms.ModelChoiceField(label=_("镇/街道"), queryset=Division.objects.none(), required=False, empty_label=_("全部镇街"))
    incomplete_only = forms.BooleanField(label=_("只看未完成的中心"), required=False)

    def __init__(self, *args, towns, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = towns
