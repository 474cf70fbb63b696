"""The report, column by column and total by total, against cases counted by hand.

Ten cases in two towns (峪口地区: 西凡各庄村 and 鲍家庄村; 大兴庄镇: 周村), closed in 2026:

| case | where closed      | closed (Asia/Shanghai) | category | outcome    | succ. | agreement | 元       | people | preventions        |
|------|-------------------|------------------------|----------|------------|-------|-----------|----------|--------|--------------------|
| A    | 西凡各庄村         | 07-10 10:00            | 邻里     | resolved   | yes   | written   | 3000.00  | 3 (2 parties) | 民转刑 2 |
| B    | 西凡各庄村         | 08-05 09:00            | 婚姻家庭 | unresolved | no    | none      | —        | 2      |                    |
| C    | 西凡各庄村         | 09-30 23:59:59 (Q3)    | 邻里     | resolved   | yes   | oral      | 2000.50  | 4      | 自杀 1             |
| D    | 西凡各庄村         | 10-01 00:00:00 (Q4)    | 邻里     | resolved   | yes   | written   | 100.00   | 1      |                    |
| E    | 鲍家庄村           | 07-20                  | 合同     | resolved   | yes   | written   | 10000.00 | 5      | 械斗 5, 上访 5     |
| F    | 峪口地区 (escalated from 西凡各庄村) | 08-20 | 房屋宅基地 | resolved | yes | oral | — | 6 | |
| G    | 西凡各庄村         | 07-15                  | 邻里     | withdrawn  | not counted                                         |
| H    | 西凡各庄村 (a request, 诉求建议) | 07-16   | 邻里     | resolved   | not counted                                         |
| I    | 周村               | 09-10                  | 损害赔偿 | resolved   | yes   | written   | 500.00   | 2      |                    |
| J    | 西凡各庄村 (transferred) | —              | 邻里     | —          | not counted                                         |
"""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine

from cases import services
from cases.mediation_report.periods import ReportPeriod
from cases.mediation_report.selectors import mediation_report
from cases.models import Case, Category
from tests.factories import CenterFactory, VillageFactory

from .helpers import archive, escalate_to_town, fields, local, register

pytestmark = pytest.mark.django_db

ZERO = {"mediated": 0, "succeeded": 0, "rate": None, "written": 0, "oral": 0, "amount": Decimal("0"), "people": 0,
        "suicide": 0, "suicide_people": 0, "criminal": 0, "criminal_people": 0, "fight": 0, "fight_people": 0,
        "petition": 0, "petition_people": 0}


def figures(row, categories=("neighbour", "marriage_family", "contract", "housing_land", "damages")) -> dict:
    """Every column of a row: the measures, the rate (1 decimal) and the count per category code."""
    codes = dict(Category.objects.values_list("pk", "code"))
    result = {name: row.values[name] for name in ZERO if name != "rate"}
    result["rate"] = None if row.success_rate is None else round(row.success_rate, 1)
    result["amount"] = Decimal(result["amount"]).quantize(Decimal("0.01"))
    by_code = {codes[pk]: count for pk, count in row.by_category.items() if count}
    result["categories"] = {code: by_code.get(code, 0) for code in categories if by_code.get(code, 0)}
    return result


def expect(**values) -> dict:
    result = {**ZERO, "categories": values.pop("categories", {}), **values}
    result["amount"] = Decimal(str(result["amount"])).quantize(Decimal("0.01"))
    return result


@pytest.fixture
def second_village(org):
    village = VillageFactory(name="鲍家庄村", code="110117104202", parent=org.town)
    CenterFactory(division=village)
    return village


@pytest.fixture
def counted_cases(org, second_village, director, town_user, other_director):
    from tests.factories import UserFactory

    director2 = UserFactory(username="director2", role="village_director", division=second_village)
    center2 = second_village.center
    a = register(org.center, director, at=local(2026, 7, 1, 9), parties=2)
    archive(a, director, at=local(2026, 7, 10, 10),
            report=fields(people=3, amount="3000", criminal=True, criminal_people=2))
    b = register(org.center, director, at=local(2026, 7, 20, 9), category="marriage_family", parties=2)
    archive(b, director, at=local(2026, 8, 5, 9), outcome="unresolved",
            report=fields(succeeded=False, agreement="none", people=2))
    c = register(org.center, director, at=local(2026, 9, 1, 9))
    archive(c, director, at=local(2026, 9, 30, 23, 59, 59),
            report=fields(agreement="oral", oral="赔偿二千元。", people=4, amount="2000.50", suicide=True,
                          suicide_people=1))
    d = register(org.center, director, at=local(2026, 9, 2, 9))
    archive(d, director, at=local(2026, 10, 1, 0, 0, 0), report=fields(amount="100"))
    e = register(center2, director2, at=local(2026, 7, 2, 9), category="contract")
    archive(e, director2, at=local(2026, 7, 20, 15),
            report=fields(people=5, amount="10000", fight=True, fight_people=5, petition=True, petition_people=5))
    f = register(org.center, director, at=local(2026, 7, 25, 9), category="housing_land")
    escalate_to_town(f, director, at=local(2026, 8, 1, 9))
    archive(f, town_user, at=local(2026, 8, 20, 9), report=fields(agreement="oral", oral="重新划界。", people=6))
    g = register(org.center, director, at=local(2026, 7, 3, 9))
    archive(g, director, at=local(2026, 7, 15, 9), outcome="withdrawn")
    h = register(org.center, director, at=local(2026, 7, 4, 9), kind=Case.Kind.REQUEST)
    archive(h, director, at=local(2026, 7, 16, 9))
    i = register(org.other_center, other_director, at=local(2026, 9, 1, 9), category="damages", parties=2)
    archive(i, other_director, at=local(2026, 9, 10, 9), report=fields(people=2, amount="500"))
    j = register(org.center, director, at=local(2026, 7, 5, 9))
    with time_machine.travel(local(2026, 7, 6, 9), tick=False):
        services.transfer_case(case_id=j.pk, actor=director, target="department", department=org.justice_office,
                               reason="属派出所管辖。")
    return {"a": a, "f": f}


VILLAGE_ONE_Q3 = expect(mediated=3, categories={"neighbour": 2, "marriage_family": 1}, succeeded=2, rate=66.7,
                        written=1, oral=1, amount="5000.50", people=9, suicide=1, suicide_people=1, criminal=1,
                        criminal_people=2)
VILLAGE_TWO_Q3 = expect(mediated=1, categories={"contract": 1}, succeeded=1, rate=100.0, written=1, amount="10000",
                        people=5, fight=1, fight_people=5, petition=1, petition_people=5)
TOWN_OWN_Q3 = expect(mediated=1, categories={"housing_land": 1}, succeeded=1, rate=100.0, oral=1, amount="0",
                     people=6)
TOWN_Q3 = expect(mediated=5, categories={"neighbour": 2, "marriage_family": 1, "contract": 1, "housing_land": 1},
                 succeeded=4, rate=80.0, written=2, oral=2, amount="15000.50", people=20, suicide=1,
                 suicide_people=1, criminal=1, criminal_people=2, fight=1, fight_people=5, petition=1,
                 petition_people=5)
OTHER_TOWN_Q3 = expect(mediated=1, categories={"damages": 1}, succeeded=1, rate=100.0, written=1, amount="500",
                       people=2)


def test_town_quarter_row_by_row(org, second_village, counted_cases):
    report = mediation_report(org.town, ReportPeriod.parse("2026-Q3"))
    rows = {row.label: figures(row) for row in report.rows}
    assert list(rows) == ["西凡各庄村", "鲍家庄村", "峪口地区（镇街直接调解）"]
    assert rows["西凡各庄村"] == VILLAGE_ONE_Q3
    assert rows["鲍家庄村"] == VILLAGE_TWO_Q3
    # F was escalated from 西凡各庄村 and closed at the town: counted once, in the town's own row.
    assert rows["峪口地区（镇街直接调解）"] == TOWN_OWN_Q3
    assert figures(report.total) == TOWN_Q3


def test_district_quarter_rows_are_towns_and_add_up(org, counted_cases):
    report = mediation_report(org.district, ReportPeriod.parse("2026-Q3"))
    rows = {row.label: figures(row) for row in report.rows}
    assert rows["峪口地区"] == TOWN_Q3
    assert rows["大兴庄镇"] == OTHER_TOWN_Q3
    assert rows[f"{org.district.name}（区级直接调解）"] == expect()
    assert figures(report.total) == expect(
        mediated=6, categories={"neighbour": 2, "marriage_family": 1, "contract": 1, "housing_land": 1, "damages": 1},
        succeeded=5, rate=83.3, written=3, oral=2, amount="15500.50", people=22, suicide=1, suicide_people=1,
        criminal=1, criminal_people=2, fight=1, fight_people=5, petition=1, petition_people=5)


def test_last_second_of_a_quarter_counts_in_that_quarter(org, counted_cases):
    september = mediation_report(org.village, ReportPeriod.parse("2026-09"))
    assert figures(september.rows[0]) == expect(mediated=1, categories={"neighbour": 1}, succeeded=1, rate=100.0,
                                                oral=1, amount="2000.50", people=4, suicide=1, suicide_people=1)
    q4 = mediation_report(org.village, ReportPeriod.parse("2026-Q4"))  # D, closed at 00:00:00 on 1 October
    assert figures(q4.rows[0]) == expect(mediated=1, categories={"neighbour": 1}, succeeded=1, rate=100.0, written=1,
                                         amount="100", people=1)


def test_year_is_the_sum_of_its_quarters(org, counted_cases):
    year = mediation_report(org.village, ReportPeriod.parse("2026"))
    assert figures(year.rows[0]) == expect(
        mediated=4, categories={"neighbour": 3, "marriage_family": 1}, succeeded=3, rate=75.0, written=2, oral=1,
        amount="5100.50", people=10, suicide=1, suicide_people=1, criminal=1, criminal_people=2)


def test_the_escalated_case_is_not_in_its_village(org, counted_cases):
    august = mediation_report(org.town, ReportPeriod.parse("2026-08"))
    rows = {row.label: figures(row) for row in august.rows}
    assert rows["西凡各庄村"] == expect(mediated=1, categories={"marriage_family": 1}, people=2, rate=0.0)
    assert rows["峪口地区（镇街直接调解）"] == TOWN_OWN_Q3


def test_an_empty_period_lists_every_row_with_zeros_and_no_rate(org, second_village, counted_cases):
    report = mediation_report(org.town, ReportPeriod.parse("2026-Q1"))
    assert [row.label for row in report.rows] == ["西凡各庄村", "鲍家庄村", "峪口地区（镇街直接调解）"]
    assert all(figures(row) == expect() for row in [*report.rows, report.total])
    assert report.total.success_rate is None


def test_empty_period_on_an_empty_database(org):
    report = mediation_report(org.district, ReportPeriod.parse("2026"))
    assert figures(report.total) == expect()
