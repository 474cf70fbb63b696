#!/usr/bin/env bash
# shellcheck disable=SC2317  # the clean-up functions are reached through trap
# The one test command (CI runs it through .ci/run; locally: `make test`).
#
#   bash scripts/test.sh [pytest arguments...]
#
# The suite runs against a real PostgreSQL and a real Redis, and the integration
# tests start a real Celery worker; browser tests drive Debian's Chromium. So this
# script starts a throw-away PostgreSQL and Redis on free ports in a temporary
# folder, points the project at them through environment variables, runs the
# Django checks and pytest, and always removes everything again, even when a
# step fails or the run is interrupted. It never waits for input.
set -euo pipefail

# shellcheck disable=SC2034  # read by log() in common.sh
SCRIPT_NAME="test.sh"
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

# shellcheck source=scripts/services.sh
source "$(dirname "${BASH_SOURCE[0]}")/services.sh"

# --- main ----------------------------------------------------------------------------

main() {
    ensure_system_packages
    ensure_venv requirements-dev.txt

    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    TMP_DIR="$(mktemp -d -t pinggu-test.XXXXXX)"
    chmod 755 "$TMP_DIR"
    # The whole suite runs in four processes (pytest-xdist), even on two cores: much of it waits on a
    # browser, a Celery worker or a subprocess, and while other programs keep the cores busy, four processes
    # get a larger share of them (on this 2-core machine, with two busy loops: 553 s against three's 586 s;
    # quiet, both 351 s). A run of chosen tests stays in one process, so --pdb works.
    # TEST_PROCESSES overrides either choice.
    local processes="${TEST_PROCESSES:-}"
    if [ -z "$processes" ]; then
        if [ "$#" -eq 0 ]; then processes=4; else processes=1; fi
    fi
    local ports
    read -r -a ports < <(free_ports $((processes + 1)))
    PG_PORT="${ports[0]}"
    REDIS_PORT="${ports[1]}"
    choose_pg_os_user
    start_postgres
    start_redis
    # Each test process has a Redis of its own: the fault tests stop and restart theirs mid-test, and the
    # caches, queues and rate limits of one process must not meet another's (tests/worker_services.py).
    local servers="$REDIS_PORT:$REDIS_DIR" index
    for ((index = 1; index < processes; index++)); do
        start_redis_at "${ports[index + 1]}" "$TMP_DIR/redis-$index"
        servers+=",${ports[index + 1]}:$TMP_DIR/redis-$index"
    done
    local xdist=()
    [ "$processes" -gt 1 ] && xdist=(--numprocesses "$processes" --dist loadgroup)

    # What the project and the tests read (see pinggu_center/settings.py and tests/*/conftest.py).
    export DJANGO_SETTINGS_MODULE=pinggu_center.settings
    export DATABASE_URL="postgres://pinggu:pinggu@127.0.0.1:$PG_PORT/pinggu"
    export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
    export TEST_REDIS_PORT="$REDIS_PORT"
    export TEST_REDIS_DIR="$REDIS_DIR"
    export TEST_REDIS_SERVERS="$servers"
    export SECRET_KEY="test-only-secret-key-not-for-production-0123456789abcdefghijklmnop"
    # Settings treat "DATABASE_URL set" as production unless DEBUG says otherwise; production
    # adds an HTTPS redirect, secure-only cookies and a static manifest that only exists after
    # collectstatic, none of which a plain-HTTP test server can satisfy. DEBUG=true selects the
    # development profile; pytest-django still runs every test with settings.DEBUG = False.
    export DEBUG=true
    # No persistent connections: a request thread of the live server must not keep the test database busy.
    export DB_CONN_MAX_AGE=0
    # Browser tests launch Debian's /usr/bin/chromium; Playwright must not look for its own download.
    unset PLAYWRIGHT_BROWSERS_PATH
    export PYTHONUNBUFFERED=1

    local pg_version redis_version
    pg_version="$("$PG_BIN/postgres" --version | awk '{print $3}')"
    redis_version="$(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p')"
    log "PostgreSQL $pg_version on 127.0.0.1:$PG_PORT (as ${PG_OS_USER:-$(id -un)}, fsync off)"
    log "Redis $redis_version on 127.0.0.1 port ${ports[*]:1} (one per test process; $processes processes)"
    log "temporary folder $TMP_DIR; services ready in $(elapsed "$STARTED_AT") s"
    log "DATABASE_URL=$DATABASE_URL REDIS_URL=$REDIS_URL"

    compile_messages
    "$PY" manage.py makemigrations --check --dry-run --verbosity 1 ||
        die "models and migrations differ: run 'python manage.py makemigrations' and commit the result"
    "$PY" manage.py check

    local status=0
    log "pytest ${xdist[*]} $*"
    if [ -t 0 ] && [ -z "${CI:-}" ]; then
        "$PY" -m pytest "${xdist[@]}" "$@" || status=$?           # a terminal: --pdb and breakpoint() work
    else
        "$PY" -m pytest "${xdist[@]}" "$@" </dev/null || status=$? # CI: a stray breakpoint() fails instead of hanging
    fi
    if [ "$status" -eq 5 ]; then
        log "pytest collected no tests; that is a failure here (wrong path or marker?)"
    fi
    log "pytest exit code $status; total $(elapsed "$STARTED_AT") s"
    exit "$status"
}

main "$@"
