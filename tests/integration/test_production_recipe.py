"""The README's production recipe, run as written: install from requirements.txt alone into a fresh virtual
environment, migrate, compile the translations, collect the static files, pass `check --deploy`, start gunicorn
(with the worker class and count the README gives), a Celery worker and beat against PostgreSQL and Redis with
production settings; sign in, register a case with a photo, escalate it and see it routed. Then the documented
backup (pg_dump + the media folder) is restored into a fresh database and the case, its timeline and its photo
are found there.

Slow by nature (a pip install, from pip's cache after the first run, and three processes started): one test.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import psycopg
import pytest
import requests
from django.db import connection

from tests.images import PNG

from .conftest import ARTIFACTS, REPO_ROOT
from .helpers import wait_until

pytestmark = pytest.mark.integration

PASSWORD = "Prod-Recipe-2026"
SETUP = """
from pinggu_center.models import Center, Division, Level, User
district = Division.objects.create(name="平谷区", code="110117000000", level=Level.DISTRICT, abbr="PG")
town = Division.objects.create(name="峪口地区", code="110117104000", level=Level.TOWN, abbr="YK", parent=district)
village = Division.objects.create(name="西凡各庄村", code="110117104201", level=Level.VILLAGE, parent=town)
Center.objects.create(division=village, name="西凡各庄村说事评理议事普法中心", phone="010-69961234")
for username, role, division in [("cadre", "village_staff", village), ("director", "village_director", village),
                                 ("town", "town_staff", town), ("district", "district_admin", district)]:
    User.objects.create_user(username=username, password="PASSWORD", role=role, division=division)
print("organisation ready")
""".replace("PASSWORD", PASSWORD)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pg_bin(name: str) -> str:
    found = shutil.which(name) or next(
        iter(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)), None
    )
    if not found:
        pytest.skip(f"{name} not found")
    return str(found)


class Recipe:
    def __init__(self, root: Path):
        self.root = root
        self.venv = root / "venv"
        self.python = self.venv / "bin" / "python"
        self.logs = ARTIFACTS / "production-recipe"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.processes: list[subprocess.Popen] = []
        self.timings: list[tuple[str, float]] = []
        db = connection.settings_dict
        self.pg = {
            "host": db["HOST"] or "127.0.0.1",
            "port": db["PORT"],
            "user": db["USER"],
            "password": db["PASSWORD"],
        }
        self.port = _free_port()
        self.env = {
            "PATH": f"{self.venv / 'bin'}:{os.environ['PATH']}",
            "HOME": os.environ.get("HOME", "/root"),
            "LANG": "C.UTF-8",
            "DATABASE_URL": self.database_url("pinggu_prod"),
            "REDIS_URL": re.sub(r"/\d+$", "/3", os.environ["REDIS_URL"]),  # its own Redis database
            "SECRET_KEY": "production-recipe-test-" + "k" * 40,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "HOTLINE_SECRET": "production-recipe-hotline-secret",
            "MEDIA_ROOT": str(root / "media"),
            "TRUSTED_PROXIES": "127.0.0.1",
            "PYTHONUNBUFFERED": "1",
        }

    def database_url(self, name: str) -> str:
        return f"postgres://{self.pg['user']}:{self.pg['password']}@{self.pg['host']}:{self.pg['port']}/{name}"

    def create_database(self, name: str) -> None:
        with psycopg.connect(self.database_url("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self.database_url("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def run(self, *args: str, env: dict | None = None, timeout: float = 600) -> str:
        started = time.monotonic()
        result = subprocess.run(
            args, cwd=REPO_ROOT, env={**self.env, **(env or {})}, stdin=subprocess.DEVNULL,
            capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            pytest.fail(
                f"{' '.join(args)} exited {result.returncode}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            )
        self.timings.append((" ".join(Path(a).name if "/" in a else a for a in args[:4]), time.monotonic() - started))
        return result.stdout + result.stderr

    def manage(self, *args: str, env: dict | None = None) -> str:
        return self.run(str(self.python), "manage.py", *args, env=env)

    def start(self, name: str, *args: str) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "w", encoding="utf-8")  # noqa: SIM115 - closed by the process' end
        process = subprocess.Popen(
            args, cwd=REPO_ROOT, env=self.env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.processes.append(process)
        return process

    def log(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


class Browser:
    """A signed-in user behind the README's nginx: HTTPS at the proxy, plain HTTP to gunicorn."""

    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.session = requests.Session()
        self.session.headers.update({"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.50",
                                     "Origin": f"https://127.0.0.1:{port}"})  # fmt: skip

    def _keep_cookies(self) -> None:
        for cookie in self.session.cookies:
            cookie.secure = False  # the proxy's HTTPS ends before gunicorn: send the secure cookies on

    def get(self, path: str) -> requests.Response:
        response = self.session.get(self.base + path, allow_redirects=False, timeout=30)
        self._keep_cookies()
        return response

    def post(self, path: str, data: dict, files: dict | None = None) -> requests.Response:
        data = {"csrfmiddlewaretoken": self.session.cookies.get("csrftoken"), **data}
        headers = {"Referer": f"https://127.0.0.1{self.base[len('http://127.0.0.1') :]}{path}"}
        response = self.session.post(self.base + path, data=data, files=files, headers=headers,
                                     allow_redirects=False, timeout=30)  # fmt: skip
        self._keep_cookies()
        return response

    @classmethod
    def signed_in(cls, port: int, username: str) -> Browser:
        browser = cls(port)
        assert browser.get("/accounts/login/").status_code == 200
        response = browser.post("/accounts/login/", {"username": username, "password": PASSWORD})
        assert response.status_code == 302, response.text[:2000]
        return browser


def _field(html: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{re.escape(name)}"', html
    )
    return match.group(1) if match else ""


def test_production_recipe_and_backup_restore(tmp_path):
    recipe = Recipe(tmp_path)
    try:
        _install_and_prepare(recipe)
        case_id = _serve_register_escalate(recipe)
    finally:
        recipe.stop_all()
    _backup_and_restore(recipe, case_id)


def _install_and_prepare(recipe: Recipe) -> None:
    started = time.monotonic()
    recipe.run(sys.executable, "-m", "venv", str(recipe.venv))
    # requirements.txt alone: what production installs (pip's cache makes the second run quick).
    recipe.run(str(recipe.python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
               "--require-hashes", "--no-compile", "-r", "requirements.txt")  # fmt: skip
    installed = recipe.run(str(recipe.python), "-m", "pip", "freeze")
    assert "pytest" not in installed and "packaging==" in installed and "psycopg-binary==" in installed
    recipe.create_database("pinggu_prod")
    recipe.manage("migrate", "--noinput")
    recipe.manage("compilemessages", "--ignore", ".venv", "--ignore", "test-artifacts", "--ignore", "var")
    recipe.manage("collectstatic", "--noinput")
    deploy = recipe.manage("check", "--deploy")
    assert "System check identified no issues" in deploy, deploy
    assert "organisation ready" in recipe.manage("shell", "-c", SETUP)
    steps = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in recipe.timings)
    sys.stderr.write(f"\nproduction recipe: installed and prepared in {time.monotonic() - started:.0f} s ({steps})\n")


def _serve_register_escalate(recipe: Recipe) -> int:
    venv_bin = recipe.venv / "bin"
    # Exactly the README's process lines (step 3 of "Running it in production"); beat first: its first sweep is
    # due a minute after it starts.
    recipe.start("beat", str(venv_bin / "celery"), "-A", "pinggu_center", "beat", "--loglevel=info",
                 "--schedule", str(recipe.root / "beat-schedule"), "--pidfile=")  # fmt: skip
    recipe.start("gunicorn", str(venv_bin / "gunicorn"), "pinggu_center.wsgi", "--worker-class", "gthread",
                 "--workers", "3", "--threads", "4", "--bind", f"127.0.0.1:{recipe.port}")  # fmt: skip
    recipe.start("worker", str(venv_bin / "celery"), "-A", "pinggu_center", "worker", "--loglevel=info")
    anonymous = Browser(recipe.port)
    wait_until(lambda: anonymous.get("/accounts/login/").status_code == 200, timeout=60, message="gunicorn to answer")
    assert anonymous.get("/accounts/login/").headers["Strict-Transport-Security"].startswith("max-age=")

    browser = Browser.signed_in(recipe.port, "cadre")
    form = browser.get("/cases/new/")
    assert form.status_code == 200
    data = {
        "client_token": _field(form.text, "client_token"),
        "source": "reception", "category": _category_id(recipe), "kind": "dispute", "title": "生产部署验证事项",
        "description": "楼上卫生间漏水，多次协商未果。", "location_text": "3 号院", "urgency": "normal",
        "rights_informed": "on", "parties-TOTAL_FORMS": "1", "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "1", "parties-MAX_NUM_FORMS": "20",
        "parties-0-role": "applicant", "parties-0-name": "张三", "parties-0-phone": "13800001234",
    }  # fmt: skip
    created = browser.post("/cases/new/", data, files={"attachments": ("现场.png", PNG, "image/png")})
    assert created.status_code == 302, created.text[:3000]
    case_url = created.headers["Location"]
    case_id = int(re.search(r"/cases/(\d+)/", case_url).group(1))

    browser = Browser.signed_in(recipe.port, "director")
    page = browser.get(f"/cases/{case_id}/escalate/")
    assert page.status_code == 200
    escalated = browser.post(f"/cases/{case_id}/escalate/", {"version": _field(page.text, "version"),
                                                               "reason": "涉及多户，村级难以化解"})  # fmt: skip
    assert escalated.status_code == 302, re.findall(
        r'(?s)<div class="[^"]*(?:alert|invalid-feedback)[^"]*".*?</div>', escalated.text
    )

    def routed() -> bool:
        with psycopg.connect(recipe.env["DATABASE_URL"]) as conn:
            row = conn.execute(
                "SELECT c.level, (SELECT count(*) FROM cases_caseevent e WHERE e.case_id = c.id AND e.kind = 'routed') "
                "FROM cases_case c WHERE c.id = %s",
                [case_id],
            ).fetchone()
        return row == ("town", 1)

    wait_until(routed, timeout=90, interval=1, message=f"the worker to route the case\n{recipe.log('worker')[-3000:]}")
    # The same worker command reads the figures queue too: the summary figures of the written divisions.
    prepared = re.compile(r"Task dashboards\.tasks\.prepare_figures\[[^\]]+\] succeeded in [\d.]+s: [1-9]")
    wait_until(lambda: prepared.search(recipe.log("worker")), timeout=60, interval=1,
               message=f"the worker to prepare the summary figures\n{recipe.log('worker')[-3000:]}")
    assert "生产部署验证事项" in Browser.signed_in(recipe.port, "town").get(case_url).text
    wait_until(lambda: "Sending due task outbox-sweep" in recipe.log("beat"), timeout=120, message="beat")
    with psycopg.connect(recipe.env["DATABASE_URL"]) as conn:
        audit_ip = conn.execute(
            "SELECT ip_address FROM pinggu_center_auditlog WHERE action = 'login' LIMIT 1"
        ).fetchone()
    assert str(audit_ip[0]) == "203.0.113.50"  # the client's address through the trusted proxy
    for name in ("gunicorn", "worker"):
        assert "Traceback" not in recipe.log(name), recipe.log(name)[-3000:]
    return case_id


def _category_id(recipe: Recipe) -> str:
    with psycopg.connect(recipe.env["DATABASE_URL"]) as conn:
        return str(conn.execute("SELECT id FROM cases_category WHERE code = 'neighbour'").fetchone()[0])


def _backup_and_restore(recipe: Recipe, case_id: int) -> None:
    """README "Backup and restore": pg_dump -Fc and the media folder, restored into a fresh database."""
    dump = recipe.root / "pinggu.dump"
    media_tar = recipe.root / "media.tar.gz"
    env = {"PGPASSWORD": recipe.pg["password"]}
    conn_args = ["--host", recipe.pg["host"], "--port", str(recipe.pg["port"]), "--username", recipe.pg["user"]]
    recipe.run(_pg_bin("pg_dump"), *conn_args, "--format=custom", "--file", str(dump), "pinggu_prod", env=env)
    with tarfile.open(media_tar, "w:gz") as archive:
        archive.add(recipe.root / "media", arcname="media")

    recipe.create_database("pinggu_restored")
    try:
        recipe.run(_pg_bin("pg_restore"), *conn_args, "--no-owner", "--dbname", "pinggu_restored", str(dump), env=env)
        restored_media = recipe.root / "restored"
        with tarfile.open(media_tar) as archive:
            archive.extractall(restored_media, filter="data")
        check = f"""
import hashlib
from cases.models import Case
case = Case.objects.get(pk={case_id})
print("case", case.title, case.level)
print("events", ",".join(case.events.order_by("at", "pk").values_list("kind", flat=True)))
attachment = case.attachments.get()
print("attachment", attachment.file.name, hashlib.sha256(attachment.file.read()).hexdigest())
"""
        out = recipe.manage(
            "shell",
            "-c",
            check,
            env={"DATABASE_URL": recipe.database_url("pinggu_restored"), "MEDIA_ROOT": str(restored_media / "media")},
        )
        assert "case 生产部署验证事项 town" in out, out
        assert "events registered,escalated,routed" in out, out
        name, digest = re.search(r"attachment (\S+) ([0-9a-f]{64})", out).groups()
        # The very photo stored at registration (uploads are re-encoded, so not the bytes the browser sent).
        assert hashlib.sha256((recipe.root / "media" / name).read_bytes()).hexdigest() == digest
    finally:
        recipe.drop_database("pinggu_restored")
        recipe.drop_database("pinggu_prod")
