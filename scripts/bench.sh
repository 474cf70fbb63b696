#!/usr/bin/env bash
# shellcheck disable=SC2317  # the clean-up functions are reached through trap
# The performance benchmark of DESIGN.md ("Performance targets"):
#
#   bash scripts/bench.sh [--cases N] [--visits N] [--runs N]
#
# Starts a throw-away PostgreSQL (tuned as a small production server would be), migrates, loads the
# demo district, bulk-generates a district's many years of cases, events and visits, and prints each
# page's median server time and query count next to the floor view's. Removes everything afterwards.
set -euo pipefail

# shellcheck disable=SC2034  # read by log() in common.sh
SCRIPT_NAME="bench.sh"
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=scripts/services.sh
source "$(dirname "${BASH_SOURCE[0]}")/services.sh"
cd "$REPO_ROOT"

main() {
    find_postgres || die "PostgreSQL's server binaries (initdb, pg_ctl, postgres) were not found"
    command -v redis-server >/dev/null 2>&1 || require_packages redis-server
    ensure_venv requirements.txt

    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    TMP_DIR="$(mktemp -d -t pinggu-bench.XXXXXX)"
    chmod 755 "$TMP_DIR"
    read -r PG_PORT REDIS_PORT < <(free_ports)
    choose_pg_os_user
    PG_EXTRA_OPTIONS="-c shared_buffers=2GB -c work_mem=32MB -c maintenance_work_mem=512MB -c effective_cache_size=12GB -c max_wal_size=8GB -c jit=off"
    start_postgres
    start_redis

    export DJANGO_SETTINGS_MODULE=pinggu_center.settings
    export DATABASE_URL="postgres://pinggu:pinggu@127.0.0.1:$PG_PORT/pinggu"
    export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
    export SECRET_KEY="benchmark-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"
    export DEBUG=true

    log "migrating and loading the demo district"
    "$PY" manage.py migrate --noinput --verbosity 0
    "$PY" manage.py seed_demo >/dev/null
    log "generating and timing (this takes a few minutes)"
    "$PY" manage.py benchmark --generate "$@"
}

main "$@"
