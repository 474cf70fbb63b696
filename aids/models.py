"""The mediation aids' own rows: the similar-case index, the risk word list and the risk warnings.

The index is derived from the cases (aids/similar.py keeps it current through the outbox); nothing in
cases reads it. Warnings are raised by the daily scan (aids/risk.py) and handled by people.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pinggu_center.models import Division, User
from pinggu_center.scopes import division_filter


class SimilarTerm(models.Model):
    """A word of the index and the number of indexed cases that use it (its document frequency)."""

    id = models.AutoField(primary_key=True)
    text = models.CharField(max_length=16, unique=True)
    df = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("类案索引词")
        verbose_name_plural = _("类案索引词")

    def __str__(self) -> str:
        return self.text


class SimilarDoc(models.Model):
    """One case as the index knows it, with its de-identified reference text (written when it is indexed)."""

    case = models.OneToOneField("cases.Case", primary_key=True, on_delete=models.CASCADE, related_name="+")
    division = models.ForeignKey(Division, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    category_id = models.BigIntegerField()
    closed = models.BooleanField(default=False)
    length = models.PositiveIntegerField(default=0)
    fingerprint = models.CharField(max_length=40, blank=True)
    summary = models.TextField(blank=True)
    terms = models.TextField(blank=True)
    indexed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("类案索引")
        verbose_name_plural = _("类案索引")

    def __str__(self) -> str:
        return str(self.case_id)


class SimilarPosting(models.Model):
    """(case, word) with the word's BM25 weight in that case; read by word, best weight first."""

    pk = models.CompositePrimaryKey("case", "term")
    case = models.ForeignKey(SimilarDoc, on_delete=models.CASCADE, related_name="postings", db_constraint=False)
    term = models.ForeignKey(SimilarTerm, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    weight = models.FloatField()
    closed = models.BooleanField()
    division_id = models.BigIntegerField()
    category_id = models.BigIntegerField()

    class Meta:
        indexes = [
            # The closed cases of the district that use a word, best first: the panel reads a capped prefix.
            # It carries case and category so the ranking reads the index alone (an index-only scan).
            models.Index(
                fields=["term", "-weight"], include=["case", "category_id"], condition=Q(closed=True),
                name="posting_closed_best_covering",
            ),
            # The open cases of one village that use a word: the intake hint.
            models.Index(fields=["division_id", "term"], condition=Q(closed=False), name="posting_open_village"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.term_id}"


class SimilarStats(models.Model):
    """The corpus figures BM25 needs: how many cases are indexed and their total length (one row)."""

    docs = models.PositiveIntegerField(default=0)
    total_length = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.docs} docs"

    @property
    def average_length(self) -> float:
        return self.total_length / self.docs if self.docs else 40.0


class RiskWord(models.Model):
    """A word in a case that suggests a dispute may turn violent or collective; the district edits the list."""

    class Kind(models.TextChoices):
        VIOLENCE = "violence", _("暴力威胁")
        SELF_HARM = "self_harm", _("自伤轻生")
        COLLECTIVE = "collective", _("群体性事件")

    word = models.CharField(_("词语"), max_length=20, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("风险词")
        verbose_name_plural = _("风险词")
        ordering = ["kind", "word"]

    def __str__(self) -> str:
        return self.word


class RiskWarningQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> RiskWarningQuerySet:
        return self.filter(division_filter(user, "division"))

    def open(self) -> RiskWarningQuerySet:
        return self.filter(status=RiskWarning.Status.OPEN)


class RiskWarning(models.Model):
    """矛盾风险预警: one finding of the daily scan with its evidence; raised once per evidence."""

    class Kind(models.TextChoices):
        REPEAT_PARTY = "repeat_party", _("同一当事人反复来访")
        REPEAT_VISIT = "repeat_visit", _("走访反复反映同一问题")
        CATEGORY_SPIKE = "category_spike", _("类别事项异常增多")
        REPEATED_FAILURE = "repeated_failure", _("反复不满意或多级逾期")
        ESCALATION_RISK = "escalation_risk", _("可能激化（民转刑、群体性）")

    class Status(models.TextChoices):
        OPEN = "open", _("待处置")
        HANDLED = "handled", _("已处置")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    division = models.ForeignKey(
        Division, verbose_name=_("村/社区"), on_delete=models.PROTECT, related_name="risk_warnings"
    )
    subject = models.CharField(_("预警事由"), max_length=200)
    # What the warning is about (a phone, a household and category, a village and month, a case) …
    subject_key = models.CharField(max_length=100)
    # … and a digest of the evidence: the same evidence never raises a second warning.
    evidence_key = models.CharField(max_length=64)
    evidence = models.JSONField(_("依据"), default=dict)
    cases = models.ManyToManyField("cases.Case", verbose_name=_("相关事项"), related_name="+", blank=True)
    raised_at = models.DateTimeField(_("预警时间"), default=timezone.now)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("处置人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    handled_note = models.TextField(_("处置说明"), blank=True)

    objects = RiskWarningQuerySet.as_manager()

    class Meta:
        verbose_name = _("矛盾风险预警")
        verbose_name_plural = _("矛盾风险预警")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject_key", "evidence_key"], name="risk_warning_once"),
            models.CheckConstraint(
                condition=Q(status="open") | (Q(handled_at__isnull=False) & ~Q(handled_note="")),
                name="handled_warning_has_note",
            ),
        ]
        indexes = [
            models.Index(fields=["division", "status"], name="risk_division_status"),
            models.Index(fields=["status", "-raised_at"], name="risk_status_recent"),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("aids:warning_detail", args=[self.pk])
