"""The reports pages: list and request form, progress page, download; officials only."""

from urllib.parse import unquote

import pytest
from django.urls import reverse

from matchmaking.models import Report
from tests import factories as f

from .conftest import YEAR

pytestmark = pytest.mark.django_db

LIST = reverse("matchmaking:report-list")


def test_official_requests_a_report_and_downloads_it(
    world, district_official, login, django_capture_on_commit_callbacks
):
    client = login(district_official)
    page = client.get(LIST)
    assert page.status_code == 200
    form = page.context["form"]
    assert f.TIANXIN in dict(form.fields["within"].choices)
    assert f.YUELU not in dict(form.fields["within"].choices)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            LIST, {"kind": "supply_handbook", "year": YEAR, "within": f.POZIJIE, "format": "pdf"}
        )
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("matchmaking:report-detail", args=[report.pk])

    detail = client.get(response["Location"])
    assert detail.status_code == 200
    html = detail.content.decode()
    download = reverse("matchmaking:report-download", args=[report.pk])
    assert download in html and "hx-get" not in html  # done: no more polling
    file = client.get(download)
    assert file.status_code == 200 and file["Content-Type"] == "application/pdf"
    assert "坡子街街道" in unquote(file["Content-Disposition"])
    assert str(report.pk) in client.get(LIST).content.decode()


def test_a_queued_report_page_polls(tree, district_official, login):
    report = Report.objects.create(
        kind="ranking", year=YEAR, scope=tree.tianxin, format="xlsx", created_by=district_official
    )
    html = (
        login(district_official)
        .get(reverse("matchmaking:report-detail", args=[report.pk]))
        .content.decode()
    )
    assert 'hx-trigger="every 2s"' in html and "<script" not in html.split("</header>")[-1]
    assert (
        login(district_official)
        .get(reverse("matchmaking:report-download", args=[report.pk]))
        .status_code
        == 404
    )


def test_the_form_refuses_bad_input(tree, district_official, login):
    client = login(district_official)
    response = client.post(
        LIST, {"kind": "nonsense", "year": 1990, "within": f.YUELU, "format": "pdf"}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"kind", "year", "within"}
    assert not Report.objects.exists()


def test_failed_report_shows_its_error(tree, district_official, login):
    report = Report.objects.create(
        kind="needs_handbook",
        year=YEAR,
        scope=tree.tianxin,
        format="pdf",
        status="failed",
        error="未安装中文字体 fonts-noto-cjk",
    )
    html = (
        login(district_official)
        .get(reverse("matchmaking:report-detail", args=[report.pk]))
        .content.decode()
    )
    assert "fonts-noto-cjk" in html and 'role="alert"' in html


def test_other_jurisdictions_are_404_and_other_roles_403(
    tree, district_official, staff_user, org_member, login
):
    report = Report.objects.create(
        kind="needs_handbook", year=YEAR, scope=tree.chengnanlu, format="pdf", status="queued"
    )
    street = f.OfficialFactory(region=tree.pozijie).user
    client = login(street)
    assert client.get(LIST).status_code == 200
    for name in ("matchmaking:report-detail", "matchmaking:report-download"):
        assert client.get(reverse(name, args=[report.pk])).status_code == 404
    for user in (staff_user, org_member):
        client = login(user)
        assert client.get(LIST).status_code == 403
        assert client.get(reverse("matchmaking:report-detail", args=[report.pk])).status_code == 403
    assert (
        login(district_official)
        .get(reverse("matchmaking:report-detail", args=[report.pk]))
        .status_code
        == 200
    )


def test_anonymous_is_sent_to_login(tree, client):
    response = client.get(LIST)
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("rows", [2, 12])
def test_list_page_query_count(tree, district_official, login, rows, django_assert_max_num_queries):
    for _ in range(rows):
        Report.objects.create(kind="ranking", year=YEAR, scope=tree.pozijie, format="pdf")
    client = login(district_official)
    with django_assert_max_num_queries(20):
        assert client.get(LIST).status_code == 200
