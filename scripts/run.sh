#!/usr/bin/env bash
# shellcheck disable=SC2317  # the clean-up functions are reached through trap
# Start the whole site on this machine (`make run`):
#
#   bash scripts/run.sh
#
# Prepares the project (virtualenv, migrations, translations, static files, demo
# data), then runs a Celery worker and Celery beat in the background and the web
# server in the foreground on http://127.0.0.1:8000/. Ctrl-C stops all three.
#
# Without DATABASE_URL and REDIS_URL this is the embedded default: SQLite in the
# project folder and a Celery broker kept in files under var/, so escalations and
# the overdue sweep run with no server to install. With them set, the same
# commands use PostgreSQL and Redis.
set -euo pipefail

# shellcheck disable=SC2034  # read by log() in common.sh
SCRIPT_NAME="run.sh"
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
LOG_DIR="$REPO_ROOT/var/log"
DEMO_PASSWORD="pinggu2026"
DEMO_USERS=(district yukou xfgz_director xfgz_cadre zhoucun_director yukou_sifasuo)
WORKER_PID=""
BEAT_PID=""
WEB_PID=""

prepare() {
    ensure_venv requirements.txt
    mkdir -p "$LOG_DIR" var/celery/broker var/celery/processed
    log "migrating the database"
    "$PY" manage.py migrate --noinput --verbosity 0
    compile_messages
    log "collecting static files"
    "$PY" manage.py collectstatic --noinput --verbosity 0
    log "loading demo data"
    "$PY" manage.py seed_demo
}

start_background_workers() {
    # The Celery binary of the virtualenv, run through its Python so a moved .venv still works.
    # solo pool: one process, works with the file-based broker of the embedded default.
    "$PY" -m celery -A pinggu_center worker --pool=solo --loglevel=info \
        </dev/null >>"$LOG_DIR/celery-worker.log" 2>&1 &
    WORKER_PID=$!
    # --pidfile= (empty): no pid file, so a crashed earlier run never blocks the next start.
    "$PY" -m celery -A pinggu_center beat --loglevel=info \
        --schedule "$REPO_ROOT/var/celery/beat-schedule" --pidfile= \
        </dev/null >>"$LOG_DIR/celery-beat.log" 2>&1 &
    BEAT_PID=$!
    sleep 1
    kill -0 "$WORKER_PID" 2>/dev/null || die "the Celery worker did not start; see var/log/celery-worker.log"
    kill -0 "$BEAT_PID" 2>/dev/null || die "Celery beat did not start; see var/log/celery-beat.log"
    log "Celery worker (pid $WORKER_PID) and beat (pid $BEAT_PID) running; logs in var/log/"
}

# Stop one background process: a polite SIGTERM (the worker finishes its current task), then SIGKILL.
stop_process() {
    local pid="$1" name="$2"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
        sleep 0.1
    done
    log "$name did not stop within 10 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local status=$?
    # Ignore further Ctrl-C / TERM (an impatient second Ctrl-C, or a wrapper forwarding the
    # signal) so the clean-up itself always runs to the end.
    trap '' INT TERM
    trap - EXIT
    if [ -n "$WEB_PID$WORKER_PID$BEAT_PID" ]; then
        log "stopping the web server, Celery worker and beat"
        stop_process "$WEB_PID" "the web server"
        stop_process "$BEAT_PID" "Celery beat"
        stop_process "$WORKER_PID" "Celery worker"
    fi
    exit "$status"
}

print_banner() {
    local user
    cat >&2 <<EOF

  平谷区说事评理议事普法中心 is starting at  http://$HOST:$PORT/

  Demo logins (password: $DEMO_PASSWORD)
EOF
    for user in "${DEMO_USERS[@]}"; do printf '    %s\n' "$user" >&2; done
    cat >&2 <<EOF

  Press Ctrl-C to stop the web server, the Celery worker and beat.

EOF
}

main() {
    prepare
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    start_background_workers
    print_banner
    # Static files are served by WhiteNoise from staticfiles/ (collected above), so this works
    # with DEBUG on (the embedded default) and off. The server runs as a child we `wait` for,
    # rather than in the foreground, so that a SIGTERM to this script (not only Ctrl-C) runs
    # the cleanup at once and takes all three processes down.
    "$PY" manage.py runserver "$HOST:$PORT" --noreload </dev/null &
    WEB_PID=$!
    local status=0
    wait "$WEB_PID" || status=$?
    WEB_PID=""
    exit "$status"
}

main "$@"
