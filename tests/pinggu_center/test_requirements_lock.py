"""The hashed dependency locks (README: "Dependencies") agree with the top-level requirements.

requirements.in / requirements-dev.in name the packages the project uses; scripts/lock.sh compiles
them into requirements.txt / requirements-dev.txt, which every install reads (make run, make test,
CI, the production recipe). These checks need no network: they catch a lock that was not
recompiled after an edit, an unhashed entry, and the two locks drifting apart.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def top_level_pins(name: str) -> dict[str, str]:
    """Pins of a .in file (its -r / -c lines are followed by the lock check, not here)."""
    pins = {}
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        match = PIN.match(line)
        assert match, f"{name}: '{line}' is not pinned exactly (name==version)"
        pins[canonical(match[1])] = match[2]
    return pins


def lock_entries(name: str) -> dict[str, tuple[str, frozenset[str]]]:
    """{package: (version, hashes)} of a compiled lock; every entry must be pinned and hashed."""
    entries: dict[str, tuple[str, frozenset[str]]] = {}
    current = None
    hashes: set[str] = set()
    for raw in (ROOT / name).read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("--hash="):
            assert current, f"{name}: a hash before any package"
            hashes.add(line.removeprefix("--hash=").rstrip(" \\"))
            continue
        assert not line.startswith("-"), f"{name}: unexpected option line '{line}' (index URLs belong to pip's config)"
        if current:
            entries[current[0]] = (current[1], frozenset(hashes))
        match = PIN.match(line)
        assert match, f"{name}: '{line}' is not an exact pin"
        current, hashes = (canonical(match[1]), match[2]), set()
    if current:
        entries[current[0]] = (current[1], frozenset(hashes))
    return entries


@pytest.mark.parametrize("lock", ["requirements.txt", "requirements-dev.txt"])
def test_every_locked_package_is_pinned_and_hashed(lock):
    entries = lock_entries(lock)
    assert entries
    unhashed = sorted(name for name, (_, hashes) in entries.items() if not hashes)
    assert unhashed == [], f"{lock}: no hash for {unhashed}; run scripts/lock.sh"
    assert all(h.startswith("sha256:") for _, hashes in entries.values() for h in hashes)


@pytest.mark.parametrize(
    ("source", "lock"), [("requirements.in", "requirements.txt"), ("requirements-dev.in", "requirements-dev.txt")]
)
def test_lock_holds_every_top_level_pin(source, lock):
    entries = lock_entries(lock)
    stale = {
        name: (version, entries.get(name, ("missing",))[0])
        for name, version in top_level_pins(source).items()
        if entries.get(name, ("",))[0] != version
    }
    assert stale == {}, f"{lock} is older than {source} (wanted, locked): {stale}; run scripts/lock.sh"


def test_test_lock_installs_the_runtime_lock_unchanged():
    runtime = lock_entries("requirements.txt")
    dev = lock_entries("requirements-dev.txt")
    differ = {
        name: (entry[0], dev.get(name, ("missing",))[0]) for name, entry in runtime.items() if dev.get(name) != entry
    }
    assert differ == {}, f"requirements-dev.txt differs from requirements.txt for {differ}; run scripts/lock.sh"


def test_runtime_lock_has_what_the_redis_broker_and_postgresql_need():
    runtime = lock_entries("requirements.txt")
    # kombu's Redis transport imports both; the test tools must not be what brings them in.
    assert {"redis", "packaging"} <= runtime.keys()
    # psycopg 3 with its C extension; psycopg2-binary is not meant for production.
    assert {"psycopg", "psycopg-binary"} <= runtime.keys()
    assert not {"psycopg2", "psycopg2-binary"} & runtime.keys()
    assert not {"pytest", "ruff", "pip-tools"} & runtime.keys()
