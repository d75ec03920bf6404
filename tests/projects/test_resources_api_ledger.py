"""Funding resources as the ledger moves them: the API's totals and ledger endpoint, the yearly
community benefit funds (惠民项目资金), and which money still fits a need."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.errors import InsufficientFunds
from projects import services
from projects.choices import ProviderType, ResourceStatus
from projects.models import FundingResource, LedgerEntry
from projects.selectors import resources_for_need
from projects.tasks import yearly_community_funds
from tests import factories as f
from tests.api.conftest import assert_error

from .conftest import assert_consistent, ledger_state

pytestmark = pytest.mark.django_db

D = Decimal
RESOURCES = "/api/v1/resources/"


def totals(body) -> tuple[str, str, str, str]:
    return body["amount"], body["committed"], body["disbursed"], body["available"]


def test_totals_are_decimal_strings_that_follow_the_ledger(api, resource, district_official):
    url = f"{RESOURCES}{resource.id}/"
    assert totals(api().get(url).json()) == ("100000.00", "0.00", "0.00", "100000.00")

    services.ledger_commit(actor=district_official, resource=resource, amount=D("30000.50"))
    services.ledger_commit(actor=district_official, resource=resource, amount=D("20000.00"))
    services.ledger_disburse(actor=district_official, resource=resource, amount=D("10000.00"))
    services.ledger_release(actor=district_official, resource=resource, amount=D("5000.25"))
    assert_consistent(ledger_state(resource))

    body = api().get(url).json()
    assert totals(body) == ("100000.00", "45000.25", "10000.00", "54999.75")
    row = next(r for r in api().get(RESOURCES).json()["results"] if r["id"] == resource.id)
    assert totals(row) == totals(body)


def test_totals_cannot_be_written_through_the_api(api, tree, district_official):
    data = {
        "name": "2026年天心区助残资金",
        "provider_type": "government",
        "provider_name": "天心区民政局",
        "year": 2026,
        "amount": "50000.00",
        "region": tree.tianxin.code,
        "committed": "50000.00",
        "disbursed": "20000.00",
        "available": "1.00",
    }
    response = api(district_official).post(RESOURCES, data, format="json")
    assert response.status_code == 201, response.content
    assert totals(response.json()) == ("50000.00", "0.00", "0.00", "50000.00")
    created = FundingResource.objects.get(pk=response.json()["id"])
    assert (created.committed, created.disbursed) == (D("0.00"), D("0.00"))


def test_ledger_lists_entries_oldest_first(api, resource, district_official, staff_user):
    services.ledger_commit(
        actor=district_official, resource=resource, amount=D("60000.00"), reference="XM-001"
    )
    services.ledger_disburse(
        actor=staff_user, resource=resource, amount=D("20000.00"), reference="XM-001"
    )
    services.ledger_release(actor=None, resource=resource, amount=D("40000.00"), note="项目取消")
    response = api().get(f"{RESOURCES}{resource.id}/ledger/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 3
    rows = body["results"]
    assert [(r["kind"], r["amount"], r["reference"]) for r in rows] == [
        ("commit", "60000.00", "XM-001"),
        ("disburse", "20000.00", "XM-001"),
        ("release", "40000.00", ""),
    ]
    assert [r["by"] for r in rows] == ["天心区王科长", "社区张专干", None]
    assert rows[2]["note"] == "项目取消"
    stamps = [r["at"] for r in rows]
    assert all(stamp and ("+" in stamp or stamp.endswith("Z")) for stamp in stamps)
    ids = [r["id"] for r in rows]
    assert ids == sorted(ids)


def test_ledger_keeps_only_its_own_resource(api, resource, district_official):
    other = f.FundingResourceFactory(amount=D("1000.00"))
    services.ledger_commit(actor=district_official, resource=other, amount=D("1.00"))
    assert api().get(f"{RESOURCES}{resource.id}/ledger/").json()["count"] == 0


def test_ledger_paginates(api, resource):
    LedgerEntry.objects.bulk_create(
        LedgerEntry(resource=resource, kind="commit", amount=D(i + 1)) for i in range(25)
    )
    page = api().get(f"{RESOURCES}{resource.id}/ledger/", {"page_size": 10}).json()
    assert page["count"] == 25
    assert [r["amount"] for r in page["results"]] == [f"{i}.00" for i in range(1, 11)]
    assert page["next"]


def test_a_draft_resources_ledger_is_hidden_from_outsiders(
    api, tree, district_official, official_out, staff_user
):
    draft = f.FundingResourceFactory(status=ResourceStatus.DRAFT)
    f.LedgerEntryFactory(resource=draft)
    url = f"{RESOURCES}{draft.id}/ledger/"
    assert_error(api().get(url), 404, "not_found")
    assert_error(api(official_out).get(url), 404, "not_found")
    assert_error(api(staff_user).get(url), 404, "not_found")
    # The officials over it see the draft and its ledger.
    assert api(district_official).get(url).json()["count"] == 1


def test_ledger_of_an_unknown_resource_is_404(api, tree):
    assert_error(api().get(f"{RESOURCES}999999/ledger/"), 404, "not_found")


def test_ledger_is_read_only(api, resource, district_official):
    response = api(district_official).post(
        f"{RESOURCES}{resource.id}/ledger/", {"kind": "commit", "amount": "1.00"}, format="json"
    )
    assert_error(response, 405)
    assert not LedgerEntry.objects.exists()


def seed_entries(resource, users, start, n):
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            resource=resource,
            kind="commit",
            amount=D("10.00"),
            reference=f"XM-{i:03d}",
            by=users[i % len(users)],
        )
        for i in range(start, start + n)
    )


def test_ledger_query_count_does_not_grow_with_entries(
    api, resource, district_official, staff_user, org_member, django_assert_max_num_queries
):
    users = [district_official, staff_user, org_member, None]
    client = api()
    url = f"{RESOURCES}{resource.id}/ledger/"
    seed_entries(resource, users, 0, 5)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, {"page_size": 200}).json()["count"] == 5
    seed_entries(resource, users, 5, 45)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(url, {"page_size": 200}).json()
    assert body["count"] == len(body["results"]) == 50
    assert len(few.captured_queries) <= 5, [q["sql"] for q in few.captured_queries]


# --- yearly community funds ----------------------------------------------------------------


@pytest.fixture
def outside_community(tree):
    """A community of 株洲市 (430200): not under 长沙市."""
    return f.community_at("430202001001", name="株洲测试社区")


def funds(year):
    return FundingResource.objects.filter(provider_type=ProviderType.COMMUNITY_FUND, year=year)


def test_every_community_under_the_city_gets_its_fund(tree, outside_community):
    created = services.community_funds_ensure(year=2027, within="430100000000")
    inside = [
        tree.pozijie_community,
        tree.chengnanlu_community,
        tree.wangyuehu_community,
        tree.xianfeng_community,
    ]
    assert created == len(inside) == 4
    rows = list(funds(2027))
    assert {fund.community_id for fund in rows} == {c.id for c in inside}
    for fund in rows:
        assert fund.amount == D("200000.00")
        assert fund.region_id == fund.community.region_id
        assert fund.status == ResourceStatus.PUBLISHED
        assert fund.published_at is not None
        assert (fund.committed, fund.disbursed, fund.available) == (
            D("0.00"),
            D("0.00"),
            D("200000.00"),
        )
        assert fund.community.name in fund.name
    assert not funds(2027).filter(community=outside_community).exists()


def test_running_it_again_creates_nothing(tree, outside_community):
    assert services.community_funds_ensure(year=2027, within="430100000000") == 4
    assert services.community_funds_ensure(year=2027, within="430100000000") == 0
    assert funds(2027).count() == 4


def test_existing_funds_are_kept_and_other_years_do_not_count(tree):
    kept = f.FundingResourceFactory(
        community_fund=True, community=tree.pozijie_community, year=2027, amount=D("150000.00")
    )
    f.FundingResourceFactory(community_fund=True, community=tree.chengnanlu_community, year=2026)
    assert services.community_funds_ensure(year=2027, within="430100000000") == 3
    assert funds(2027).count() == 4
    kept.refresh_from_db()
    assert kept.amount == D("150000.00")


def test_a_district_scope_covers_only_that_district(tree):
    assert services.community_funds_ensure(year=2027, within=tree.yuelu.code) == 1
    assert list(funds(2027).values_list("community", flat=True)) == [tree.wangyuehu_community.id]
    # The rest of the city later: only the ones still missing.
    assert services.community_funds_ensure(year=2027, within="430100000000") == 3


def test_the_yearly_task_returns_the_count(tree, outside_community, settings):
    settings.PLATFORM_CITY_CODE = "430100000000"
    assert yearly_community_funds.apply(args=(2027,)).get() == 4
    assert yearly_community_funds(2027) == 0
    assert funds(2027).count() == 4


def test_a_new_fund_can_be_committed_at_once(tree, staff_user):
    services.community_funds_ensure(year=2027, within=tree.pozijie.code)
    fund = funds(2027).get()
    services.ledger_commit(actor=staff_user, resource=fund, amount=D("200000.00"))
    with pytest.raises(InsufficientFunds):
        services.ledger_commit(actor=staff_user, resource=fund, amount=D("0.01"))
    assert_consistent(ledger_state(fund))


# --- money that still fits a need ----------------------------------------------------------


def test_resources_for_need_drops_money_that_no_longer_covers_the_budget(
    tree, resource, district_official
):
    need = f.ServiceNeedFactory(
        community=tree.pozijie_community, budget=D("50000.00"), period_start=date(2026, 3, 1)
    )
    assert list(resources_for_need(need)) == [resource]

    services.ledger_commit(actor=district_official, resource=resource, amount=D("50000.00"))
    # Available 50,000.00 is exactly the budget: still enough.
    assert list(resources_for_need(need)) == [resource]

    services.ledger_commit(actor=district_official, resource=resource, amount=D("0.01"))
    assert list(resources_for_need(need)) == []

    # A release makes it fit again; a disbursement does not change what is available.
    services.ledger_release(actor=district_official, resource=resource, amount=D("0.01"))
    services.ledger_disburse(actor=district_official, resource=resource, amount=D("50000.00"))
    assert list(resources_for_need(need)) == [resource]


def test_resources_for_need_keeps_the_ones_with_enough_left(tree, resource, district_official):
    need = f.ServiceNeedFactory(community=tree.pozijie_community, budget=D("50000.00"))
    big = f.FundingResourceFactory(amount=D("300000.00"), name="大额资金")
    services.ledger_commit(actor=district_official, resource=resource, amount=D("60000.00"))
    services.ledger_commit(actor=district_official, resource=big, amount=D("200000.00"))
    assert list(resources_for_need(need)) == [big]
