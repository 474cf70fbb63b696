"""Legal education: the 普法联盟's teams and their activities, each village's 法律明白人 and 法治村情报告."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pinggu_center.uploads import UploadPath
from pinggu_center.validators import validate_phone

MIN_LIAISONS_PER_VILLAGE = 3


class LegalTeam(models.Model):
    """A team of the district's 普法联盟."""

    name = models.CharField(_("队伍名称"), max_length=100, unique=True)
    lead_unit = models.CharField(_("牵头单位"), max_length=100)
    member_count = models.PositiveIntegerField(_("成员人数"))
    active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("普法队伍")
        verbose_name_plural = _("普法队伍")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ActivityKind(models.TextChoices):
    CASE_LECTURE = "case_lecture", _("以案释法讲座")
    MICRO_CLASS = "micro_class", _("法治微课堂")
    CONSULTATION = "consultation", _("法律咨询日")
    OTHER = "other", _("其他宣讲")


class LegalActivity(models.Model):
    """One activity held in a village: a lecture, a micro-lecture, a consultation day."""

    center = models.ForeignKey(
        "pinggu_center.Center", verbose_name=_("村/社区中心"), on_delete=models.PROTECT, related_name="legal_activities"
    )
    team = models.ForeignKey(
        LegalTeam, verbose_name=_("普法队伍"), null=True, blank=True, on_delete=models.PROTECT, related_name="activities"
    )
    kind = models.CharField(_("活动类型"), max_length=16, choices=ActivityKind.choices)
    held_on = models.DateField(_("活动日期"))
    topic = models.CharField(_("主题"), max_length=200)
    attendance = models.PositiveIntegerField(_("参加人数"))
    note = models.TextField(_("活动情况"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("普法活动")
        verbose_name_plural = _("普法活动")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["kind", "held_on", "center"], name="activity_kind_date_center")]
        constraints = [models.CheckConstraint(condition=Q(kind__in=ActivityKind.values), name="activity_kind_known")]

    def __str__(self) -> str:
        return self.topic

    def get_absolute_url(self) -> str:
        return reverse("legal_education:activity_detail", args=[self.pk])


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(LegalActivity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("照片"), upload_to=UploadPath("activities"), max_length=200)
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.image.name


class LegalLiaison(models.Model):
    """A village's 法律明白人; may be the same person as a roster member holding the legal_liaison role."""

    center = models.ForeignKey(
        "pinggu_center.Center", verbose_name=_("村/社区中心"), on_delete=models.PROTECT, related_name="legal_liaisons"
    )
    member = models.OneToOneField(
        "pinggu_center.Member",
        verbose_name=_("对应中心成员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="legal_liaison",
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("手机号"), max_length=11, blank=True, validators=[validate_phone])
    appointed_on = models.DateField(_("聘任日期"))
    retired_on = models.DateField(_("退出日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("法律明白人")
        verbose_name_plural = _("法律明白人")
        ordering = ["center", "name"]
        indexes = [models.Index(fields=["center", "retired_on"], name="liaison_center_active")]
        constraints = [
            models.CheckConstraint(
                condition=Q(retired_on__isnull=True) | Q(retired_on__gte=models.F("appointed_on")),
                name="liaison_retired_after_appointed",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.retired_on is None


class LiaisonTraining(models.Model):
    liaison = models.ForeignKey(LegalLiaison, verbose_name=_("法律明白人"), on_delete=models.PROTECT, related_name="trainings")
    trained_on = models.DateField(_("培训日期"))
    topic = models.CharField(_("培训内容"), max_length=200)
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1)
    organiser = models.CharField(_("组织单位"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("培训记录")
        verbose_name_plural = _("培训记录")
        ordering = ["-trained_on"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours_positive")]

    def __str__(self) -> str:
        return f"{self.liaison} · {self.topic}"


class VillageLegalReport(models.Model):
    """A village's 法治村情报告: a document with its date and author."""

    center = models.ForeignKey(
        "pinggu_center.Center", verbose_name=_("村/社区中心"), on_delete=models.PROTECT, related_name="legal_reports"
    )
    title = models.CharField(_("标题"), max_length=200)
    report_date = models.DateField(_("报告日期"))
    author = models.CharField(_("撰写人"), max_length=50)
    file = models.FileField(_("报告文件"), upload_to=UploadPath("legal-reports"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("法治村情报告")
        verbose_name_plural = _("法治村情报告")
        ordering = ["-report_date"]

    def __str__(self) -> str:
        return self.title
