from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class HandleWarningForm(forms.Form):
    note = forms.CharField(label=_("处置说明"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
