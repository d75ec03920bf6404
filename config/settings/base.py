"""Settings read from the environment.

Defaults give the embedded stack of `make run`: SQLite, eager in-process tasks and a
local-memory cache. `DATABASE_URL`, `CELERY_BROKER_URL` and `REDIS_URL` switch each part to
PostgreSQL, a Redis-backed Celery worker and a Redis cache.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-insecure-key-change-me-for-anything-real")
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_results",
    "django_celery_beat",
    "simple_history",
    "django_htmx",
    "axes",
    "csp",
    # ours, in dependency order
    "core",
    "accounts",
    "communities",
    "orgs",
    "projects",
    "matchmaking",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A lost database connection in a view answers 503 (API error body or a plain page).
    "core.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "config.api.APILanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # AxesMiddleware should be last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "projects.context_processors.roles",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    # Reused connections are checked before a request uses them, so the first request after
    # a database restart does not fail with a stale connection (a needless 503).
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # No JIT compilation for our connections: the dashboard's and the rankings' queries
        # are short aggregations whose estimated cost crosses jit_above_cost as the data grows,
        # and compiling them then costs more than it saves (docs/performance.md: +50 ms on
        # the city dashboard at 100,000 projects, +110 ms once more queries cross it).
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # IMMEDIATE makes writers take the lock up front, so concurrent writes queue
            # instead of failing with "database is locked" halfway through a transaction.
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache ----------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "sanshe",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Anonymous API answers from the shared cache (core/public_cache.py). Its data version lives in
# the cache, so every process must see the same one: on by default only with Redis (a
# local-memory cache is per process, and gunicorn runs several).
PUBLIC_CACHE = env_bool("PUBLIC_CACHE", bool(REDIS_URL))

# --- auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = (
    "axes.handlers.cache.AxesCacheHandler"
    if REDIS_URL
    else "axes.handlers.database.AxesDatabaseHandler"
)

# --- i18n / time ----------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static / media -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- security headers -----------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "DEFAULT_RENDERER_CLASSES": [
        "config.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    # `login` guards token issue (django-axes also locks a username+IP after 5 failures);
    # `write` caps every POST/PATCH/DELETE per user; `batch` is for expensive jobs.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.ScopedRateThrottle",
        "config.throttling.WriteRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"login": "10/min", "write": "300/min", "batch": "10/hour"},
}
# Tokens expire after a week of disuse (each use pushes the expiry on) and can be revoked.
REST_KNOX = {"TOKEN_TTL": timedelta(days=7), "AUTO_REFRESH": True}
SPECTACULAR_SETTINGS = {
    "TITLE": "三社联动 Community Matchmaking API",
    "DESCRIPTION": "REST API v1 of the community supply–demand matchmaking platform.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "NeedStatusEnum": "communities.choices.NeedStatus",
        "PublicationStatusEnum": "orgs.choices.OfferingStatus",
    },
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "sanshe")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TASK_ACKS_LATE = True
# With late acks, a task whose worker process dies (OOM killer, SIGKILL) goes back to the queue
# instead of being acknowledged as failed, which would leave its run `running` for ever. A
# task redelivered again and again is bounded by the tasks themselves (match_run_execute gives
# up after a second lost worker) and by the `fail-stalled-runs` beat job.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis hands an unacknowledged message (its worker vanished) to another worker after the
# visibility timeout. It must exceed the longest task (the hard time limit) or a task still
# running would be delivered twice; we use no ETA/countdown tasks.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 5 * 60}
# A worker started before Redis keeps trying to connect (it reconnects after a restart too).
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "nightly-matching": {
        "task": "matchmaking.nightly_matching",
        "schedule": crontab(hour=2, minute=0),
    },
    "yearly-community-funds": {
        "task": "projects.yearly_community_funds",
        "schedule": crontab(month_of_year=1, day_of_month=1, hour=0, minute=5),
    },
    # Bidding closes at each project's deadline; a run every few minutes is close enough and
    # the task is idempotent (it only touches projects still open past their deadline).
    "close-due-bidding": {
        "task": "projects.close_due_bidding",
        "schedule": crontab(minute="*/5"),
    },
    # A run or report whose worker died and whose task is not coming back (the broker lost it)
    # is marked failed with its reason instead of staying `running` for ever.
    "fail-stalled-runs": {
        "task": "matchmaking.fail_stalled_runs",
        "schedule": crontab(minute="*/10"),
    },
    "progress-report-reminders": {
        "task": "projects.remind_progress_reports",
        "schedule": crontab(hour=8, minute=30),
    },
}

# A run or report still `queued` or `running` this long after it was queued or started is
# failed by the `fail-stalled-runs` beat job: longer than the hard time limit plus the broker's
# redelivery (visibility timeout) of a task whose worker died, with a margin.
STALLED_RUN_AFTER = (
    CELERY_TASK_TIME_LIMIT + CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] + 10 * 60
)

# Relative weights of the matching score's components (matchmaking.engine.Weights).
MATCHING_WEIGHTS = {
    "category": 0.20,
    "geography": 0.20,
    "target_groups": 0.15,
    "budget": 0.15,
    "text": 0.15,
    "strength": 0.15,
}

# --- logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Region the platform serves: the root of the region tree loaded by `seed_demo`.
PLATFORM_CITY_CODE = os.environ.get("PLATFORM_CITY_CODE", "430100000000")
COMMUNITY_FUND_AMOUNT = "200000.00"

# How a reviewer's four scores (0–100 each) weigh in a bid's total; they must sum to 1.
PROJECT_REVIEW_WEIGHTS = {
    "capacity": 0.30,
    "plan": 0.35,
    "budget": 0.20,
    "track_record": 0.15,
}
# A project in progress is expected to report at least this often (days).
PROGRESS_REPORT_INTERVAL_DAYS = 30
# A final report waiting this many days for the acceptance check is overdue (dashboard).
ACCEPTANCE_DUE_DAYS = 14
# How long a computed dashboard may be served from the cache (seconds). Writes through the
# ORM invalidate it at once (matchmaking.dashboard.data_version); this bounds the age of the
# clock-dependent overdue lists and of writes that bypass save() (a queryset .update()).
DASHBOARD_CACHE_SECONDS = 10 * 60
