"""Fixtures and helpers of the browser-flow tests (Django test client on the HTML pages).

The roles sit around 坡子街社区 and the 天心区 org of `tests/conftest.py`:

    staff_a      staff of 坡子街社区 (天心区)       staff_b       staff of 望月湖社区 (岳麓区)
    member_a     member of the verified 天心区 org  member_b      member of a verified 岳麓区 org
    official_in  official of 天心区                 official_out  official of 岳麓区
    city         official of 长沙市                 anonymous     not signed in

Helpers check what a person sees: the error printed under a field of the rendered form, the
flash messages after a redirect, the titles a list shows.
"""

import html
import re
from datetime import date
from types import SimpleNamespace

import pytest
from django.test import Client

from tests import factories as f

ROLE_NAMES = (
    "anonymous",
    "staff_a",
    "staff_b",
    "member_a",
    "member_b",
    "official_in",
    "official_out",
    "city",
)


def field_block(response, name: str) -> str:
    """The HTML of one field of `includes/form_fields.html`, up to the next field."""
    page = response.content.decode()
    start = page.index('<form method="post" class="stacked"')
    form = page[start : page.index("</form>", start)]
    blocks = form.split('<div class="field')[1:]
    # A checkbox group's <label> has no `for`; its widget is <div id="id_<name>">.
    marks = (f'for="id_{name}"', f'id="id_{name}"')
    found = [block for block in blocks if any(mark in block for mark in marks)]
    assert len(found) == 1, f"no field {name!r} on the page"
    return found[0]


def field_errors(response, name: str) -> list[str]:
    """Errors shown under field `name`, read from the rendered HTML (and the bound form)."""
    assert response.status_code == 200, response.status_code
    shown = [
        html.unescape(text)
        for text in re.findall(
            r'<small class="error"[^>]*>(.*?)</small>', field_block(response, name)
        )
    ]
    assert shown == [str(e) for e in response.context["form"].errors.get(name, [])]
    return shown


def form_errors(response) -> list[str]:
    """Errors of the whole form (the box above the fields)."""
    assert response.status_code == 200, response.status_code
    errors = [str(e) for e in response.context["form"].non_field_errors()]
    page = html.unescape(response.content.decode())
    for error in errors:
        assert error in page
    return errors


def flashes(response) -> list[str]:
    """Messages shown on the page reached (after `follow=True`)."""
    page = html.unescape(response.content.decode())
    shown = [str(m) for m in response.context["messages"]]
    for message in shown:
        assert message in page
    return shown


def titles(response, key: str) -> set[str]:
    """Titles (or names) of the rows listed in `response.context[key]`, each on the page."""
    assert response.status_code == 200, response.status_code
    page = html.unescape(response.content.decode())
    rows = {getattr(row, "title", None) or row.name for row in response.context[key]}
    for row in rows:
        assert row in page
    return rows


def ids(values) -> list[str]:
    return [str(getattr(value, "pk", value)) for value in values]


@pytest.fixture
def other_org(tree):
    """A verified org registered in 岳麓区."""
    return f.SocialOrgFactory(name="长沙市岳麓区同心社会工作服务中心", region=tree.yuelu)


@pytest.fixture
def roles(tree, staff_user, org, org_member, other_org, district_official, city_official):
    return SimpleNamespace(
        anonymous=None,
        staff_a=staff_user,
        staff_b=f.CommunityStaffFactory(
            community=tree.wangyuehu_community, user__display_name="望月湖刘专干"
        ).user,
        member_a=org_member,
        member_b=f.OrgMemberFactory(org=other_org, user__display_name="岳麓周社工").user,
        official_in=district_official,
        official_out=f.OfficialFactory(region=tree.yuelu, user__display_name="岳麓区孙科长").user,
        city=city_official,
    )


@pytest.fixture
def as_role(roles, login):
    """`as_role("staff_a")` → a test client of that role; "anonymous" → a plain client."""

    def _as(name: str) -> Client:
        user = getattr(roles, name)
        return Client() if user is None else login(user)

    return _as


@pytest.fixture
def need_data(db):
    """A valid need form for 坡子街社区."""
    return {
        "title": "坡子街独居老人助餐服务",
        "category": str(f.category("elderly_meals").pk),
        "target_groups": ids([f.target_group("elderly")]),
        "beneficiaries": "80",
        "budget": "60000.00",
        "period_start": date(2026, 3, 1).isoformat(),
        "period_end": date(2026, 12, 31).isoformat(),
        "description": "为辖区独居老人每日配送午餐。",
    }


@pytest.fixture
def offering_data(tree):
    """A valid offering form of the 天心区 org, serving 天心区."""
    return {
        "title": "阳光老年助餐配送",
        "category": str(f.category("elderly_meals").pk),
        "target_groups": ids([f.target_group("elderly")]),
        "service_area": ids([tree.tianxin]),
        "capacity": "3",
        "price_min": "30000",
        "price_max": "80000",
        "description": "中央厨房配餐，志愿者上门送餐。",
    }
