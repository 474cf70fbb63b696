"""Settings, read from the environment (see README: "Configuration").

Without DATABASE_URL and REDIS_URL the project runs on its embedded default:
SQLite in the project folder and a Celery broker kept in files under var/,
so a real worker and beat run with no server to install.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from kombu import Queue

from .env import envbool, envint, envlist, envstr, require

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DATABASE_URL = envstr("DATABASE_URL")
REDIS_URL = envstr("REDIS_URL")

# The embedded default is for a laptop or a demo; anything with a real database is production unless told otherwise.
DEBUG = envbool("DEBUG", default=not DATABASE_URL)
PRODUCTION = not DEBUG

SECRET_KEY = require(
    "SECRET_KEY",
    envstr("SECRET_KEY", "" if PRODUCTION else "insecure-embedded-default-key-change-me-0123456789"),
    when=PRODUCTION,
    hint="a long random string, e.g. from `python -c 'import secrets; print(secrets.token_urlsafe(50))'`.",
)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    require("ALLOWED_HOSTS", "", when=True, hint="comma-separated host names the site answers to.")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
# Reverse proxies (addresses or networks) whose X-Forwarded-For is believed (pinggu_center/client_address.py).
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES", [])

HOTLINE_SECRET = require(
    "HOTLINE_SECRET",
    envstr("HOTLINE_SECRET", "" if PRODUCTION else "embedded-hotline-secret"),
    when=PRODUCTION,
    hint="the shared secret that signs 12345 hotline requests and callbacks.",
)
HOTLINE_CALLBACK_URL = envstr("HOTLINE_CALLBACK_URL")
HOTLINE_TIMESTAMP_TOLERANCE_SECONDS = 300
ENFORCEMENT_ENDPOINT_URL = envstr("ENFORCEMENT_ENDPOINT_URL")
ENFORCEMENT_SECRET = envstr("ENFORCEMENT_SECRET", HOTLINE_SECRET)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "axes",
    "pinggu_center",
    "cases",
    "cases.mediation_report",
    "visits",
    "aids",
    "deliberation",
    "legal_education",
    "dashboards",
    "offline",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "pinggu_center.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pinggu_center.middleware.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "pinggu_center.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pinggu_center.second_factor.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "offline.middleware.OneTimeMessagesNotStoredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pinggu_center.urls"
WSGI_APPLICATION = "pinggu_center.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pinggu_center.context_processors.navigation",
                "offline.context_processors.offline",
                "offline.context_processors.kept_page_messages",  # after Django's messages
            ],
        },
    },
]

if DATABASE_URL:
    # Health checks: a persistent connection that a PostgreSQL restart broke is replaced before the request uses it.
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
    if "postgresql" in DATABASES["default"]["ENGINE"]:
        # A page's queries read a few dozen rows through an index. Parallel workers take longer to start (15-20 ms
        # on two cores) than such a query runs, and they take the cores that the other requests are waiting for.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
            "options", f"-c max_parallel_workers_per_gather={envint('DB_PARALLEL_WORKERS', 0)}"
        )
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            # A worker, beat and the web server share the file: wait for locks instead of failing.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "pinggu_center.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "pinggu_center.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]
CSRF_FAILURE_VIEW = "pinggu_center.error_pages.csrf_failure"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout after repeated failures (MLPS level 2-3), released after the cool-off: per (username, address),
# plus a per-address limit across usernames (pinggu_center/lockout.py). Locking a username from anywhere
# would let anyone keep the district administrator out.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = envint("LOGIN_FAILURE_LIMIT_PER_ADDRESS", 20)
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "pinggu_center.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "pinggu_center.client_address.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False

# Idle sessions expire: a request renews the session and its cookie, at most once a minute
# (pinggu_center.middleware.IdleSessionMiddleware).
SESSION_COOKIE_AGE = envint("SESSION_IDLE_MINUTES", 30) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
DATETIME_FORMAT = "Y年n月j日 H:i"
DATE_FORMAT = "Y年n月j日"
FORMAT_MODULE_PATH = ["pinggu_center.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(BASE_DIR / "media")))
UPLOAD_MAX_BYTES = envint("UPLOAD_MAX_MB", 10) * 1024 * 1024
# Work without signal: household pages cached on a cadre's phone are dropped after this many days.
OFFLINE_HOUSEHOLD_MAX_AGE_DAYS = envint("OFFLINE_HOUSEHOLD_MAX_AGE_DAYS", 7)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

if REDIS_URL:
    # Short timeouts: a cache that is down costs a request at most a few seconds, never a hang.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": VAR_DIR / "cache"}
    }

# Celery: Redis in production; without REDIS_URL a broker in files, so the worker and beat still run.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker that lost its broker keeps trying to reconnect, however long the outage lasts.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A web request must not hang on a broker that is down: the outbox sweep re-sends what did not get through.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
# Preparing the summary pages' figures after a commit (pinggu_center.freshness.prepare_after_writes) is best effort:
# on a queue of its own, escalations and deliveries never wait behind it. A worker started without -Q reads both.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue("celery"), Queue("figures")]
CELERY_TASK_ROUTES = {
    task: {"queue": "figures"} for task in ("dashboards.tasks.prepare_figures", "visits.tasks.prepare_statistics")
}
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # kombu's Redis transport with a fix that keeps the worker alive through a Redis restart (see the module).
    CELERY_BROKER_TRANSPORT = "pinggu_center.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2, "socket_timeout": 5}
else:
    CELERY_BROKER_URL = "filesystem://"
    _broker_dir = VAR_DIR / "celery" / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    "outbox-sweep": {"task": "pinggu_center.tasks.sweep_outbox", "schedule": 60.0},
    "audit-retention": {"task": "pinggu_center.tasks.prune_audit_log", "schedule": 24 * 3600.0},
    "queue-retention": {"task": "pinggu_center.tasks.prune_queues", "schedule": 24 * 3600.0},
}

# Outbox delivery: attempts before a row is marked failed, and the first back-off in seconds.
OUTBOX_MAX_ATTEMPTS = envint("OUTBOX_MAX_ATTEMPTS", 12)
OUTBOX_BACKOFF_SECONDS = envint("OUTBOX_BACKOFF_SECONDS", 30)
# The sweep re-sends only rows due for longer than this (fresher ones are most likely still in the queue).
OUTBOX_STALE_SECONDS = envint("OUTBOX_STALE_SECONDS", 120)
# Pending this long after being written, a row is shown to district administrators beside the failed ones.
OUTBOX_ALERT_PENDING_MINUTES = envint("OUTBOX_ALERT_PENDING_MINUTES", 30)
# Delivered outbox rows and read notifications are deleted nightly after these many days.
OUTBOX_RETENTION_DAYS = envint("OUTBOX_RETENTION_DAYS", 30)
NOTIFICATION_RETENTION_DAYS = envint("NOTIFICATION_RETENTION_DAYS", 180)

# Audit rows are kept at least six months (Cybersecurity Law Art. 21); a nightly task removes older ones.
AUDIT_RETENTION_DAYS = max(envint("AUDIT_RETENTION_DAYS", 400), 183)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    # Logins are kept in the audit log; axes would otherwise log each one again at INFO.
    "loggers": {"axes": {"level": "WARNING"}},
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

# Case deadlines (see README "Deadlines"). Working days skip public holidays and count make-up days (调休).
CASE_RESPONSE_WORKING_DAYS = envint("CASE_RESPONSE_WORKING_DAYS", 1)
CASE_RESOLUTION_WORKING_DAYS = {
    "village": envint("CASE_RESOLUTION_DAYS_VILLAGE", 10),
    "town": envint("CASE_RESOLUTION_DAYS_TOWN", 15),
    "district": envint("CASE_RESOLUTION_DAYS_DISTRICT", 20),
}
# People's mediation is normally finished within one month (People's Mediation Law practice), calendar days.
PEOPLES_MEDIATION_DAYS = envint("PEOPLES_MEDIATION_DAYS", 30)
WHISTLE_REPORT_IN_WORKING_DAYS = envint("WHISTLE_REPORT_IN_WORKING_DAYS", 2)
TRANSFER_FEEDBACK_WORKING_DAYS = envint("TRANSFER_FEEDBACK_WORKING_DAYS", 10)
JUDICIAL_CONFIRMATION_DAYS = 30
# 12345 orders keep the hotline's own clock, in hours.
HOTLINE_DEADLINE_HOURS = {"urgent": 2, "utilities": 24, "normal": 7 * 24, "complex": 15 * 24}
HOTLINE_UTILITY_CATEGORIES = {"water", "power", "gas", "heating"}
# Which levels hand an overdue case up automatically (the sweep uses escalate_case, marked automatic).
AUTO_ESCALATE_OVERDUE = {
    "village": envbool("AUTO_ESCALATE_OVERDUE_VILLAGE", True),
    "town": envbool("AUTO_ESCALATE_OVERDUE_TOWN", False),
}
DEADLINE_REMINDER_HOURS = envint("DEADLINE_REMINDER_HOURS", 24)
DUPLICATE_WINDOW_DAYS = 30
CELERY_BEAT_SCHEDULE["deadline-sweep"] = {"task": "cases.tasks.sweep_deadlines", "schedule": 300.0}
# Visits (大走访): distinct households each visiting cadre visits per ISO week; results recorded on Monday.
VISIT_WEEKLY_QUOTA = envint("VISIT_WEEKLY_QUOTA", 5)
CELERY_BEAT_SCHEDULE["weekly-visit-quota"] = {
    "task": "visits.tasks.record_weekly_quota",
    "schedule": crontab(hour=7, minute=0, day_of_week=1),
}

# Mediation aids (aids/): panels other apps add to the case page and hints to the intake form, by URL name,
# so cases imports none of them; the daily dispute-risk scan.
CASE_PAGE_PANELS = ["aids:case_similar"]
CASE_INTAKE_HINTS = ["aids:intake_similar"]
CELERY_BEAT_SCHEDULE["risk-scan"] = {"task": "aids.tasks.scan_risks", "schedule": crontab(hour=6, minute=30)}
# The similar-case postings index carries extra columns (INCLUDE) for PostgreSQL's index-only scans; SQLite, the
# embedded default, builds it without them, which is all this warning says.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
