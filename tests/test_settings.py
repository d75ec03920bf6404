"""Settings are read from the environment; each case runs in a fresh interpreter.

Settings are evaluated once per process, so every variant is loaded by a subprocess with a
controlled environment (variables of the surrounding shell that settings read are removed).
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

# Every variable the settings read; the subprocess starts without any of them.
SETTINGS_ENV = {
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "SQLITE_PATH",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "LOG_LEVEL",
    "PLATFORM_CITY_CODE",
}

PRINT_SETTINGS = """
import json
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"],
    "name": str(db["NAME"]),
    "host": db.get("HOST", ""),
    "port": db.get("PORT", ""),
    "user": db.get("USER", ""),
    "conn_max_age": db.get("CONN_MAX_AGE", 0),
    "options": db.get("OPTIONS", {}),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION", ""),
    "axes_handler": settings.AXES_HANDLER,
    "debug": settings.DEBUG,
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "secure_cookies": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE],
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "hsts_seconds": settings.SECURE_HSTS_SECONDS,
    "staticfiles": settings.STORAGES["staticfiles"]["BACKEND"],
    "language": settings.LANGUAGE_CODE,
    "time_zone": settings.TIME_ZONE,
    "use_tz": settings.USE_TZ,
}))
"""

DEPLOY_CHECK = """
import django
django.setup()
from django.core.management import call_command
call_command("check", deploy=True, fail_level="WARNING")
"""


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    environ = {key: value for key, value in os.environ.items() if key not in SETTINGS_ENV}
    environ.update(env)
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def load_settings(**env: str) -> dict:
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    result = run_python(PRINT_SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def production_env(**overrides: str) -> dict:
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "example.gov.cn",
    }
    env.update(overrides)
    return env


def test_production_passes_check_deploy_without_warnings():
    env = production_env()
    assert len(env["SECRET_KEY"]) >= 50
    result = run_python(DEPLOY_CHECK, **env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_check_deploy_would_catch_a_weakened_setting():
    """The check above is not vacuous: turning HSTS off makes it fail."""
    result = run_python(DEPLOY_CHECK, **production_env(SECURE_HSTS_SECONDS="0"))
    assert result.returncode != 0
    assert "security.W004" in result.stderr


def test_production_settings_values():
    values = load_settings(**production_env(ALLOWED_HOSTS="example.gov.cn, www.example.gov.cn"))
    assert values["debug"] is False
    assert values["allowed_hosts"] == ["example.gov.cn", "www.example.gov.cn"]
    assert values["secure_cookies"] == [True, True]
    assert values["ssl_redirect"] is True
    assert values["hsts_seconds"] >= 31_536_000
    assert values["staticfiles"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without(missing):
    env = production_env()
    del env[missing]
    result = run_python("from django.conf import settings; print(settings.DEBUG)", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"Set the {missing} environment variable" in result.stderr


def test_production_refuses_an_empty_secret_key():
    result = run_python(
        "from django.conf import settings; print(settings.DEBUG)",
        **production_env(SECRET_KEY=""),
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_base_defaults_are_the_embedded_stack():
    values = load_settings()
    assert values["debug"] is True
    assert values["secure_cookies"] == [False, False]
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"].endswith("db.sqlite3")
    assert values["options"] == {"transaction_mode": "IMMEDIATE", "timeout": 20}
    assert values["eager"] is True
    assert values["broker"] == ""
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["axes_handler"] == "axes.handlers.database.AxesDatabaseHandler"
    assert values["language"] == "zh-hans"
    assert values["time_zone"] == "Asia/Shanghai"
    assert values["use_tz"] is True


def test_base_switches_to_postgresql_celery_and_redis_from_the_environment():
    values = load_settings(
        DATABASE_URL="postgres://sanshe:s3cret@db.internal:5433/sanshe",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        REDIS_URL="redis://127.0.0.1:6379/1",
    )
    assert values["engine"] == "django.db.backends.postgresql"
    assert (values["name"], values["host"], values["port"], values["user"]) == (
        "sanshe",
        "db.internal",
        5433,
        "sanshe",
    )
    assert values["conn_max_age"] == 60
    assert values["eager"] is False
    assert values["broker"] == "redis://127.0.0.1:6379/0"
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert values["cache_location"] == "redis://127.0.0.1:6379/1"
    assert values["axes_handler"] == "axes.handlers.cache.AxesCacheHandler"


def test_each_switch_is_independent():
    only_redis = load_settings(REDIS_URL="redis://127.0.0.1:6379/1")
    assert only_redis["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert only_redis["engine"] == "django.db.backends.sqlite3"
    assert only_redis["eager"] is True  # a cache is not a broker


def test_test_settings_keep_tasks_eager_and_hash_fast(settings):
    assert settings.CELERY_TASK_ALWAYS_EAGER is bool(not os.environ.get("CELERY_BROKER_URL"))
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
