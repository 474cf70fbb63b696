"""A NUL character in a search box or a URL is a 400 with our page, never a 500 from PostgreSQL."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", [
    "/centers/?q=%00", "/visits/?q=a%00b", "/cases/?keyword=%00", "/centers/?%00=1",
    "/deliberation/notice/abc%00/", "/public/1101171%0004201/report/",
])
def test_nul_is_a_400(org, director, client_for, url):
    for client in (client_for(director), Client()):
        response = client.get(url)
        assert response.status_code == 400
        assert "请求" in response.content.decode()
