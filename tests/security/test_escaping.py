"""HTML typed into any text field is shown as text everywhere; a leading `=` never becomes an
Excel formula.

The world of tests/security/world.py is built through the services with every free-text
field (need, offering, organization, social worker, decision, resource, project, bid, review,
visit, progress and final report, acceptance, citation, conversation messages, fair, intention,
and so the notification text derived from a project title) set to

    =1+1<script>alert(1)</script>"><img src=x onerror=alert(1)>#<side>-<field>

(a social worker's name and a user's display name, 40 and 50 characters at most, get the
<script> part only). Then every
page (the enumeration of tests/security/test_headers.py) is fetched as each role of tenant A
and anonymously; the API's JSON, the dashboard workbook (page and API) and each report kind
as HTML (the PDF's source) and XLSX are produced. Nowhere may the markup appear unescaped;
each field must be shown, escaped, on at least one page.
"""

import io
import json
import re

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import User
from matchmaking.reports.collect import collect
from matchmaking.reports.pdf import render_html
from matchmaking.reports.xlsx import render_xlsx

from .test_headers import page_urls
from .test_idor import KIND_ATTRS, REFERENCE, ROUTES, urls, value
from .world import module_world

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
RAW = (SCRIPT, "<img src=x onerror=alert(1)>", "<img src=x")
ESCAPED = re.compile(
    r"&lt;script&gt;alert\(1\)&lt;/script&gt;"
    r"(?:&quot;&gt;&lt;img src=x onerror=alert\(1\)&gt;#([AB]-\w+)|[AB]([wd]))"
)
SHORT_FIELDS = {"worker_name": "w", "display_name": "d"}  # max_length 40 / 50
ROLES = ("anonymous", "staff", "member", "official", "reviewer", "supervisor")
REPORT_KINDS = ("needs_handbook", "supply_handbook", "resources_handbook", "ranking")

# Fields shown to someone on some page (every field the users write).
SHOWN = {
    "need",
    "need_desc",
    "need_draft",
    "offering",
    "offering_desc",
    "offering_draft",
    "org_name",
    "org_desc",
    "worker_name",
    "decision_subject",
    "decision_minutes",
    # resources have no page (API only): not listed
    "project",
    "project_desc",
    "project_draft",
    "project_bid_proposal",
    "project_review_comments",
    "project_award",
    "project_findings",
    "project_progress",
    "project_final_report",
    "done_final_report",
    "acceptance_comments",
    "citation",
    "message_community",
    "message_org",
    "fair_name",
    "fair_venue",
    "intention_title",
    "display_name",
}


def payload(side: str, field: str, private: bool) -> str:
    if field in SHORT_FIELDS:
        return f"{SCRIPT}{side}{SHORT_FIELDS[field]}"
    return f"=1+1{SCRIPT}{IMG}#{side}-{field}"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    for built in module_world(django_db_setup, django_db_blocker, text=payload):
        with django_db_blocker.unblock():
            # A display name as someone might type it in the admin (shown as "by …").
            for user in (built.a.staff, built.a.member, built.a.official):
                User.objects.filter(pk=user.pk).update(display_name=payload("A", "display_name", 0))
        yield built


def shown_fields(text: str) -> set[str]:
    found = set()
    short = {code: field for field, code in SHORT_FIELDS.items()}
    for tag, code in ESCAPED.findall(text):
        found.add(tag.split("-", 1)[1] if tag else short[code])
    return found


def raw_markup(text: str) -> list[str]:
    return [raw for raw in RAW if raw in text]


def client_as(world, role):
    client = Client()
    if role != "anonymous":
        client.force_login(getattr(world.a, role), backend=MODEL_BACKEND)
    return client


def test_every_page_escapes_every_field(world, db):
    problems, shown, pages = [], set(), 0
    for role in ROLES:
        client = client_as(world, role)
        done = world.a.project_done.get_absolute_url()  # completed: acceptance, citation
        for url in [*page_urls(world), done]:
            response = client.get(url)
            assert response.status_code < 500, (role, url, response.status_code)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            pages += 1
            text = response.content.decode()
            problems += [f"{role} {url}: raw {raw!r}" for raw in raw_markup(text)]
            shown |= shown_fields(text)
    assert not problems, "\n".join(problems)
    assert pages > 100
    assert SHOWN - shown == set(), "fields never shown (escaped) on any page"


def strings(body) -> list[str]:
    if isinstance(body, dict):
        return [s for v in body.values() for s in strings(v)]
    if isinstance(body, list):
        return [s for v in body for s in strings(v)]
    return [body] if isinstance(body, str) else []


def test_the_api_returns_the_text_verbatim_as_json(world, db):
    _, token = AuthToken.objects.create(world.a.official)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    seen = set()
    for route in ROUTES:
        if not route.name.startswith("api:") or "get" not in route.methods:
            continue
        kwargs = {
            kwarg: REFERENCE[kind] if kind in REFERENCE else value(world.a, KIND_ATTRS[kind][0])
            for kwarg, kind in route.ids.items()
        }
        for url in urls(route, kwargs):
            response = client.get(url)
            if response.status_code != 200 or url.endswith("/download/"):
                continue
            assert response["Content-Type"].startswith("application/json"), url
            body = json.loads(response.content)  # valid JSON
            prefix = f"=1+1{SCRIPT}{IMG}#A-"
            seen |= {t[len(prefix) :] for t in strings(body) if t.startswith(prefix)}
    need = client.get(f"/api/v1/needs/{world.a.need.pk}/").json()
    assert need["title"] == payload("A", "need", False)  # stored and returned unchanged
    assert {"need", "offering", "org_name", "project", "decision_minutes", "fair_name"} <= seen


def cells(workbook_bytes: bytes):
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    yield sheet.title, cell


def assert_no_formulas(workbook_bytes: bytes, where: str) -> int:
    """No cell is a formula; returns how many cells hold a payload (as plain text)."""
    texts = 0
    for sheet, cell in cells(workbook_bytes):
        assert cell.data_type != "f", f"{where} {sheet}!{cell.coordinate}: formula {cell.value!r}"
        if isinstance(cell.value, str) and "alert(1)" in cell.value:
            texts += 1
    return texts


def test_dashboard_workbooks_hold_text_not_formulas(world, db):
    page = client_as(world, "official").get(reverse("matchmaking:dashboard-export"))
    assert page.status_code == 200, page.status_code
    assert_no_formulas(page.content, "dashboard page export")
    _, token = AuthToken.objects.create(world.a.official)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api.get("/api/v1/dashboard/export/")
    assert response.status_code == 200, response.status_code
    assert_no_formulas(response.content, "dashboard API export")


@pytest.mark.parametrize("kind", REPORT_KINDS)
def test_reports_escape_html_and_write_text_cells(world, kind, db):
    data = collect(kind, world.a.district, 2026)
    html = render_html(data)
    assert raw_markup(html) == []
    content, _rows = render_xlsx(data)
    texts = assert_no_formulas(content, kind)
    if kind != "ranking":  # the handbooks list the needs, offerings and resources by title
        assert shown_fields(html), f"{kind}: no escaped payload in the report HTML"
        assert texts, f"{kind}: no payload in the workbook"
        book = openpyxl.load_workbook(io.BytesIO(content))
        values = [c.value for s in book.worksheets for r in s.iter_rows() for c in r]
        assert any(isinstance(v, str) and v.startswith("=1+1<script>") for v in values)
