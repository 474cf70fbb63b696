# Throw-away PostgreSQL and Redis for scripts/test.sh and scripts/bench.sh: they are started on free
# ports in a temporary folder and always removed again. Source after common.sh.
# shellcheck shell=bash
# shellcheck disable=SC2034  # the variables are read by the scripts that source this file

STARTED_AT=$(date +%s.%N)
TMP_DIR=""
PG_BIN=""
PG_OS_USER=""   # the unprivileged account PostgreSQL runs as ("" = current user)
PG_PORT=""
REDIS_PORT=""
REDIS_DIR=""
REDIS_SERVERS=()  # "port:folder" of every Redis started here, so that clean-up stops them all

elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$(date +%s.%N)"; }

# --- system packages ------------------------------------------------------------

ensure_system_packages() {
    local missing=()
    command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 || missing+=(redis-server)
    [ -x /usr/bin/chromium ] || missing+=(chromium)
    [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
    # WebKitGTK (Safari's engine family) for tests/e2e/test_webkit.py; its browser needs a display.
    command -v WebKitWebDriver >/dev/null 2>&1 || missing+=(webkit2gtk-driver)
    command -v Xvfb >/dev/null 2>&1 || missing+=(xvfb)
    # Chinese text must render in browser screenshots, not as empty boxes.
    if ! { command -v fc-list >/dev/null 2>&1 && fc-list ':lang=zh' family | grep -qi 'cjk'; }; then
        missing+=(fonts-noto-cjk)
    fi
    command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
    find_postgres || missing+=(postgresql)
    require_packages "${missing[@]}"
    if [ -z "$PG_BIN" ]; then
        find_postgres || die "PostgreSQL (initdb, pg_ctl, postgres, psql) still not found after installing it"
    fi
}

# Sets PG_BIN to a folder holding initdb, pg_ctl, postgres and psql.
# Looks on PATH, in /usr/local/bin and in Debian's /usr/lib/postgresql/<version>/bin (newest first).
find_postgres() {
    local candidates=() dir
    if command -v pg_ctl >/dev/null 2>&1; then candidates+=("$(dirname "$(readlink -f "$(command -v pg_ctl)")")"); fi
    [ -e /usr/local/bin/pg_ctl ] && candidates+=("$(dirname "$(readlink -f /usr/local/bin/pg_ctl)")")
    while IFS= read -r dir; do candidates+=("$dir"); done < <(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V -r)
    for dir in "${candidates[@]}"; do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ] && [ -x "$dir/psql" ]; then
            PG_BIN="$dir"
            return 0
        fi
    done
    return 1
}

# --- throw-away services -----------------------------------------------------------

# Prints N (default two) free TCP ports on 127.0.0.1 (the OS picks them; the sockets are open at once so they differ).
free_ports() {
    python3 - "${1:-2}" <<'PYTHON'
import socket
import sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))
for s in socks:
    s.close()
PYTHON
}

# PostgreSQL refuses to run as root, so as root we run it as the `postgres` account
# (or a dedicated system account created on first use).
choose_pg_os_user() {
    if ! is_root; then
        PG_OS_USER=""
        return
    fi
    if id postgres >/dev/null 2>&1; then
        PG_OS_USER=postgres
    else
        PG_OS_USER=pinggu-pgtest
        id "$PG_OS_USER" >/dev/null 2>&1 ||
            useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_OS_USER"
    fi
}

# Run a PostgreSQL program as PG_OS_USER, from a folder that account can enter.
as_pg_user() {
    if [ -z "$PG_OS_USER" ]; then
        (cd "$TMP_DIR" && "$@")
    elif command -v runuser >/dev/null 2>&1; then
        (cd "$TMP_DIR" && runuser -u "$PG_OS_USER" -- "$@")
    else
        (cd "$TMP_DIR" && su "$PG_OS_USER" -s /bin/sh -c "$(printf '%q ' "$@")")
    fi
}

start_postgres() {
    local pgdata="$TMP_DIR/pgdata" sockdir="$TMP_DIR/pgsock"
    mkdir -p "$sockdir"
    [ -z "$PG_OS_USER" ] || chown -R "$PG_OS_USER" "$TMP_DIR"
    # Local socket: trust (only this temp folder can reach it). TCP: real password authentication.
    as_pg_user "$PG_BIN/initdb" --pgdata="$pgdata" --username=postgres --encoding=UTF8 --no-locale \
        --auth-local=trust --auth-host=scram-sha-256 --no-sync >"$TMP_DIR/initdb.log" 2>&1 ||
        { cat "$TMP_DIR/initdb.log" >&2; die "initdb failed"; }
    # The data is thrown away afterwards, so durability settings are switched off for speed.
    as_pg_user "$PG_BIN/pg_ctl" --pgdata="$pgdata" --log="$TMP_DIR/postgres.log" --wait --timeout=60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$sockdir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 ${PG_EXTRA_OPTIONS:-}" \
        start >/dev/null ||
        { cat "$TMP_DIR/postgres.log" >&2; die "PostgreSQL did not start"; }
    # A superuser, so pytest-django can create and drop the test database (and extensions).
    as_pg_user "$PG_BIN/psql" --no-psqlrc --quiet -v ON_ERROR_STOP=1 --host="$sockdir" --port="$PG_PORT" \
        --username=postgres --dbname=postgres \
        -c "CREATE ROLE pinggu LOGIN SUPERUSER CREATEDB PASSWORD 'pinggu'" \
        -c "CREATE DATABASE pinggu OWNER pinggu" >/dev/null
}

stop_postgres() {
    [ -n "$TMP_DIR" ] && [ -f "$TMP_DIR/pgdata/postmaster.pid" ] || return 0
    # Immediate mode: nothing in it is worth a clean checkpoint.
    as_pg_user "$PG_BIN/pg_ctl" --pgdata="$TMP_DIR/pgdata" --mode=immediate --wait --timeout=30 stop >/dev/null 2>&1 || true
}

# tests/integration/conftest.py restarts Redis with the same options (from TEST_REDIS_PORT and
# TEST_REDIS_DIR) to prove the outbox recovers; keep the two in step.
start_redis() {
    REDIS_DIR="$TMP_DIR/redis"
    start_redis_at "$REDIS_PORT" "$REDIS_DIR"
}

# Another Redis on PORT with its files in FOLDER (the test suite gives each of its processes its own).
start_redis_at() {
    local port="$1" folder="$2"
    mkdir -p "$folder"
    REDIS_SERVERS+=("$port:$folder")
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
        --dir "$folder" --pidfile "$folder/redis.pid" --logfile "$folder/redis.log"
    for _ in $(seq 1 100); do
        redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && return 0
        sleep 0.1
    done
    cat "$folder/redis.log" >&2 || true
    die "Redis did not answer PING on port $port"
}

stop_redis() {
    local server port folder pid
    for server in "${REDIS_SERVERS[@]}"; do
        port="${server%%:*}"
        folder="${server#*:}"
        redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
        # A test may have left it half-way; make sure the process is gone before its folder is removed.
        if [ -f "$folder/redis.pid" ]; then
            pid="$(cat "$folder/redis.pid" 2>/dev/null || true)"
            if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
                sleep 0.5
                kill -9 "$pid" 2>/dev/null || true
            fi
        fi
    done
}

cleanup() {
    local status=$?
    # Ignore further Ctrl-C / TERM (an impatient second Ctrl-C, or a wrapper forwarding the
    # signal) so the clean-up itself always runs to the end.
    trap '' INT TERM
    trap - EXIT
    local t0
    t0=$(date +%s.%N)
    stop_redis
    stop_postgres
    [ -n "$TMP_DIR" ] && rm -rf "$TMP_DIR"
    [ -n "$TMP_DIR" ] && log "stopped PostgreSQL and Redis, removed $TMP_DIR ($(elapsed "$t0") s)"
    exit "$status"
}

