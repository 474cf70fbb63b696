"""seed_demo builds the district of the demo-data contract, and a second run changes nothing."""

import io

from django.apps import apps
from django.core.management import call_command

from pinggu_center.models import Center, Department, Division, Level, User

TOWNS = ["滨河街道", "兴谷街道", "渔阳地区", "峪口地区", "马坊地区", "金海湖地区", "东高村镇", "山东庄镇", "南独乐河镇", "大华山镇", "夏各庄镇", "马昌营镇", "王辛庄镇", "大兴庄镇", "刘家店镇", "镇罗营镇", "熊儿寨乡", "黄松峪乡"]


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


DEMO_LOGINS = [
    ("district", "district_admin", "平谷区"),
    ("yukou", "town_staff", "峪口地区"),
    ("xfgz_director", "village_director", "西凡各庄村"),
    ("xfgz_cadre", "village_staff", "西凡各庄村"),
    ("zhoucun_director", "village_director", "周村"),
    ("yukou_sifasuo", "department_staff", "峪口地区"),
]


def test_seed_demo(db):
    """One run builds the contract's district; the second changes nothing. One test, because seeding takes seconds."""
    call_command("seed_demo", stdout=io.StringIO())
    first = _row_counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert _row_counts() == first
    _check_organisation()
    _check_departments()
    _check_logins()
    assert not Center.objects.filter(members__isnull=True).exists()


def _check_organisation() -> None:
    district = Division.objects.get(level=Level.DISTRICT)
    assert (district.name, district.code) == ("平谷区", "110117000000")
    assert sorted(Division.objects.filter(level=Level.TOWN).values_list("name", flat=True)) == sorted(TOWNS)
    assert Division.objects.filter(level=Level.VILLAGE).count() == 311
    assert Center.objects.count() == 311
    assert all(len(code) == 12 and code.isdigit() for code in Division.objects.values_list("code", flat=True))
    assert Division.objects.get(name="西凡各庄村").parent.name == "峪口地区"
    assert Division.objects.get(name="西凡各庄村").code == "110117104201"
    assert Division.objects.get(name="周村").parent.name == "大兴庄镇"
    for name in ["曹家庄村", "鲍家庄村", "青杨屯村"]:
        assert Division.objects.get(name=name).parent.name == "东高村镇"


def _check_departments() -> None:
    for town in Division.objects.filter(level=Level.TOWN):
        kinds = set(town.departments.values_list("kind", flat=True))
        assert {"justice_office", "police", "enforcement"} <= kinds
    district_names = set(Department.objects.filter(division__level=Level.DISTRICT).values_list("name", flat=True))
    assert {"区司法局", "区人民法院", "区城市管理综合行政执法局", "区信访办"} <= district_names


def _check_logins() -> None:
    for username, role, scope in DEMO_LOGINS:
        user = User.objects.get(username=username)
        assert user.check_password("pinggu2026"), username
        assert (user.role, user.division.name) == (role, scope)
    assert User.objects.get(username="yukou_sifasuo").department.name == "峪口地区司法所"
