"""The site plus the floor view, for the load test (scripts/load.sh) to compare every page with the floor."""

import os

import django
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pinggu_center.settings")
django.setup()
settings.ROOT_URLCONF = "dashboards.benchmark.floor"

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
