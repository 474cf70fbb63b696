# shellcheck shell=bash
# Shared helpers for scripts/run.sh and scripts/test.sh (sourced, not executed).
#
# Both scripts must work on a fresh Debian machine and on a developer's laptop,
# without asking questions: they install what they can when running as root and
# otherwise say exactly which packages are missing.

# Repository root, whatever the caller's working directory.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO_ROOT/.venv"
PY="$VENV/bin/python"

log() {
    if [ -t 2 ]; then printf '\033[1m[%s]\033[0m %s\n' "${SCRIPT_NAME:-pinggu}" "$*" >&2
    else printf '[%s] %s\n' "${SCRIPT_NAME:-pinggu}" "$*" >&2; fi
}
die() { log "ERROR: $*"; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# apt-get update is slow; run it at most once per script run.
_APT_UPDATED=0
apt_install() {
    # Install Debian packages non-interactively (root only).
    if [ "$_APT_UPDATED" -eq 0 ]; then
        log "apt-get update"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null
        _APT_UPDATED=1
    fi
    log "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" </dev/null
}

# Install the given Debian packages when root, otherwise print the command and stop.
require_packages() {
    [ "$#" -gt 0 ] || return 0
    if is_root && command -v apt-get >/dev/null 2>&1; then
        apt_install "$@"
    else
        die "missing system packages. Install them with:
    sudo apt-get install -y $*
and run this script again."
    fi
}

# Create .venv when missing and install a hashed lock file (requirements.txt or requirements-dev.txt,
# compiled by scripts/lock.sh) into it: every package, transitive ones included, at its locked version
# and checked against its hash. The file's hash is remembered so that an unchanged file costs nothing
# on the next run.
ensure_venv() {
    local requirements="$1"
    if [ ! -x "$PY" ]; then
        log "creating virtual environment in .venv"
        if ! python3 -m venv "$VENV" 2>/dev/null; then
            # Debian splits venv support into its own package.
            rm -rf "$VENV"
            require_packages python3-venv
            python3 -m venv "$VENV"
        fi
    fi
    local stamp wanted
    stamp="$VENV/.installed-$(basename "$requirements").sha256"
    wanted="$(cat "$REPO_ROOT/requirements.txt" "$REPO_ROOT/$requirements" | sha256sum | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
        log "installing Python packages from $requirements"
        # --no-compile: Python writes each module's bytecode when it is first imported; compiling every
        # installed file up front would add most of a minute to a fresh install (CI starts from one).
        "$PY" -m pip install --quiet --disable-pip-version-check --no-input --require-hashes --no-compile \
            -r "$REPO_ROOT/$requirements"
        echo "$wanted" >"$stamp"
    fi
}

# True when the project has translation catalogues to compile.
has_po_files() {
    [ -n "$(find "$REPO_ROOT" -path "$VENV" -prune -o -path "$REPO_ROOT/node_modules" -prune \
        -o -name '*.po' -path '*/locale/*' -print -quit 2>/dev/null)" ]
}

# Compile .po catalogues into .mo; needs GNU gettext's msgfmt.
compile_messages() {
    if ! has_po_files; then
        log "no translation catalogues (locale/*/LC_MESSAGES/*.po) yet; skipping compilemessages"
        return 0
    fi
    command -v msgfmt >/dev/null 2>&1 || require_packages gettext
    # compilemessages skips a catalogue whose .mo is newer than its .po, and a fresh clone gives both
    # the same arbitrary times: mark the catalogues changed so the compiled files always follow them.
    find "$REPO_ROOT" -path "$VENV" -prune -o -path "$REPO_ROOT/node_modules" -prune \
        -o -name '*.po' -path '*/locale/*' -exec touch {} +
    # --ignore keeps Django from walking into the virtualenv's own locale folders.
    "$PY" manage.py compilemessages --verbosity 0 \
        --ignore '.venv' --ignore 'node_modules' --ignore 'staticfiles' --ignore 'var' --ignore 'test-artifacts'
}
