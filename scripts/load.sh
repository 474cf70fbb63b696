#!/usr/bin/env bash
# shellcheck disable=SC2317  # the clean-up functions are reached through trap
# Throughput under concurrency (issue 11, item 6): the README's web recipe under a locust load.
#
#   bash scripts/load.sh [--cases N] [--users 16] [--seconds 60] [--workers 3] [--worker-class gthread] [--threads 4]
#
# Starts a throw-away PostgreSQL and Redis, loads the demo district (plus N bulk cases, default 100,000), serves
# it with gunicorn on 127.0.0.1, and runs locust headless against one page at a time — the floor view, the case
# list, the village workbench, the district review — each for the given seconds with the given users. Prints
# requests per second, median and 95th-percentile times and failures per page, and each page as a share of the
# floor's requests per second. Only the loopback address is loaded; everything stops by itself.
set -euo pipefail

# shellcheck disable=SC2034  # read by log() in common.sh
SCRIPT_NAME="load.sh"
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=scripts/services.sh
source "$(dirname "${BASH_SOURCE[0]}")/services.sh"
cd "$REPO_ROOT"

CASES=100000 USERS=16 SECONDS_EACH=60 WORKERS=3 WORKER_CLASS=gthread THREADS=4
while [ $# -gt 0 ]; do
    case "$1" in
        --cases) CASES="$2"; shift 2 ;;
        --users) USERS="$2"; shift 2 ;;
        --seconds) SECONDS_EACH="$2"; shift 2 ;;
        --workers) WORKERS="$2"; shift 2 ;;
        --worker-class) WORKER_CLASS="$2"; shift 2 ;;
        --threads) THREADS="$2"; shift 2 ;;
        *) die "unknown option $1" ;;
    esac
done

GUNICORN_PID=""
stop_gunicorn() {
    if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
        kill "$GUNICORN_PID" && wait "$GUNICORN_PID" 2>/dev/null || true
    fi
}

main() {
    find_postgres || die "PostgreSQL's server binaries (initdb, pg_ctl, postgres) were not found"
    command -v redis-server >/dev/null 2>&1 || require_packages redis-server
    ensure_venv requirements-dev.txt

    trap 'stop_gunicorn; cleanup' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    TMP_DIR="$(mktemp -d -t pinggu-load.XXXXXX)"
    chmod 755 "$TMP_DIR"
    read -r PG_PORT REDIS_PORT < <(free_ports)
    WEB_PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    choose_pg_os_user
    PG_EXTRA_OPTIONS="-c shared_buffers=1GB -c work_mem=32MB -c effective_cache_size=8GB -c jit=off"
    start_postgres
    start_redis

    export DJANGO_SETTINGS_MODULE=pinggu_center.settings
    export DATABASE_URL="postgres://pinggu:pinggu@127.0.0.1:$PG_PORT/pinggu"
    export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
    export SECRET_KEY="load-test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"
    # The development profile: production's secure-only cookies are never sent over the plain HTTP of loopback.
    export DEBUG=true
    export ALLOWED_HOSTS=127.0.0.1

    log "migrating, loading the demo district and $CASES bulk cases"
    "$PY" manage.py migrate --noinput --verbosity 0
    "$PY" manage.py seed_demo >/dev/null
    if [ "$CASES" -gt 0 ]; then
        "$PY" manage.py shell -c "
import sys
from dashboards.benchmark import data
data.generate(cases=$CASES, visits=$((CASES * 2)), households_per_village=100, stdout=sys.stdout)" >/dev/null
    fi
    "$PY" manage.py compilemessages --verbosity 0 >/dev/null 2>&1 || true

    log "gunicorn --worker-class $WORKER_CLASS --workers $WORKERS --threads $THREADS on 127.0.0.1:$WEB_PORT"
    "$VENV/bin/gunicorn" dashboards.benchmark.wsgi --bind "127.0.0.1:$WEB_PORT" --worker-class "$WORKER_CLASS" \
        --workers "$WORKERS" --threads "$THREADS" --log-level warning >"$TMP_DIR/gunicorn.log" 2>&1 &
    GUNICORN_PID=$!
    for _ in $(seq 1 60); do
        curl -fsS -o /dev/null "http://127.0.0.1:$WEB_PORT/accounts/login/" 2>/dev/null && break
        sleep 1
    done

    local page
    for page in floor case_list workbench district_review; do
        log "locust: $page, $USERS users, ${SECONDS_EACH}s"
        LOAD_PAGE="$page" "$VENV/bin/locust" -f dashboards/benchmark/locustfile.py --headless \
            --host "http://127.0.0.1:$WEB_PORT" --users "$USERS" --spawn-rate "$USERS" \
            --run-time "${SECONDS_EACH}s" --only-summary --csv "$TMP_DIR/$page" >"$TMP_DIR/$page.log" 2>&1 || true
    done
    "$PY" - "$TMP_DIR" "$USERS" "$SECONDS_EACH" "$WORKER_CLASS" "$WORKERS" "$THREADS" <<'PY'
import csv, sys
folder, users, seconds, worker_class, workers, threads = sys.argv[1:]
print(f"\nThroughput, {users} users, {seconds} s per page, gunicorn {worker_class} × {workers} workers × {threads} threads")
print(f"{'page':<18}{'requests':>10}{'failures':>10}{'req/s':>8}{'median ms':>11}{'p95 ms':>8}{'× floor req/s':>15}")
floor = None
for page in ("floor", "case_list", "workbench", "district_review"):
    try:
        rows = {row["Name"]: row for row in csv.DictReader(open(f"{folder}/{page}_stats.csv"))}
    except FileNotFoundError:
        print(f"{page:<18} (no result: see the locust log)")
        continue
    row = rows.get(page)
    if row is None:
        print(f"{page:<18} (no requests)")
        continue
    rps = float(row["Requests/s"])
    floor = floor or rps
    print(f"{page:<18}{int(row['Request Count']):>10}{int(row['Failure Count']):>10}{rps:>8.1f}"
          f"{float(row['Median Response Time']):>11.0f}{float(row['95%']):>8.0f}{rps / floor:>15.2f}")
PY
}

main "$@"
