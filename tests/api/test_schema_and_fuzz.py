"""The OpenAPI schema validates and is served offline; arbitrary JSON never gets a 5xx.

schemathesis is not installed in this environment; the property tests below post random
documents built with hypothesis from the field names of needs and offers instead.
"""

import io
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories as f

from .conftest import ERROR_KEYS

pytestmark = pytest.mark.django_db


# --- the schema -----------------------------------------------------------------------------


def test_spectacular_validates_without_warnings(tmp_path):
    GENERATOR_STATS.reset()
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "schema.yml"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(target), stdout=out, stderr=err
    )
    assert not GENERATOR_STATS, err.getvalue()
    assert "Warning" not in err.getvalue() and "Error" not in err.getvalue(), err.getvalue()
    text = target.read_text(encoding="utf-8")
    assert text.startswith("openapi: 3")
    for path in ("/api/v1/needs/{id}/publish/", "/api/v1/offers/", "/api/v1/orgs/{id}/workers/"):
        assert f"  {path}:" in text


def test_schema_is_served(api, db):
    response = api().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in (
        "/api/v1/auth/login/",
        "/api/v1/me/",
        "/api/v1/needs/",
        "/api/v1/needs/{id}/",
        "/api/v1/needs/{id}/close/",
        "/api/v1/regions/{code}/",
        "/api/v1/categories/",
        "/api/v1/target-groups/",
        "/api/v1/communities/",
        "/api/v1/orgs/{id}/verify/",
        "/api/v1/offers/{id}/publish/",
        "/api/v1/resources/",
    ):
        assert path in paths, path
    assert set(paths["/api/v1/needs/{id}/"]) >= {"get", "patch", "delete"}
    assert "put" not in paths["/api/v1/needs/{id}/"]
    # Token auth is declared, so Swagger UI can send it.
    schemes = schema["components"]["securitySchemes"]
    assert any(
        s.get("type") == "apiKey" and s.get("name") == "Authorization" for s in schemes.values()
    )
    # The filters of the contract are documented.
    params = {p["name"] for p in paths["/api/v1/needs/"]["get"]["parameters"]}
    assert params >= {
        "category", "target_group", "status", "community", "within", "budget_min",
        "budget_max", "q", "year", "ordering", "page", "page_size",
    }  # fmt: skip


def test_swagger_ui_works_offline(api, db):
    response = api().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    refs = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert refs, html
    assert not re.search(r"https?://", html), "the docs page must not load anything from a host"
    for ref in refs:
        assert ref.startswith("/"), ref
        assert not ref.startswith("//"), ref  # protocol-relative = another host
        if ref.startswith("/static/"):
            # Shipped by drf-spectacular-sidecar: found locally, no CDN.
            assert finders.find(ref.removeprefix("/static/")), ref
    scripts = [ref for ref in refs if ref.endswith(".js") or "script" in ref]
    assert any("swagger-ui-bundle.js" in s for s in scripts)
    # The inline initialiser is served as a same-origin script (CSP: script-src 'self').
    init = [s for s in scripts if s.startswith("/api/docs/")]
    assert init
    script = api().get(init[0].replace("&amp;", "&"))
    assert script.status_code == 200
    assert "javascript" in script["Content-Type"]
    assert not re.search(r"https?://(?!localhost)", script.content.decode())
    assert "'self'" in response["Content-Security-Policy"]


# --- fuzz: arbitrary JSON never gets a 5xx --------------------------------------------------

NEED_FIELDS = [
    "community", "title", "category", "target_groups", "beneficiaries", "description",
    "budget", "period_start", "period_end", "status", "published_at",
]  # fmt: skip
OFFER_FIELDS = [
    "org", "title", "category", "target_groups", "service_area", "capacity", "price_min",
    "price_max", "description", "workers", "status",
]  # fmt: skip

NASTY = [
    "居家养老",
    "elderly_meals",
    "elderly",
    "430103000000",
    "2026-02-30",
    "2026-13-01",
    "\x00",
    "a\x00b",
    "\ud800",  # a lone surrogate, legal as a JSON escape
    "\u202e\u200b",
    "9" * 40,
    "-1",
    "1e999",
    "NaN",
    "Infinity",
    "",
    " ",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "长" * 500,
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.sampled_from([0, -1, 1, 2**31, 2**63, -(2**63) - 1, 10**20]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),  # any code point but surrogates: control characters included
    st.text(alphabet="居家养老助餐社区坡子街\t\n\r\x0b\x1f\x7f", max_size=20),
    st.sampled_from(NASTY),
    st.dates().map(str),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def documents(field_names, valid):
    """Random dicts over the real field names (plus junk), sometimes on top of a valid body."""
    keys = st.sampled_from([*field_names, "id", "junk", ""])
    random_part = st.dictionaries(keys, values, max_size=len(field_names))
    return st.tuples(st.booleans(), random_part).map(
        lambda pair: {**valid, **pair[1]} if pair[0] else pair[1]
    )


def assert_no_server_error(response, body):
    assert response.status_code < 500, (response.status_code, body, response.content[:500])
    if response.status_code >= 400:
        error = response.json()
        assert set(error) == ERROR_KEYS, (body, error)
        assert isinstance(error["message"], str) and error["message"]
        assert isinstance(error["fields"], dict)
        assert all(isinstance(v, list) for v in error["fields"].values()), error


FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def fuzz_setup(tree, api, staff_user, org, org_member):
    worker = f.SocialWorkerFactory(org=org)
    need_body = {
        "community": tree.pozijie_community.id,
        "title": "助餐",
        "category": "elderly_meals",
        "target_groups": ["elderly"],
        "budget": "1000.00",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
    }
    offer_body = {
        "org": org.id,
        "title": "助餐",
        "category": "elderly_meals",
        "service_area": ["430103000000"],
        "price_min": "10.00",
        "price_max": "20.00",
        "workers": [worker.id],
    }
    return {
        "staff": api(staff_user),
        "member": api(org_member),
        "need": f.ServiceNeedFactory(community=tree.pozijie_community, draft=True),
        "offer": f.ServiceOfferingFactory(org=org, draft=True),
        "need_body": need_body,
        "offer_body": offer_body,
    }


def _send(client, method, url, body):
    # Python's json.dumps writes NaN/Infinity for floats; allow_nan stays on to send them too.
    payload = json.dumps(body, ensure_ascii=True)
    return getattr(client, method)(url, payload, content_type="application/json")


@pytest.mark.parametrize(
    ("who", "method", "target", "fields", "valid"),
    [
        ("staff", "post", "/api/v1/needs/", NEED_FIELDS, "need_body"),
        ("staff", "patch", "need", NEED_FIELDS, "need_body"),
        ("member", "post", "/api/v1/offers/", OFFER_FIELDS, "offer_body"),
        ("member", "patch", "offer", OFFER_FIELDS, "offer_body"),
    ],
)
def test_arbitrary_json_never_gets_a_server_error(fuzz_setup, who, method, target, fields, valid):
    client = fuzz_setup[who]
    url = target if target.startswith("/") else f"/api/v1/{target}s/{fuzz_setup[target].id}/"

    @FUZZ
    @given(body=documents(fields, fuzz_setup[valid]))
    def check(body):
        assert_no_server_error(_send(client, method, url, body), body)

    check()


@FUZZ
@given(body=values)
def test_any_json_document_as_a_body(fuzz_setup, body):
    """Not even an object: a list, a string, null."""
    for method, url in (
        ("post", "/api/v1/needs/"),
        ("patch", f"/api/v1/needs/{fuzz_setup['need'].id}/"),
    ):
        assert_no_server_error(_send(fuzz_setup["staff"], method, url, body), body)


READ_ONLY = {"status", "published_at"}  # ignored on input; the random documents still send them
SWEEP_VALUES = [
    *NASTY,
    None,
    True,
    0,
    -1,
    10**30,
    -(10**30),
    1.5,
    [],
    ["\x00"],
    [10**30],
    {},
    {"a": 1},
]


@pytest.mark.parametrize(
    ("who", "method", "target", "fields", "valid"),
    [
        ("staff", "post", "/api/v1/needs/", NEED_FIELDS, "need_body"),
        ("staff", "patch", "need", NEED_FIELDS, "need_body"),
        ("member", "post", "/api/v1/offers/", OFFER_FIELDS, "offer_body"),
        ("member", "patch", "offer", OFFER_FIELDS, "offer_body"),
    ],
)
def test_every_field_with_every_nasty_value(fuzz_setup, who, method, target, fields, valid):
    """A deterministic sweep: a valid body with one field replaced by each nasty value."""
    client = fuzz_setup[who]
    url = target if target.startswith("/") else f"/api/v1/{target}s/{fuzz_setup[target].id}/"
    failures = []
    for field in (name for name in fields if name not in READ_ONLY):
        for value in SWEEP_VALUES:
            body = {**fuzz_setup[valid], field: value}
            try:
                assert_no_server_error(_send(client, method, url, body), body)
            except Exception as exc:  # collect them all, report at once
                failures.append(f"{field}={value!r:.40}: {type(exc).__name__}: {str(exc)[:200]}")
    assert not failures, "\n".join(failures)


def test_malformed_json_is_a_400(fuzz_setup):
    response = fuzz_setup["staff"].post(
        "/api/v1/needs/", "{not json", content_type="application/json"
    )
    assert_no_server_error(response, "{not json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


QUERY_NAMES = [
    "q", "category", "target_group", "status", "community", "within", "budget_min",
    "budget_max", "year", "ordering", "page", "page_size", "org", "price_max",
]  # fmt: skip
# A URL cannot carry a lone surrogate (it is not UTF-8), so none in query strings.
query_values = st.one_of(
    st.text(max_size=20),
    st.sampled_from([v for v in NASTY if v != "\ud800"]),
    st.integers().map(str),
)


@FUZZ
@given(params=st.dictionaries(st.sampled_from(QUERY_NAMES), query_values, max_size=4))
def test_any_query_string_on_the_lists(fuzz_setup, params):
    for url in ("/api/v1/needs/", "/api/v1/offers/"):
        assert_no_server_error(fuzz_setup["staff"].get(url, params), params)


LIST_FILTERS = {
    "/api/v1/needs/": ["q", "category", "target_group", "status", "community", "within",
                       "budget_min", "budget_max", "year", "ordering", "page", "page_size"],
    "/api/v1/offers/": ["q", "category", "target_group", "status", "org", "within", "price_max",
                        "ordering"],
    "/api/v1/orgs/": ["q", "within", "org_type", "grade", "verified", "ordering"],
    "/api/v1/resources/": ["provider_type", "status", "year", "within", "community", "category",
                           "ordering"],
    "/api/v1/regions/": ["level", "parent", "within", "ordering"],
    "/api/v1/communities/": ["within", "q", "ordering"],
}  # fmt: skip


def test_nasty_query_parameters_on_every_list(api, tree):
    """NUL (refused by PostgreSQL), huge numbers and junk in every filter: 200 or 400."""
    client = api()
    for url, names in LIST_FILTERS.items():
        for name in names:
            for value in ("a\x00b", "9" * 40, "-1", "' OR 1=1 --", "居家养老", "1e999"):
                assert_no_server_error(client.get(url, {name: value}), (url, name, value))
