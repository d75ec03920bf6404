"""`/api/v1/reports/`: request (202), poll, download; who may; what is refused and why."""

from urllib.parse import unquote

import pytest

from matchmaking.choices import RunStatus
from matchmaking.models import Report
from matchmaking.reports import services
from tests import factories as f
from tests.api.conftest import assert_error, token_client

from .conftest import YEAR

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/"


def _post(client, django_capture_on_commit_callbacks, **body):
    data = {"kind": "needs_handbook", "year": YEAR, "within": f.TIANXIN, "format": "xlsx"}
    data.update(body)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(URL, data, format="json")


@pytest.fixture
def street_official(tree):
    """Official of 坡子街街道 only."""
    return f.OfficialFactory(region=tree.pozijie, user__display_name="坡子街李干事").user


def test_request_poll_and_download(world, district_official, django_capture_on_commit_callbacks):
    client = token_client(district_official)
    response = _post(client, django_capture_on_commit_callbacks, format="pdf")
    assert response.status_code == 202, response.content
    body = response.json()
    assert {"id", "status"} <= set(body)
    assert body["kind"] == "needs_handbook" and body["within"] == f.TIANXIN

    polled = client.get(f"{URL}{body['id']}/").json()
    assert polled["status"] == "done", polled["error"]
    assert polled["progress"] == 100 and polled["error"] == ""
    assert polled["download"] == f"http://testserver{URL}{body['id']}/download/"
    assert polled["summary"]["total"] == 6

    download = client.get(polled["download"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    # The Chinese name travels RFC 5987-encoded (filename*=utf-8''…).
    assert "天心区-2026-" in unquote(disposition) and unquote(disposition).endswith(".pdf")
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_xlsx_download_has_the_spreadsheet_type(
    world, district_official, django_capture_on_commit_callbacks
):
    client = token_client(district_official)
    report_id = _post(client, django_capture_on_commit_callbacks).json()["id"]
    download = client.get(f"{URL}{report_id}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == services.CONTENT_TYPES["xlsx"]
    assert unquote(download["Content-Disposition"]).endswith(".xlsx")


def test_queued_report_has_no_download_yet(tree, district_official):
    report = services.report_request(
        actor=district_official,
        kind="ranking",
        year=YEAR,
        within=f.TIANXIN,
        fmt="pdf",
        enqueue=False,
    )
    client = token_client(district_official)
    body = client.get(f"{URL}{report.pk}/").json()
    assert body["status"] == "queued" and body["download"] is None and body["progress"] == 0
    assert_error(client.get(f"{URL}{report.pk}/download/"), 409, "report_not_ready")


def test_neighbouring_street_is_404_and_own_street_is_visible(
    tree, district_official, street_official, build
):
    mine = build(street_official, "needs_handbook", "xlsx", within=f.POZIJIE)
    neighbour = build(district_official, "needs_handbook", "xlsx", within=f.CHENGNANLU)
    district = build(district_official, "needs_handbook", "xlsx", within=f.TIANXIN)
    client = token_client(street_official)
    ids = {row["id"] for row in client.get(URL).json()["results"]}
    assert ids == {mine.pk}
    for report in (neighbour, district):
        assert_error(client.get(f"{URL}{report.pk}/"), 404)
        assert_error(client.get(f"{URL}{report.pk}/download/"), 404)
    # The district official sees their street's reports, whoever asked for them.
    district_ids = {r["id"] for r in token_client(district_official).get(URL).json()["results"]}
    assert district_ids == {mine.pk, neighbour.pk, district.pk}


def test_requesting_outside_the_jurisdiction_is_refused(
    tree, street_official, django_capture_on_commit_callbacks
):
    response = _post(token_client(street_official), django_capture_on_commit_callbacks)
    assert_error(response, 403, "permission_denied")
    assert not Report.objects.exists()


@pytest.mark.parametrize("role", ["staff_user", "org_member", "reviewer"])
def test_other_roles_get_403_everywhere(
    request, tree, district_official, build, role, django_capture_on_commit_callbacks
):
    report = build(district_official, "needs_handbook", "xlsx")
    client = token_client(request.getfixturevalue(role))
    assert_error(client.get(URL), 403)
    assert_error(client.get(f"{URL}{report.pk}/"), 403)
    assert_error(client.get(f"{URL}{report.pk}/download/"), 403)
    assert_error(_post(client, django_capture_on_commit_callbacks), 403)
    assert Report.objects.count() == 1


def test_anonymous_is_401(tree):
    assert_error(token_client().get(URL), 401)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kind", "budget_book"),
        ("kind", None),
        ("format", "docx"),
        ("year", "next"),
        ("year", 1999),
        ("year", 2999),
        ("year", True),
        ("within", "4301"),
        ("within", "430199000000"),  # well-formed, but no such region
        ("within", "430103002001"),  # a community: reports cover a city, district or street
        ("within", 430103000000),
        ("within", "\x00"),
    ],
)
def test_bad_input_is_400_naming_the_field(
    tree, district_official, field, value, django_capture_on_commit_callbacks
):
    response = _post(
        token_client(district_official), django_capture_on_commit_callbacks, **{field: value}
    )
    assert_error(response, 400, field=field)
    assert not Report.objects.exists()


def test_missing_fields_are_named(tree, district_official):
    response = token_client(district_official).post(URL, {}, format="json")
    body = assert_error(response, 400)
    assert set(body["fields"]) == {"kind", "year", "within", "format"}


def test_list_filters(tree, district_official, build):
    build(district_official, "needs_handbook", "xlsx")
    build(district_official, "ranking", "xlsx", year=YEAR - 1)
    client = token_client(district_official)
    assert client.get(f"{URL}?kind=ranking").json()["count"] == 1
    assert client.get(f"{URL}?year={YEAR}").json()["count"] == 1
    assert client.get(f"{URL}?status=done").json()["count"] == 2
    assert client.get(f"{URL}?status=failed").json()["count"] == 0
    assert client.get(f"{URL}?within={f.POZIJIE}").json()["count"] == 0
    assert_error(client.get(f"{URL}?kind=nonsense"), 400)


@pytest.mark.parametrize("rows", [2, 12])
def test_list_query_count_does_not_grow(
    tree, district_official, rows, django_assert_max_num_queries
):
    for number in range(rows):
        f_report = Report.objects.create(
            kind="needs_handbook",
            year=YEAR,
            scope=tree.tianxin if number % 2 else tree.pozijie,
            format="pdf",
            created_by=district_official,
        )
        assert f_report.status == RunStatus.QUEUED
    client = token_client(district_official)
    with django_assert_max_num_queries(6):
        body = client.get(f"{URL}?page_size=100").json()
    assert body["count"] == rows
