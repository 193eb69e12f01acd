"""The one settings module. Every value is read from the environment (see README.md).

With nothing set, the site runs on the embedded default: an SQLite file under var/ and Celery
tasks executed eagerly in the web process, so `make run` needs no other service.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# `make` writes .env for development (DJANGO_DEBUG=true), so every command the README shows runs as
# written. Variables already in the environment win; production sets its own and has no .env.
_env_file = Path(env.str("TASKFORCE_ENV_FILE", default=str(BASE_DIR / ".env")))
if _env_file.is_file():
    environ.Env.read_env(_env_file)

VAR_DIR = Path(env.str("TASKFORCE_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DJANGO_DEBUG=false the site will not start without one: "
            "set SECRET_KEY to a long random string (for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`)."
        )
    # Development only: a fixed, obviously unsafe key so sessions survive a restart.
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "taskforce.org",
    "jobs",
    "households",
    "interventions",
    "outcomes",
    "casework",
    "imports",
    "privacy",
    "api",
    "demo",
    "taskforce",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "taskforce.org.middleware.AbsoluteSessionExpiryMiddleware",
    "taskforce.org.middleware.RequireTwoFactorMiddleware",
    "taskforce.org.middleware.AccessAttemptMiddleware",
    "taskforce.org.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a lockout into the sign-in page's locked message.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "taskforce.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "taskforce.wsgi.application"
ASGI_APPLICATION = "taskforce.asgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'taskforce.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if (
    DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    and DATABASES["default"]["NAME"] != ":memory:"
):
    # The embedded default's file lives under var/: made here, so `migrate` works on a fresh clone.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dashboard read while an import writes; a generous timeout rides out the lock.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
        "transaction_mode": "IMMEDIATE",
    }
# The service suite starts a Celery worker on the test database before pytest creates it.
_test_name = env.str("DJANGO_TEST_DATABASE_NAME", default="")
if _test_name:
    DATABASES["default"]["TEST"] = {"NAME": _test_name}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Content Security Policy (django-csp): everything from this site, nothing inline but GOV.UK Frontend's
# one-line snippet that marks the page as JavaScript-enabled, allowed by its hash (docs/web.md).
GOVUK_JS_ENABLED_SNIPPET = (
    "document.body.className += ' js-enabled' + "
    "('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');"
)
GOVUK_JS_ENABLED_SNIPPET_HASH = "'sha256-GUQ5ad8JK5KmEWmROf3LZd9ge94daqNvd8xy9YS1iDw='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", GOVUK_JS_ENABLED_SNIPPET_HASH],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions: 30 minutes idle (refreshed on every request), 12 hours absolute (taskforce.org.middleware).
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Sign-in lockout (django-axes), counted per account so that changing address does not help an attacker.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_VERBOSE = False  # no banner on every manage.py command
# axes.W006 asks for the address too; counting by address would let a spoofed or shared address lock
# others out or escape the count. Guessing one password across many accounts is left to the password rules.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "taskforce.org.auth_views.locked_out"
# The client address is only recorded, never trusted for lockout; X-Forwarded-For is read only when
# AXES_IPWARE_PROXY_COUNT says how many proxies of ours append to it, and then from the right.
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0)
AXES_IPWARE_PROXY_ORDER = "right-most"
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if AXES_IPWARE_PROXY_COUNT else ("REMOTE_ADDR",)
)

# Two-factor sign-in (TOTP, django-otp) for every role that sees records about named people, and for
# administrators. Only tests and a deliberate choice turn it off.
TASKFORCE_REQUIRE_2FA = env.bool("TASKFORCE_REQUIRE_2FA", default=True)
# The data protection officer's probing alert: a user with this many refused reads, or out-of-scope records,
# within the window (minutes) is flagged (privacy.selectors.probing_alerts).
PRIVACY_PROBE_THRESHOLD = env.int("PRIVACY_PROBE_THRESHOLD", default=10)
PRIVACY_PROBE_WINDOW_MINUTES = env.int("PRIVACY_PROBE_WINDOW_MINUTES", default=60)
OTP_TOTP_ISSUER = "Margate Task Force"

# Transport security: on whenever the site is not in debug mode.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

REST_FRAMEWORK = {
    # Token first: an anonymous request is answered 401 with `WWW-Authenticate: Token`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        # First: a list refuses a query parameter it does not take (400 naming it).
        "api.filters.KnownParameters",
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    # Content negotiation by Accept only: a ?format= parameter would change how errors are rendered.
    "URL_FORMAT_OVERRIDE": None,
    # JSON only. DRF's browsable API drew personal data into HTML pages outside the GOV.UK ones (no language,
    # low contrast: it failed axe) with session forms of its own; people read the API through its
    # documentation page (/api/v1/docs/) and scripts through JSON.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Margate Task Force API",
    "DESCRIPTION": "Case work, homes and evidence for Margate Central and Cliftonville West. "
    "Every read of personal data is logged; records outside your scope do not exist for you (404).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Swagger UI from drf-spectacular-sidecar's static files: the docs page loads nothing from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Jobs and analysis runs share one set of states.
    "ENUM_NAME_OVERRIDES": {
        "ProgressStateEnum": "jobs.models.Job.State",
        "ReferralStatusEnum": "interventions.models.Referral.Status",
        # Case plans are open or closed as cases are: one enum.
        "HouseholdStatusEnum": "households.models.Household.Status",
        "TaskStatusEnum": "casework.models.Task.Status",
        "GoalStatusEnum": "casework.models.Goal.Status",
    },
}

# Celery: with no broker configured, tasks run eagerly in the calling process (embedded default).
_broker = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not _broker)
CELERY_BROKER_URL = _broker or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
# Without a broker a job runs in a thread of the web process, so no request waits for it; the tests turn
# this off to run jobs inline and deterministically.
JOBS_RUN_IN_BACKGROUND_WHEN_EAGER = env.bool("JOBS_RUN_IN_BACKGROUND_WHEN_EAGER", default=True)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=55 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=60 * 60)
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis redelivers an unacknowledged task after this long; it must exceed the hard time limit, so a task
# still running is never handed to a second worker. A worker that dies is not waited for this long: the
# job's heartbeat stops and the job is failed within JOBS_LEASE_SECONDS (jobs.services.job_abandon_silent),
# after which its work can be asked for again; the late redelivery then finds the job finished and does
# nothing. A pool process killed under a live worker is requeued at once (reject on worker lost) and taken
# over from the start.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 5 * 60}
# A running job's heartbeat, stamped by a thread beside its handler, and how long a job may go without one
# before it counts as abandoned (its process died).
JOBS_HEARTBEAT_SECONDS = env.int("JOBS_HEARTBEAT_SECONDS", default=15)
JOBS_LEASE_SECONDS = env.int("JOBS_LEASE_SECONDS", default=120)
CELERY_TIMEZONE = TIME_ZONE
# With a broker and this queue named (e.g. analysis-chunks), placebo chunks of an analysis go to the Celery
# workers consuming it and their answers come back through the result backend (the broker's Redis unless
# set); run `celery -A taskforce worker -Q analysis-chunks` on every machine that should share them
# (docs/scaling.md). Unnamed, chunks run over ANALYSIS_WORKERS local processes of the job's worker, so a
# deployment whose workers consume only the default queue never waits for a chunk nobody takes.
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=_broker or "cache+memory://")
ANALYSIS_CHUNK_QUEUE = env.str("ANALYSIS_CHUNK_QUEUE", default="")
# Without a broker: local processes sharing an analysis's placebo chunks (1 = in the job's own process).
ANALYSIS_WORKERS = env.int("ANALYSIS_WORKERS", default=min(2, os.cpu_count() or 1))

# The shared cache (dashboard figures and panels). Redis when CACHE_URL names it (redis://host:6379/1, with
# Django's built-in RedisCache or django-redis when installed), so every worker process and machine shares
# one computation per data version; in the embedded default a file cache under VAR_DIR, shared by the
# processes of this machine. Any django-environ cache URL works (dbcache://table after createcachetable).
CACHES = {"default": env.cache("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache":
    # The same files, written as stored zlib blocks: compressing cost the dashboards' first viewer 43 ms
    # of CPU at zlib's fastest level and 180 ms at the default one, on the figures alone (taskforce/cache.py).
    CACHES["default"]["BACKEND"] = "taskforce.cache.FastFileBasedCache"
    # Django's default of 300 entries is a few dozen dashboard views (each writes 15 to 60 entries, most of a
    # few kilobytes): past it, a random third is culled, the warmed default views among them.
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 5000)
# Recompute the dashboards in a job after each import or demo load (outcomes/dashboards/warm.py).
DASHBOARDS_WARM_AFTER_CHANGES = env.bool("DASHBOARDS_WARM_AFTER_CHANGES", default=True)

# What `celery -A taskforce beat` (or a worker started with -B) sends:
# - every minute, the check that fails abandoned jobs, even when no page is polling them
#   (`manage.py abandon_silent_jobs` does the same from cron);
# - daily, the job that raises tasks from the data's dates and e-mails each person their digest
#   (`manage.py raise_tasks`);
# - just after midnight, the dashboards' warming job: their figures depend on the date, so each day starts
#   a new data version (`manage.py warm_dashboards`).
CELERY_BEAT_SCHEDULE = {
    "abandon-silent-jobs": {"task": "jobs.abandon_silent_jobs", "schedule": 60.0},
    "raise-tasks-daily": {
        "task": "casework.raise_tasks",
        "schedule": crontab(hour=env.int("RAISE_TASKS_HOUR", default=6), minute=0),
    },
    "dashboards-warm-daily": {"task": "outcomes.warm_dashboards", "schedule": crontab(hour=0, minute=5)},
}

# Mail (the task digest): the console by default; set EMAIL_BACKEND and EMAIL_HOST etc. to send it.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Margate Task Force <no-reply@localhost>")

# Uploaded import files, kept so a worker on any machine sharing this directory can read them by batch id.
IMPORTS_DIR = Path(env.str("IMPORTS_DIR", default=str(VAR_DIR / "imports")))
# The largest file an import takes, in bytes: held while the upload streams in (imports.uploads), so a file
# over it is stopped at the chunk that crosses it and leaves no batch and no file behind.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=100_000_000)
# The longest value one cell of an imported file may hold; a longer one is a row error naming row and column.
IMPORT_MAX_FIELD_CHARS = env.int("IMPORT_MAX_FIELD_CHARS", default=10_000)
FILE_UPLOAD_HANDLERS = [
    "imports.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# A file over this size streams to a temporary file rather than memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The non-file part of a request (form fields, JSON bodies) and the number of files one request may carry.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 5

# The demo prints its logins; outside the demo every account is created by an administrator.
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="margate-demo-2010")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set. With DJANGO_DEBUG=false, list the site's host names."
    )
