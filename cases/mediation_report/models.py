"""What the people's-mediation report (人民调解统计报表) needs of each case, the counters it reads, and period locks.

A `MediationRecord` holds the report fields of one dispute archived after mediation, and where and when it
is counted: the body that closed it (`unit`: a village, a town or the district) and the local month of its
closure. `ReportTally` rows are sums of the counted records per (division, span, category), kept by the
services in the same transaction as the record. A span is a month, a quarter or a year, as the report's periods
are, so any period is read from its own rows: one per division and category. `rollup` rows sum a whole town (its
villages and the town itself), so the district reads some three hundred rows for a year. `ReportLock` freezes a
month of a town (for its villages and itself) or of the district (for all).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Category
from pinggu_center.models import Division

# The four preventions of the report: (field prefix, label).
PREVENTIONS = [
    ("suicide", _("防止因民间纠纷引起自杀")),
    ("criminal", _("防止民间纠纷转化为刑事案件")),
    ("fight", _("制止群体性械斗")),
    ("petition", _("制止群体性上访")),
]


class MediationRecord(models.Model):
    class AgreementForm(models.TextChoices):
        WRITTEN = "written", _("书面协议（协议书）")
        ORAL = "oral", _("口头协议")
        NONE = "none", _("未达成协议")

    case = models.OneToOneField(Case, on_delete=models.PROTECT, primary_key=True, related_name="mediation_record")
    succeeded = models.BooleanField(_("调解成功"), default=False)
    agreement_form = models.CharField(_("协议形式"), max_length=16, choices=AgreementForm.choices,
                                      default=AgreementForm.NONE)
    oral_terms = models.TextField(_("口头协议内容"), blank=True)
    amount = models.DecimalField(_("涉及金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    people = models.PositiveIntegerField(_("涉及人数"))
    suicide = models.BooleanField(_("防止因民间纠纷引起自杀"), default=False)
    suicide_people = models.PositiveIntegerField(_("防止自杀涉及人数"), default=0)
    criminal = models.BooleanField(_("防止民间纠纷转化为刑事案件"), default=False)
    criminal_people = models.PositiveIntegerField(_("防止民转刑涉及人数"), default=0)
    fight = models.BooleanField(_("制止群体性械斗"), default=False)
    fight_people = models.PositiveIntegerField(_("制止械斗涉及人数"), default=0)
    petition = models.BooleanField(_("制止群体性上访"), default=False)
    petition_people = models.PositiveIntegerField(_("制止上访涉及人数"), default=0)

    # Where and when the record is counted; `counted` is False while the case is reopened.
    counted = models.BooleanField(default=False)
    unit = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    town = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    month = models.DateField()
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("调解统计信息")
        verbose_name_plural = _("调解统计信息")
        indexes = [models.Index(fields=["unit", "month"], name="mediation_record_unit_month")]
        constraints = [
            models.CheckConstraint(condition=Q(people__gte=1), name="mediation_record_people"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0),
                                   name="mediation_record_amount"),
            models.CheckConstraint(condition=Q(succeeded=True) | Q(agreement_form="none"),
                                   name="mediation_record_agreement_needs_success"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}_people__lte": models.F("people")})
                    & (Q(**{name: True, f"{name}_people__gte": 1}) | Q(**{name: False, f"{name}_people": 0})),
                    name=f"mediation_record_{name}_people",
                )
                for name, _label in PREVENTIONS
            ],
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.month:%Y-%m}"


# The measures of a tally, summed from the counted records (see services.MEASURES for how).
TALLY_MEASURES = [
    "mediated", "succeeded", "written", "oral", "amount", "people",
    "suicide", "suicide_people", "criminal", "criminal_people", "fight", "fight_people",
    "petition", "petition_people",
]


class ReportTally(models.Model):
    """Sums of the counted records of one division, span and category; `rollup` rows sum a whole town."""

    class Span(models.TextChoices):  # the kinds of periods.ReportPeriod
        MONTH = "month", _("月")
        QUARTER = "quarter", _("季度")
        YEAR = "year", _("年")

    division = models.ForeignKey(Division, on_delete=models.CASCADE, related_name="+")
    rollup = models.BooleanField(default=False)
    town = models.ForeignKey(Division, on_delete=models.CASCADE, related_name="+", null=True, blank=True)
    span = models.CharField(max_length=7, choices=Span.choices, default=Span.MONTH)
    month = models.DateField(help_text=_("所计期间的第一个月"))
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    mediated = models.IntegerField(default=0)
    succeeded = models.IntegerField(default=0)
    written = models.IntegerField(default=0)
    oral = models.IntegerField(default=0)
    amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    people = models.IntegerField(default=0)
    suicide = models.IntegerField(default=0)
    suicide_people = models.IntegerField(default=0)
    criminal = models.IntegerField(default=0)
    criminal_people = models.IntegerField(default=0)
    fight = models.IntegerField(default=0)
    fight_people = models.IntegerField(default=0)
    petition = models.IntegerField(default=0)
    petition_people = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("调解统计计数")
        verbose_name_plural = _("调解统计计数")
        constraints = [
            models.UniqueConstraint(fields=["division", "rollup", "span", "month", "category"],
                                    name="report_tally_once_per_span"),
        ]
        indexes = [
            models.Index(fields=["rollup", "town", "span", "month"], name="report_tally_town_span"),
            models.Index(fields=["rollup", "span", "month"], name="report_tally_span"),
        ]

    def __str__(self) -> str:
        return f"{self.division_id} {self.span} {self.month:%Y-%m} {self.category_id}"


class ReportLock(models.Model):
    """One locked month of a town (its villages and itself) or of the district (all); unlocking keeps the row."""

    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    locked_at = models.DateTimeField(default=timezone.now)
    unlocked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    unlocked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("统计期间锁定")
        verbose_name_plural = _("统计期间锁定")
        ordering = ["-locked_at"]
        constraints = [
            models.UniqueConstraint(fields=["division", "month"], condition=Q(unlocked_at__isnull=True),
                                    name="report_lock_active_once"),
        ]

    def __str__(self) -> str:
        return f"{self.division_id} {self.month:%Y-%m}"
