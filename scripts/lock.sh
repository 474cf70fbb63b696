#!/usr/bin/env bash
# Recompile the hashed locks from the top-level requirements (README: "Dependencies"):
#
#   bash scripts/lock.sh              # after editing requirements.in or requirements-dev.in
#   bash scripts/lock.sh --upgrade    # move every transitive dependency to its newest allowed release
#   bash scripts/lock.sh --upgrade-package NAME[==VERSION]   # move one package
#
# requirements.txt (runtime) is compiled first and constrains requirements-dev.txt, so the two
# files always hold the same version of every runtime package.
set -euo pipefail

# shellcheck disable=SC2034  # read by log() in common.sh
SCRIPT_NAME="lock.sh"
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

ensure_venv requirements-dev.txt

# Hashes of every published file of each release, so installs work on any supported platform; no
# index URLs in the output, so the files do not depend on one machine's pip configuration.
extra=("$@")
log "compiling requirements.txt from requirements.in"
"$VENV/bin/pip-compile" --quiet --generate-hashes --allow-unsafe --strip-extras \
    --no-emit-index-url --no-emit-find-links "${extra[@]}" --output-file requirements.txt requirements.in
log "compiling requirements-dev.txt from requirements-dev.in"
"$VENV/bin/pip-compile" --quiet --generate-hashes --allow-unsafe --strip-extras \
    --no-emit-index-url --no-emit-find-links "${extra[@]}" --output-file requirements-dev.txt requirements-dev.in
log "done; review with 'git diff requirements*.txt', then run the tests"
