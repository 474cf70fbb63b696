import random

import pytest

from cases.hotline.demo import seed_hotline_and_online
from cases.models import Case

pytestmark = pytest.mark.django_db


def test_demo_registers_hotline_and_online_cases_once(org):
    cases = seed_hotline_and_online(random.Random(7))
    assert {case.source for case in cases} == {"hotline", "online"}
    assert Case.objects.filter(source="hotline").count() == 6
    assert Case.objects.filter(source="online").count() == 6
    seed_hotline_and_online(random.Random(7))
    assert Case.objects.filter(source="hotline").count() == 6
    assert Case.objects.filter(source="online").count() == 6
