"""Locust users for scripts/load.sh: each signs in once, then requests one page (LOAD_PAGE) as fast as it is served."""

from __future__ import annotations

import os
import re

from locust import HttpUser, task

USERS = {"floor": "district", "case_list": "district", "workbench": "xfgz_director", "district_review": "district"}
PATHS = {
    "floor": "/__benchmark_floor__/",
    "case_list": "/cases/",
    "workbench": "/dashboards/workbench/",
    "district_review": "/dashboards/review/",
}
PAGE = os.environ.get("LOAD_PAGE", "floor")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class PageUser(HttpUser):
    def on_start(self) -> None:
        form = self.client.get("/accounts/login/", name="login form")
        token = CSRF.search(form.text).group(1)
        response = self.client.post(
            "/accounts/login/", name="login",
            data={"username": USERS[PAGE], "password": "pinggu2026", "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/accounts/login/"},
        )
        response.raise_for_status()

    @task
    def page(self) -> None:
        self.client.get(PATHS[PAGE], name=PAGE)
