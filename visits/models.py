"""Households (住户), visits (走访), the weekly quota results and the director's assessment of each cadre."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pinggu_center.models import Division, Level, Member, User
from pinggu_center.scopes import division_filter


class Tag(models.TextChoices):
    ELDERLY_ALONE = "elderly_alone", _("独居老人")
    LOW_INCOME = "low_income", _("低保")
    DISABLED = "disabled", _("残疾")
    KEY_CONCERN = "key_concern", _("重点关注")
    LEFT_BEHIND = "left_behind", _("留守")


def name_initials(name: str) -> str:
    """Pinyin initials of a name, lower case: 王德明 → wdm (what a cadre types to find a household head)."""
    from pypinyin import Style, lazy_pinyin

    letters = lazy_pinyin(name, style=Style.FIRST_LETTER, errors=lambda chars: list(chars))
    return "".join(letter[:1] for letter in letters if letter[:1].isascii() and letter[:1].isalnum()).lower()[:50]


class HouseholdQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> HouseholdQuerySet:
        return self.filter(division_filter(user, "division"))

    def recount_last_visits(self) -> None:
        """Set `last_visited_on` of every household from its visits (after rows were written in bulk)."""
        latest = Visit.objects.filter(household=models.OuterRef("pk")).order_by("-visited_on").values("visited_on")[:1]
        self.update(last_visited_on=models.Subquery(latest))


class Household(models.Model):
    division = models.ForeignKey(
        Division,
        verbose_name=_("村/社区"),
        on_delete=models.PROTECT,
        related_name="households",
        limit_choices_to={"level": Level.VILLAGE},
    )
    address = models.CharField(_("住址"), max_length=200)
    head_name = models.CharField(_("户主"), max_length=50)
    # Kept by save() (and by the bulk writers, which call name_initials themselves) for the pinyin search.
    name_initials = models.CharField(_("户主拼音首字母"), max_length=50, blank=True, editable=False)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    members_count = models.PositiveSmallIntegerField(_("家庭人口"), default=1)
    # A list of Tag values; JSON so the SQLite development database holds it too.
    tags = models.JSONField(_("关注标签"), default=list, blank=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    # The latest visit's date, kept by record_visit (tally.count_visit): coverage counts read it instead of probing every visit.
    last_visited_on = models.DateField(_("最近走访日期"), null=True, blank=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("住户")
        verbose_name_plural = _("住户")
        ordering = ["division", "address"]
        constraints = [
            models.UniqueConstraint(fields=["division", "address", "head_name"], name="household_unique_per_village"),
        ]
        indexes = [
            models.Index(fields=["division", "last_visited_on"], name="household_last_visit"),
            # The district's households not visited for 90 days: no division to lead the index above with.
            models.Index(fields=["last_visited_on"], name="household_last_visit_day"),
        ]

    def __str__(self) -> str:
        return f"{self.head_name}（{self.address}）"

    def save(self, *args, **kwargs) -> None:
        self.name_initials = name_initials(self.head_name)
        if kwargs.get("update_fields") is not None and "head_name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_initials"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("visits:household_detail", args=[self.pk])

    def tag_labels(self) -> list[str]:
        return [str(Tag(tag).label) for tag in self.tags if tag in Tag.values]


class VisitQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> VisitQuerySet:
        return self.filter(division_filter(user, "division"))


class Visit(models.Model):
    class Mode(models.TextChoices):
        HOME = "home", _("入户")
        PHONE = "phone", _("电话")
        WECHAT = "wechat", _("微信")
        OTHER = "other", _("其他")

    household = models.ForeignKey(Household, verbose_name=_("住户"), on_delete=models.PROTECT, related_name="visits")
    # Copied from the household so scoping and statistics never join through it.
    division = models.ForeignKey(Division, verbose_name=_("村/社区"), on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField(_("走访日期"), default=timezone.localdate)
    mode = models.CharField(_("方式"), max_length=16, choices=Mode.choices, default=Mode.HOME)
    cadres = models.ManyToManyField(Member, verbose_name=_("走访干部"), related_name="visits")
    raised = models.TextField(_("反映民情"), blank=True)
    category = models.ForeignKey(
        "cases.Category", verbose_name=_("类别"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    needs_action = models.BooleanField(_("需要办理"), default=False)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("转办事项"), null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    # Made by the submitting form or the phone; unique, so the same visit sent twice is saved once.
    client_token = models.UUIDField(_("提交标识"), null=True, blank=True, unique=True, editable=False)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_on", "-pk"]
        indexes = [
            models.Index(fields=["division", "visited_on"], name="visit_division_day"),
            # "Visited since …" per household (coverage, stale households) and district-wide weeks.
            models.Index(fields=["household", "visited_on"], name="visit_household_day"),
            models.Index(fields=["visited_on"], name="visit_day"),
        ]

    def __str__(self) -> str:
        return f"{self.household} · {self.visited_on}"

    def get_absolute_url(self) -> str:
        return reverse("visits:visit_detail", args=[self.pk])

    @property
    def problem_state(self) -> str:
        """The problem ledger's column: not yet passed on, being handled, or cleared (its case closed)."""
        if self.case_id is None:
            return _("未转办")
        return _("已销号") if self.case.status == "closed" else _("办理中")


class WeeklyQuotaResult(models.Model):
    """Last week's count for one cadre, written once by the Monday task."""

    member = models.ForeignKey(Member, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="quota_results")
    week_start = models.DateField(_("周一"))
    households_visited = models.PositiveIntegerField(_("走访户数"))
    quota = models.PositiveIntegerField(_("应走访户数"))
    met = models.BooleanField(_("完成"))
    recorded_at = models.DateTimeField(_("统计时间"), default=timezone.now)

    class Meta:
        verbose_name = _("每周走访完成情况")
        verbose_name_plural = _("每周走访完成情况")
        ordering = ["-week_start", "member"]
        constraints = [
            models.UniqueConstraint(fields=["member", "week_start"], name="quota_result_once_per_week"),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.week_start} {self.households_visited}/{self.quota}"


class CadreAssessment(models.Model):
    """The director's score (0–100) and comment for one cadre and one quarter, e.g. period "2026Q4"."""

    member = models.ForeignKey(Member, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="assessments")
    period = models.CharField(_("考核期"), max_length=7)
    score = models.PositiveSmallIntegerField(_("评分"), validators=[MaxValueValidator(100)])
    comment = models.CharField(_("评语"), max_length=500, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("考核人"), on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(_("考核时间"), default=timezone.now)

    class Meta:
        verbose_name = _("干部考核")
        verbose_name_plural = _("干部考核")
        ordering = ["-period", "member"]
        constraints = [
            models.UniqueConstraint(fields=["member", "period"], name="assessment_once_per_period"),
            models.CheckConstraint(condition=models.Q(score__lte=100), name="assessment_score_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.period} {self.score}"


class VisitTally(models.Model):
    """Counters of visits and households per village (and per town), kept by the visit services (visits/tally.py).

    `dimension` "" holds each ISO week's visits and distinct households visited (grain "w", period the Monday);
    "category:<id>" the week's visits that raised a matter of that category; "@last" the households whose latest
    visit was on a day (grain "d"); "@households" the registered households (grain "n", period tally.EVER).
    """

    rollup = models.CharField(max_length=1)  # "v": division is a village; "t": division is a town (all its villages)
    dimension = models.CharField(max_length=32, blank=True)
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    grain = models.CharField(max_length=1)
    period = models.DateField()
    town = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    visits = models.IntegerField(default=0)
    households = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rollup", "dimension", "division", "grain", "period"], name="visit_tally_key"),
        ]
        indexes = [
            # The district reads the town rows of a range; a town reads its villages' rows.
            models.Index(fields=["rollup", "dimension", "grain", "period"], name="visit_tally_period"),
            models.Index(fields=["rollup", "dimension", "town", "grain", "period"], name="visit_tally_town"),
        ]

    def __str__(self) -> str:
        return f"{self.rollup} {self.dimension} {self.division_id} {self.grain} {self.period}"


class CadreWeekTally(models.Model):
    """One cadre's visits and distinct households visited in one ISO week, kept by the visit services."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    week_start = models.DateField()
    visits = models.IntegerField(default=0)
    households = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "week_start"], name="cadre_week_tally_key")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.week_start} {self.households}"
