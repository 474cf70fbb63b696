# Everyday commands. The scripts do the work; see scripts/run.sh and scripts/test.sh.
.PHONY: run test setup check lock

PYTHON := .venv/bin/python

# Start the site with demo data on http://127.0.0.1:8000/ (plus a Celery worker and beat).
run:
	bash scripts/run.sh

# The whole test suite against throw-away PostgreSQL and Redis. Extra pytest arguments:
#   make test ARGS="tests/integration -x"
test:
	bash scripts/test.sh $(ARGS)

# Create .venv and install the runtime and test dependencies.
setup:
	bash -c 'source scripts/common.sh && ensure_venv requirements-dev.txt'

# Recompile the hashed locks after editing requirements.in / requirements-dev.in (README: "Dependencies").
#   make lock ARGS="--upgrade-package NAME"
lock:
	bash scripts/lock.sh $(ARGS)

# Quick checks that need no servers: Django's system check, missing migrations, lint.
check: setup
	$(PYTHON) manage.py check
	$(PYTHON) manage.py makemigrations --check --dry-run
	$(PYTHON) -m ruff check .
