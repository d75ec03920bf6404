"""The import pages: templates, upload, preview, confirm, result; and who may use them."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from communities.models import ServiceNeed
from matchmaking.imports import KINDS, import_file
from tests import factories as f

from . import files

pytestmark = pytest.mark.django_db

INDEX = "/en/imports/"


def _upload(client, kind, name, data):
    return client.post(INDEX, {"kind": kind, "file": SimpleUploadedFile(name, data)})


@pytest.fixture
def official_client(district_official, login):
    return login(district_official)


def test_the_page_is_for_officials_and_superusers(
    tree, login, staff_user, org_member, district_official, admin_user, client
):
    assert client.get(INDEX).status_code == 302  # to sign in
    for user in (staff_user, org_member):
        assert login(user).get(INDEX).status_code == 403
    for user in (district_official, admin_user):
        page = login(user).get(INDEX)
        assert page.status_code == 200
        assert reverse("matchmaking:import-template", args=["needs", "xlsx"]) in page.text


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_templates_open_and_import_as_they_are(tree, official_client, kind):
    xlsx = official_client.get(f"/en/imports/templates/{kind}.xlsx")
    csv = official_client.get(f"/en/imports/templates/{kind}.csv")

    assert xlsx.status_code == csv.status_code == 200
    assert "attachment" in xlsx["Content-Disposition"]
    book = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    first = next(book.worksheets[0].iter_rows(values_only=True))
    assert list(first) == [column.zh for column in KINDS[kind].sheets[0].columns]
    assert "填写说明" in book.sheetnames
    assert csv.content.startswith(b"\xef\xbb\xbf")
    assert csv.content.decode("utf-8-sig").splitlines()[0].split(",") == list(first)
    # A blank template is a valid file with nothing in it: the columns are all recognised.
    report = import_file(kind=kind, data=xlsx.content, filename="t.xlsx", dry_run=True)
    assert report.ok, report.lines()
    assert all(sheet.ignored == [] for sheet in report.sheets)


def test_unknown_template_is_404(tree, official_client):
    assert official_client.get("/en/imports/templates/planets.xlsx").status_code == 404
    assert official_client.get("/en/imports/templates/needs.pdf").status_code == 404


def test_upload_preview_confirm_result(tree, official_client):
    rows = files.needs(["430103002001", "430103004001"], 30)

    uploaded = _upload(official_client, "needs", "需求.xlsx", files.xlsx(("需求", rows)))

    assert uploaded.status_code == 302
    preview = official_client.get(uploaded["Location"])
    assert preview.status_code == 200
    assert "导入需求0" in preview.text and "导入需求19" in preview.text
    assert "导入需求20" not in preview.text  # only the first rows are shown
    assert ServiceNeed.objects.count() == 0

    confirmed = official_client.post(uploaded["Location"])

    assert confirmed.status_code == 302
    result = official_client.get(confirmed["Location"])
    assert result.status_code == 200
    assert ServiceNeed.objects.count() == 30
    assert result.context["report"].sheets[0].counts.created == 30
    # Confirming twice (a double click) imports once.
    assert official_client.post(uploaded["Location"]).status_code == 302
    assert ServiceNeed.objects.count() == 30


def test_preview_lists_every_problem_and_offers_no_confirmation(tree, official_client):
    rows = files.needs(["430103002001"], 5)
    rows[2][5] = "-1"
    rows[4][2] = "星际旅行"

    uploaded = _upload(official_client, "needs", "needs.csv", files.csv_bytes(rows))
    preview = official_client.get(uploaded["Location"])

    assert [(e.row, e.column) for e in preview.context["errors"]] == [
        (3, "预算（元）"),
        (5, "服务类别"),
    ]
    assert "星际旅行" in preview.text
    assert "Confirm and import" not in preview.text
    problems = official_client.get(uploaded["Location"] + "problems.csv")
    assert problems.status_code == 200
    lines = problems.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 3 and "预算（元）" in lines[1]


def test_confirming_a_file_that_became_invalid_stores_nothing(tree, official_client):
    rows = files.needs(["430103002001"], 2)
    uploaded = _upload(official_client, "needs", "needs.csv", files.csv_bytes(rows))
    ServiceNeed.objects.create(  # meanwhile the need was posted and matched
        community=tree.pozijie_community,
        title="导入需求1",
        category=f.category("elderly_meals"),
        budget=1,
        period_start="2026-03-01",
        period_end="2026-12-31",
        status="matched",
        published_at="2026-01-01T00:00:00Z",
    )

    result = official_client.get(official_client.post(uploaded["Location"])["Location"])

    assert not result.context["report"].stored
    assert ServiceNeed.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("needs.txt", b"a,b\n", "Only .xlsx and .csv"),
        ("needs.xls", b"\xd0\xcf\x11\xe0", "save it as .xlsx"),
        ("needs.xlsx", b"not a zip", "not an Excel workbook"),
        ("needs.csv", b"\x00\x00binary", "not text"),
    ],
)
def test_wrong_type_is_refused(tree, official_client, name, data, message):
    response = _upload(official_client, "needs", name, data)

    assert response.status_code == 400
    assert message in response.text


def test_too_large_is_refused(tree, official_client, settings):
    settings.IMPORT_MAX_BYTES = 1024
    data = files.csv_bytes(files.needs(["430103002001"], 40))
    assert len(data) > 1024

    response = _upload(official_client, "needs", "needs.csv", data)

    assert response.status_code == 400
    assert "the limit is 1.0" in response.text
    assert ServiceNeed.objects.count() == 0


def test_an_upload_is_only_its_owners(tree, official_client, city_official, login):
    uploaded = _upload(
        official_client, "needs", "needs.csv", files.csv_bytes(files.needs(["430103002001"], 1))
    )
    other = login(city_official)

    assert other.get(uploaded["Location"]).status_code == 404
    assert other.post(uploaded["Location"]).status_code == 404
    assert other.get(uploaded["Location"] + "problems.csv").status_code == 404
    assert official_client.get("/en/imports/forged-token/").status_code == 404
    assert ServiceNeed.objects.count() == 0


def test_an_oversized_body_is_refused_before_it_is_read(tree, official_client, settings):
    settings.IMPORT_MAX_BYTES = 1024
    data = b"a,b\n" + b"1,2\n" * 50_000

    response = _upload(official_client, "needs", "needs.csv", data)

    assert response.status_code == 400
    assert "Split it into smaller files" in response.text


def test_an_upload_expires(tree, official_client, settings):
    uploaded = _upload(
        official_client, "needs", "needs.csv", files.csv_bytes(files.needs(["430103002001"], 1))
    )
    settings.IMPORT_TOKEN_MAX_AGE = -1

    assert official_client.get(uploaded["Location"]).status_code == 404
    assert official_client.post(uploaded["Location"]).status_code == 404
    assert ServiceNeed.objects.count() == 0
