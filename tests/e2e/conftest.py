"""Browser tests: pytest-playwright driving Debian's Chromium against pytest-django's live_server.

The browser is the system one (`apt-get install chromium`, as .ci/run does), not one that
Playwright downloads: the launch options below point at it. The tests skip, saying why, when
the pytest-playwright plugin is disabled (`-p no:playwright`) or /usr/bin/chromium is missing.

Playwright's synchronous API keeps an asyncio loop alive in the test thread for the rest of
the session once the browser is up, which makes Django refuse ORM calls from that thread
(SynchronousOnlyOperation). `_allow_orm_beside_playwright` lifts that check from the first
browser test to the end of the session (nothing here runs async code), and the browser tests
run after every other test, so that no other test runs beside the loop or sees the variable
(a `check --deploy` in a subprocess would refuse it).
"""

import importlib
import os
import pathlib

import pytest
from django.conf import settings
from django.test import Client

CHROMIUM = pathlib.Path("/usr/bin/chromium")
HERE = pathlib.Path(__file__).parent
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _skip_reason(config) -> str | None:
    if not config.pluginmanager.has_plugin("playwright"):
        return "browser tests need the pytest-playwright plugin (disabled by -p no:playwright)"
    if not CHROMIUM.exists():
        return f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Skip the browser tests when they cannot run, and run them last (after pytest-django's
    own ordering): from the first one on, the session has Playwright's loop in its thread and
    DJANGO_ALLOW_ASYNC_UNSAFE set, which no other test should see."""
    browser = [item for item in items if HERE in item.path.parents]
    reason = _skip_reason(config)
    for item in browser:
        if reason is not None:
            item.add_marker(pytest.mark.skip(reason=reason))
    items[:] = [item for item in items if HERE not in item.path.parents] + browser


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        # Root in CI has no user namespace for Chromium's sandbox; no GPU in a container.
        "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright():
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _taxonomy(transactional_db):
    """The service categories and target groups the data migration seeds. live_server tests
    are transactional: a transactional test before this one flushed them with every table."""
    from django.apps import apps

    importlib.import_module("communities.migrations.0002_taxonomy").forwards(apps, None)


@pytest.fixture
def sign_in(live_server):
    """`sign_in(page, user)`: the browser carries the session of a force-logged-in client."""

    def _sign_in(page, user):
        client = Client()
        client.force_login(user, backend=MODEL_BACKEND)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )

    return _sign_in


@pytest.fixture
def console_errors(page):
    """Errors the page logs to the console or throws (a CSP refusal is one), as a list."""
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors
