"""Exports: the ledger through the background job, text stored as text, no row ever dropped, flat query count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import Case
from dashboards.models import ExportJob
from dashboards.tasks import build_export
from pinggu_center import exports
from pinggu_center.models import AuditLog
from tests.cases.factories import CaseFactory, PartyFactory

pytestmark = pytest.mark.django_db


def _ledger_job(client, monkeypatch, query: str) -> ExportJob:
    monkeypatch.setattr(build_export, "delay", lambda job_id: None)
    response = client.post(reverse("dashboards:export_job_create"), {"kind": "ledger", "query": query})
    job = ExportJob.objects.latest("pk")
    assert response.status_code == 302 and response.url == reverse("dashboards:export_job", args=[job.pk])
    return job


def _sheets(job: ExportJob) -> list[list[tuple]]:
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.progress == 100
    with job.file.open("rb") as handle:
        workbook = load_workbook(handle)
        return [list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets]


def test_ledger_export_runs_as_a_job_with_the_filters_and_masked_phones(client_for, org, director, monkeypatch):
    handling = CaseFactory(center=org.center, title="噪音扰民", status=Case.Status.HANDLING, path=Case.Path.DIRECT)
    PartyFactory(case=handling, name="王五", phone="13912345678")
    CaseFactory(center=org.center, title="宅基地边界")
    CaseFactory(center=org.other_center, title="别村的事", status=Case.Status.HANDLING)
    job = _ledger_job(client_for(director), monkeypatch, "status=handling")
    assert build_export(job.pk) == "done"
    [rows] = _sheets(job)
    assert len(rows) == 3  # the caption, the header and the one handling case of the village
    assert rows[2][0] == handling.number and rows[2][9] == "王五 139****5678"
    assert AuditLog.objects.filter(action=AuditLog.Action.EXPORT, actor=director).exists()


def test_text_that_looks_like_a_formula_stays_text(client_for, org, director, monkeypatch):
    case = CaseFactory(center=org.center, title='=HYPERLINK("http://evil.example","点我")')
    PartyFactory(case=case, name="=1+1", phone="")
    job = _ledger_job(client_for(director), monkeypatch, "")
    build_export(job.pk)
    job.refresh_from_db()
    with job.file.open("rb") as handle:
        sheet = load_workbook(handle).active
        title, parties = sheet.cell(row=3, column=2), sheet.cell(row=3, column=10)
    assert (title.value, title.data_type) == ('=HYPERLINK("http://evil.example","点我")', "s")
    assert (parties.value, parties.data_type) == ("=1+1", "s")


def test_rows_past_a_sheet_go_on_to_the_next_sheet(client_for, org, director, monkeypatch):
    monkeypatch.setattr(exports, "SHEET_ROWS", 6)  # caption + header + 4 rows a sheet
    CaseFactory.create_batch(11, center=org.center)
    job = _ledger_job(client_for(director), monkeypatch, "")
    build_export(job.pk)
    sheets = _sheets(job)
    assert [len(rows) - 2 for rows in sheets] == [4, 4, 3]


def test_the_job_makes_the_same_queries_for_10_and_300_cases(client_for, org, director, monkeypatch):
    client = client_for(director)

    def queries() -> int:
        job = _ledger_job(client, monkeypatch, "")
        with CaptureQueriesContext(connection) as captured:
            assert build_export(job.pk) == "done"
        return len(captured)

    CaseFactory.create_batch(10, center=org.center)
    few = queries()
    CaseFactory.create_batch(290, center=org.center)
    assert queries() == few


def test_per_case_tables_are_not_built_inside_the_request(client_for, org, director):
    response = client_for(director).get(reverse("dashboards:export_table"), {"kind": "cases", "division": org.village.pk})
    assert response.status_code == 400
