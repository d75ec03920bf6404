"""Response headers and CSRF: the strict CSP holds on every page, for every role.

The project uses no CSP nonces: it has no inline scripts at all (static JS files only, see
DESIGN.md / templates/base.html). So the check is stricter than "inline scripts carry the
header's nonce": every `<script>` on every page must have a `src` under STATIC_URL, no element
may carry an inline event handler (`onclick=`…) or a `javascript:` URL, and no page may use an
inline `style` attribute or `<style>` element (style-src is 'self' too). If nonces are ever
introduced, `test_inline_scripts_need_the_header_nonce` is where they are checked.

Pages are enumerated like tests/security/test_idor.py does (every page route of the resolver,
its ids filled with tenant A's own objects) and fetched as anonymous, community staff, org
member and district official of tenant A; the API docs page (Swagger UI) is checked too.

Production settings (secure cookies, HSTS ≥ 1 year, SSL redirect) and `check --deploy` are
tested in tests/test_settings.py; the extra production values are pinned here.
"""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests import factories as f
from tests.test_settings import production_env, run_python

from .test_idor import KIND_ATTRS, REFERENCE, ROUTES, SKIPPED_NAMESPACES, _walk, urls, value
from .world import module_world, phones

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
ROLES = ("anonymous", "staff", "member", "official")


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts: list[dict] = []
        self.inline: list[str] = []  # event handlers, style attributes, javascript: URLs

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
        if tag == "style":
            self.inline.append("<style> element")
        for name, val in attrs.items():
            if name.startswith("on"):
                self.inline.append(f"<{tag} {name}=…>")
            if name == "style":
                self.inline.append(f"<{tag} style=…>")
            if name in ("href", "src", "action") and (val or "").strip().lower().startswith(
                "javascript:"
            ):
                self.inline.append(f"<{tag} {name}=javascript:…>")


DATA_TYPES = ("application/json", "application/ld+json")


def same_origin(src: str) -> bool:
    """Our static files; Swagger UI's page also loads its own init script from /api/docs/."""
    return src.startswith(settings.STATIC_URL) or src.startswith("/api/docs/?")


def csp(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def page_urls(world) -> list[str]:
    """Every page: routes without parameters, and id routes with A's own objects."""
    found = []
    for namespace, pattern in _walk(get_resolver().url_patterns):
        top = namespace.split(":")[0]
        if top in SKIPPED_NAMESPACES or top == "api" or pattern.name is None:
            continue
        if isinstance(pattern, URLPattern) and not pattern.pattern.regex.groupindex:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            if name not in ("set_language", "logout", "api:api-root"):
                found.append(reverse(name))
    for route in ROUTES:
        if route.name.startswith("api:") or "get" not in route.methods:
            continue
        kwargs = {}
        for kwarg, kind in route.ids.items():
            if kind in REFERENCE:
                kwargs[kwarg] = REFERENCE[kind]
            else:
                kwargs[kwarg] = value(world.a, KIND_ATTRS[kind][0])
        found.extend(urls(route, kwargs))
    return sorted(set(found))


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from module_world(django_db_setup, django_db_blocker)


def client_as(world, role):
    client = Client()
    if role != "anonymous":
        client.force_login(getattr(world.a, role), backend=MODEL_BACKEND)
    return client


def check_page(response, url, problems):
    policy = csp(response)
    if not policy:
        problems.append(f"{url}: no Content-Security-Policy header")
        return
    scripts = policy.get("script-src") or policy.get("default-src", [])
    if "'unsafe-inline'" in scripts or "'unsafe-eval'" in scripts:
        problems.append(f"{url}: script-src allows {scripts}")
    nonces = {w[len("'nonce-") : -1] for w in scripts if w.startswith("'nonce-")}
    parser = Tags()
    parser.feed(response.content.decode())
    for attrs in parser.scripts:
        if attrs.get("type") in DATA_TYPES:
            continue  # data for a script ({{ x|json_script }}), never executed
        src = attrs.get("src")
        if src is not None and not same_origin(src):
            problems.append(f"{url}: script from {src}")
        if src is None and attrs.get("nonce") not in nonces:
            problems.append(f"{url}: inline script without the header's nonce")
    allowed_styles = "'unsafe-inline'" in policy.get("style-src", [])
    problems.extend(
        f"{url}: {what}"
        for what in parser.inline
        if not (allowed_styles and "style" in what and "script" not in what)
    )
    for header, expected in (
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
    ):
        if response.get(header) != expected:
            problems.append(f"{url}: {header} is {response.get(header)!r}")


@pytest.mark.parametrize("role", ROLES)
def test_every_page_has_the_strict_csp_and_no_inline_script(world, role, db):
    """…and no page shows tenant A's users (or anonymous visitors) a phone of tenant B."""
    client = client_as(world, role)
    problems, checked = [], 0
    for url in page_urls(world):
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        if response.status_code != 200:
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        checked += 1
        check_page(response, url, problems)
        text = response.content.decode()
        problems += [f"{url}: B's phone {p}" for p in phones(world.b) if p in text]
    assert not problems, "\n".join(problems)
    assert checked >= (12 if role == "anonymous" else 25), checked


def test_the_policy_itself():
    policy = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy.get("img-src", [])


def test_api_docs_page_loads_scripts_from_static_only(db):
    response = Client().get(reverse("swagger-ui"))
    assert response.status_code == 200
    problems = []
    check_page(response, "/api/docs/", problems)
    assert not problems, "\n".join(problems)


def test_inline_scripts_need_the_header_nonce():
    """The checker above refuses inline scripts whose nonce is not the header's."""

    class Fake(dict):
        content = b"<script nonce='abc'>x()</script><script>y()</script>"

    fake = Fake({"Content-Security-Policy": "script-src 'self' 'nonce-abc'"})
    fake.update(
        {
            "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
        }
    )
    problems = []
    check_page(fake, "fake", problems)
    assert problems == ["fake: inline script without the header's nonce"]  # only y()


# --- CSRF ------------------------------------------------------------------------------------


@pytest.fixture
def need_form(world, db):
    return {
        "title": "CSRF测试需求",
        "category": str(f.category("elderly_meals").pk),
        "target_groups": [str(f.target_group("elderly").pk)],
        "beneficiaries": "10",
        "budget": "1000.00",
        "period_start": "2026-03-01",
        "period_end": "2026-12-31",
        "description": "x",
    }


def test_page_post_without_the_csrf_token_is_refused(world, need_form):
    from communities.models import ServiceNeed

    staff_user = world.a.staff
    url = reverse("communities:need-create", args=[world.a.community.pk])
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(staff_user, backend=MODEL_BACKEND)
    assert strict.post(url, need_form).status_code == 403
    assert not ServiceNeed.objects.filter(title="CSRF测试需求").exists()
    # With the token of the form page the same post goes through.
    strict.get(url)
    token = strict.cookies[settings.CSRF_COOKIE_NAME].value
    assert strict.post(url, {**need_form, "csrfmiddlewaretoken": token}).status_code == 302
    assert ServiceNeed.objects.filter(title="CSRF测试需求").exists()


def test_login_and_logout_pages_need_the_csrf_token(world, db):
    staff_user = world.a.staff
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        reverse("login"), {"username": staff_user.username, "password": "correct-horse-battery"}
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in strict.session
    strict.force_login(staff_user, backend=MODEL_BACKEND)
    assert strict.post(reverse("logout")).status_code == 403
    assert "_auth_user_id" in strict.session


def api_need(world):
    return {
        "community": world.a.community.pk,
        "title": "接口CSRF测试",
        "category": "elderly_meals",
        "target_groups": ["elderly"],
        "beneficiaries": 10,
        "budget": "1000.00",
        "period_start": "2026-03-01",
        "period_end": "2026-12-31",
    }


def test_api_with_a_session_needs_csrf_but_a_token_does_not(world, db):
    staff_user = world.a.staff
    session = APIClient(enforce_csrf_checks=True)
    session.force_login(staff_user, backend=MODEL_BACKEND)
    response = session.post("/api/v1/needs/", api_need(world), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert "CSRF" in response.json()["message"]

    _, token = AuthToken.objects.create(staff_user)
    bearer = APIClient(enforce_csrf_checks=True)
    bearer.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert bearer.post("/api/v1/needs/", api_need(world), format="json").status_code == 201


def test_api_login_is_not_a_csrf_hole_for_sessions(world, db):
    staff_user = world.a.staff
    """The token login takes no session: it sets no session cookie a page could ride on."""
    client = APIClient(enforce_csrf_checks=True)
    body = {"username": staff_user.username, "password": "correct-horse-battery"}
    response = client.post("/api/v1/auth/login/", body, format="json")
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies


# --- production values beyond tests/test_settings.py ----------------------------------------

PRODUCTION_EXTRA = """
import json
from django.conf import settings
print(json.dumps({
    "hsts_subdomains": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "hsts_preload": settings.SECURE_HSTS_PRELOAD,
    "proxy_header": list(settings.SECURE_PROXY_SSL_HEADER or []),
    "session_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "x_frame": settings.X_FRAME_OPTIONS,
    "nosniff": settings.SECURE_CONTENT_TYPE_NOSNIFF,
    "csp": "csp.middleware.CSPMiddleware" in settings.MIDDLEWARE,
    "axes_last": settings.MIDDLEWARE[-1],
    "debug": settings.DEBUG,
}))
"""


def test_production_hardening_values():
    import json

    result = run_python(PRODUCTION_EXTRA, **production_env())
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "hsts_subdomains": True,
        "hsts_preload": True,
        "proxy_header": ["HTTP_X_FORWARDED_PROTO", "https"],
        "session_httponly": True,
        "x_frame": "DENY",
        "nosniff": True,
        "csp": True,
        "axes_last": "axes.middleware.AxesMiddleware",
        "debug": False,
    }


def test_no_inline_script_in_any_template():
    """Belt and braces: the templates themselves hold no inline script or handler."""
    offenders = []
    for path in (settings.BASE_DIR / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b([^>]*)>", text):
            if "src=" not in match.group(1):
                offenders.append(f"{path.name}: inline <script>")
        if re.search(r"\son[a-z]+\s*=\s*[\"']", text):
            offenders.append(f"{path.name}: inline event handler")
    assert offenders == []
