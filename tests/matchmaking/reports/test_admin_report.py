"""The Report admin: listed, searchable, filterable, viewable; not added by hand."""

import pytest
from django.urls import reverse

from matchmaking.models import Report

from .conftest import YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(tree):
    row = Report(kind="needs_handbook", year=YEAR, scope=tree.tianxin, format="pdf")
    row.full_clean()
    row.save()
    return row


def test_changelist_search_filters_and_change_page(admin_client, report):
    url = reverse("admin:matchmaking_report_changelist")
    response = admin_client.get(url)
    assert response.status_code == 200 and response.context["cl"].result_count == 1
    assert admin_client.get(url, {"q": "天心"}).context["cl"].result_count == 1
    assert admin_client.get(url, {"status__exact": "done"}).context["cl"].result_count == 0
    change = admin_client.get(reverse("admin:matchmaking_report_change", args=[report.pk]))
    assert change.status_code == 200 and change.context["original"] == report


def test_reports_are_not_added_in_the_admin(admin_client):
    assert admin_client.get(reverse("admin:matchmaking_report_add")).status_code == 403
