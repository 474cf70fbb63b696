"""Background work of the dashboards: the xlsx of one ExportJob, and the summary figures after a write.

Each task can run twice safely: a second export finds the job claimed, a second preparation finds the figures ready.
"""

from __future__ import annotations

import logging
import tempfile

from celery import shared_task
from django.conf import settings
from django.core.files import File
from django.http import Http404
from django.utils import timezone, translation

from pinggu_center import audit, freshness
from pinggu_center.models import AuditLog

from . import exports, figures
from .models import ExportJob

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def build_export(job_id: int) -> str:
    """Build the job's file once: only a pending job is claimed (compare-and-set), so a redelivery is harmless."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.PENDING).update(
        status=ExportJob.Status.RUNNING, progress=1
    )
    if not claimed:
        return "already-claimed"
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    # Streamed to a temporary file and stored from there: memory stays flat whatever the row count.
    with tempfile.TemporaryFile() as spooled:
        try:
            spec = exports.parse(job.user, job.params)
            rows = exports.build(spec, spooled, progress=lambda percent: _set_progress(job_id, percent))
        except (exports.ExportError, Http404) as error:
            ExportJob.objects.filter(pk=job_id).update(
                status=ExportJob.Status.FAILED, error=str(error)[:300], finished_at=timezone.now()
            )
            return "failed"
        spooled.seek(0)
        job.file.save(exports.filename(spec), File(spooled), save=False)
    ExportJob.objects.filter(pk=job_id).update(
        file=job.file.name, status=ExportJob.Status.DONE, progress=100, finished_at=timezone.now()
    )
    audit.record(AuditLog.Action.EXPORT, actor=job.user, obj=job, detail=f"{job.kind} ({rows} rows) {job.params}"[:500])
    return "done"


def _set_progress(job_id: int, percent: int) -> None:
    ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.RUNNING).update(progress=max(1, percent))


@shared_task
def prepare_figures(names: list[str]) -> int:
    """The summary figures of the divisions a commit wrote, computed before anyone views them (dashboards.figures)."""
    freshness.preparing(prepare_figures.name, names)
    with translation.override(settings.LANGUAGE_CODE):
        return figures.prepare(names)
