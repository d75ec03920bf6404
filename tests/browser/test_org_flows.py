"""Registering, verifying and maintaining an organization through the pages."""

import pytest
from django.urls import reverse

from orgs import uscc
from orgs.choices import CertificateLevel, OrgType
from orgs.models import OrgMember, SocialOrg, SocialWorker
from tests import factories as f

from .conftest import field_block, field_errors, flashes, titles

pytestmark = pytest.mark.django_db

REGISTER = "orgs:org-register"
CODE = uscc.make("52", "430103", "MJ7788AB")  # a valid code of a 天心区 social service org
PHONE = "13812345678"


def register_data(tree, **changes) -> dict:
    data = {
        "name": "长沙市天心区暖心社会工作服务中心",
        "uscc": CODE,
        "org_type": OrgType.SOCIAL_SERVICE,
        "region": tree.tianxin.pk,
        "grade": "",
        "founded_on": "2020-05-01",
        "address": "天心区书院路 9 号",
        "contact_name": "陈主任",
        "contact_phone": PHONE,
        "description": "专注社区养老服务。",
    }
    return {**data, **changes}


def org_url(org) -> str:
    return reverse("orgs:org-detail", args=[org.pk])


def verify_url(org) -> str:
    return reverse("orgs:org-verify", args=[org.pk])


@pytest.fixture
def registrant(db):
    return f.UserFactory(display_name="注册人陈主任")


@pytest.fixture
def pending(tree, registrant):
    """An unverified 天心区 org registered by `registrant` (its admin member)."""
    org = f.SocialOrgFactory(
        name="长沙市天心区新芽社会工作服务中心",
        region=tree.tianxin,
        unverified=True,
        contact_phone=PHONE,
    )
    f.OrgMemberFactory(org=org, user=registrant)
    return org


# --- registration ---------------------------------------------------------------------------


def test_registration_requires_login(client, tree):
    response = client.get(reverse(REGISTER))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.post(reverse(REGISTER), register_data(tree)).status_code == 302
    assert not SocialOrg.objects.exists()


def test_register(login, registrant, tree, client):
    page = login(registrant)
    assert page.get(reverse(REGISTER)).status_code == 200
    response = page.post(reverse(REGISTER), register_data(tree), follow=True)
    org = SocialOrg.objects.get()
    assert response.redirect_chain == [(org_url(org), 302)]
    assert flashes(response) == [
        "机构已登记。登记地民政部门核验后将对外公开；核验前仅本机构成员可见。"
    ]
    assert org.verified is False and org.verified_at is None
    assert org.uscc == CODE
    assert OrgMember.objects.filter(org=org, user=registrant, is_admin=True).exists()
    # The member sees the new org's page, marked as awaiting verification.
    assert response.context["org"] == org
    assert response.context["can_edit"] is True
    assert response.context["can_verify"] is False
    # ...but nobody else does yet.
    assert client.get(org_url(org)).status_code == 404


@pytest.mark.parametrize(
    "code",
    [
        CODE[:-1] + ("0" if CODE[-1] != "0" else "1"),  # wrong check character
        CODE[:17],  # too short
        "5243010" + "3MJ7788A" + "IO",  # letters outside the alphabet
    ],
    ids=["check-char", "short", "alphabet"],
)
def test_invalid_credit_code_is_shown_at_the_field(login, registrant, tree, code):
    response = login(registrant).post(reverse(REGISTER), register_data(tree, uscc=code))
    [error] = field_errors(response, "uscc")
    assert error.startswith("统一社会信用代码无效")
    assert not SocialOrg.objects.exists()


def test_lowercase_code_is_accepted_and_upper_cased(login, registrant, tree):
    response = login(registrant).post(
        reverse(REGISTER), register_data(tree, uscc=f"  {CODE.lower()} ")
    )
    assert response.status_code == 302, response.context["form"].errors
    assert SocialOrg.objects.get().uscc == CODE


def test_duplicate_code(login, registrant, tree, org):
    response = login(registrant).post(reverse(REGISTER), register_data(tree, uscc=org.uscc))
    [error] = field_errors(response, "uscc")
    assert "已存在" in error
    # Typed in lower case, the same code is still a duplicate.
    response = login(registrant).post(reverse(REGISTER), register_data(tree, uscc=org.uscc.lower()))
    assert len(field_errors(response, "uscc")) == 1
    assert SocialOrg.objects.count() == 1


def test_region_must_be_in_the_platform_city(login, registrant, tree):
    zhuzhou = f.region("430200000000", "株洲市")
    response = login(registrant).post(reverse(REGISTER), register_data(tree, region=zhuzhou.pk))
    assert field_errors(response, "region")
    assert not SocialOrg.objects.exists()


# --- who sees an unverified org, and who verifies it ----------------------------------------


def test_unverified_org_page(client, login, pending, registrant, district_official, tree):
    assert client.get(org_url(pending)).status_code == 404
    outsider = f.OfficialFactory(region=tree.yuelu).user
    assert login(outsider).get(org_url(pending)).status_code == 404

    official = login(district_official).get(org_url(pending))
    assert official.status_code == 200
    assert official.context["can_verify"] is True
    assert verify_url(pending) in official.content.decode()

    member = login(registrant).get(org_url(pending))
    assert member.status_code == 200
    assert member.context["can_verify"] is False
    assert verify_url(pending) not in member.content.decode()


def test_district_official_verifies(login, pending, district_official, client):
    response = login(district_official).post(verify_url(pending), follow=True)
    assert response.redirect_chain == [(org_url(pending), 302)]
    assert flashes(response) == ["机构已核验，现已公开。"]
    pending.refresh_from_db()
    assert pending.verified is True
    assert pending.verified_by == district_official
    assert pending.verified_at is not None
    # Now it is public, and the button is gone.
    assert client.get(org_url(pending)).status_code == 200
    assert verify_url(pending) not in response.content.decode()


def test_verify_refused(login, client, pending, registrant, tree):
    assert login(registrant).post(verify_url(pending)).status_code == 403
    outsider = f.OfficialFactory(region=tree.yuelu).user
    assert login(outsider).post(verify_url(pending)).status_code == 404
    assert client.post(verify_url(pending)).status_code == 404
    assert login(registrant).get(verify_url(pending)).status_code == 405
    pending.refresh_from_db()
    assert pending.verified is False


def test_org_list_and_verified_filter(client, login, pending, org, district_official, tree):
    url = reverse("orgs:org-list")
    assert titles(client.get(url), "orgs") == {org.name}
    assert titles(client.get(url, {"verified": "false"}), "orgs") == set()

    official = login(district_official)
    assert titles(official.get(url, {"verified": "false"}), "orgs") == {pending.name}
    assert titles(official.get(url, {"verified": "true"}), "orgs") == {org.name}
    everything = official.get(url)
    assert titles(everything, "orgs") == {org.name, pending.name}
    assert everything.content.decode().count("待核验") == 1

    outsider = login(f.OfficialFactory(region=tree.yuelu).user)
    assert titles(outsider.get(url, {"verified": "false"}), "orgs") == set()


# --- personal data (PIPL) -------------------------------------------------------------------


@pytest.fixture
def public_org(tree):
    org = f.SocialOrgFactory(name="长沙市天心区和美社会工作服务中心", contact_phone=PHONE)
    f.SocialWorkerFactory(org=org, name="林社工", phone="13700001111", certificate_no="SG-LIN-1")
    return org


def test_contacts_hidden_from_the_public(client, login, public_org, org_member, tree):
    for visitor in (
        client,
        login(org_member),  # a member of another org
        login(f.CommunityStaffFactory(community=tree.pozijie_community).user),
        login(f.OfficialFactory(region=tree.yuelu).user),
    ):
        response = visitor.get(org_url(public_org))
        assert response.status_code == 200
        page = response.content.decode()
        assert PHONE not in page
        assert "13700001111" not in page
        assert "SG-LIN-1" not in page
        assert 'id="workers"' not in page
        assert "workers" not in response.context
    for page in (client.get(reverse("orgs:org-list")), client.get(reverse("orgs:offering-list"))):
        assert PHONE not in page.content.decode()


def test_contacts_shown_to_members_and_officials(
    login, public_org, district_official, city_official
):
    member = f.OrgMemberFactory(org=public_org).user
    for user in (member, district_official, city_official):
        response = login(user).get(org_url(public_org))
        page = response.content.decode()
        assert PHONE in page
        assert "13700001111" in page and "林社工" in page
        assert 'id="workers"' in page
    # Only members get the edit links.
    official_page = login(district_official).get(org_url(public_org)).content.decode()
    assert reverse("orgs:worker-create", args=[public_org.pk]) not in official_page
    member_page = login(member).get(org_url(public_org)).content.decode()
    assert reverse("orgs:worker-create", args=[public_org.pk]) in member_page


# --- social workers -------------------------------------------------------------------------


def worker_data(**changes) -> dict:
    data = {
        "name": "周明",
        "certificate_level": CertificateLevel.INTERMEDIATE,
        "certificate_no": "SG20260001234",
        "phone": "13900002222",
    }
    return {**data, **changes}


def test_add_and_edit_a_worker(login, org, org_member):
    member = login(org_member)
    url = reverse("orgs:worker-create", args=[org.pk])
    page = member.get(url)
    assert page.status_code == 200
    assert [value for value, _ in page.context["form"].fields["certificate_level"].choices] == [
        "",
        *CertificateLevel.values,
    ]
    level_block = field_block(page, "certificate_level")
    for label in ("助理社会工作师", "社会工作师", "高级社会工作师"):
        assert f">{label}</option>" in level_block

    response = member.post(url, worker_data(certificate_no="  SG20260001234 "), follow=True)
    worker = SocialWorker.objects.get()
    assert response.redirect_chain == [(org_url(org) + "#workers", 302)]
    assert flashes(response) == ["已添加 周明。"]
    assert (worker.org, worker.certificate_no) == (org, "SG20260001234")
    assert "周明" in response.content.decode()

    edit = reverse("orgs:worker-edit", args=[org.pk, worker.pk])
    assert member.get(edit).status_code == 200
    response = member.post(
        edit, worker_data(certificate_level=CertificateLevel.SENIOR, name="周明明"), follow=True
    )
    assert flashes(response) == ["修改已保存。"]
    worker.refresh_from_db()
    assert (worker.name, worker.certificate_level) == ("周明明", CertificateLevel.SENIOR)


def test_worker_form_errors(login, org, org_member, other_org):
    f.SocialWorkerFactory(org=other_org, certificate_no="SG-TAKEN")
    member = login(org_member)
    url = reverse("orgs:worker-create", args=[org.pk])
    assert (
        "已存在"
        in field_errors(member.post(url, worker_data(certificate_no="SG-TAKEN")), "certificate_no")[
            0
        ]
    )
    assert field_errors(
        member.post(url, worker_data(certificate_level="master")), "certificate_level"
    )
    assert field_errors(member.post(url, worker_data(name="")), "name") == ["该字段是必填项。"]
    assert not SocialWorker.objects.filter(org=org).exists()


def test_workers_of_another_org_are_out_of_reach(login, org, org_member, other_org):
    theirs = f.SocialWorkerFactory(org=other_org, name="别家社工")
    member = login(org_member)
    # Through my org's URL: not my worker → 404. Through theirs: not my org → 403.
    assert member.get(reverse("orgs:worker-edit", args=[org.pk, theirs.pk])).status_code == 404
    assert (
        member.get(reverse("orgs:worker-edit", args=[other_org.pk, theirs.pk])).status_code == 403
    )
    assert (
        member.post(reverse("orgs:worker-create", args=[other_org.pk]), worker_data()).status_code
        == 403
    )
    theirs.refresh_from_db()
    assert theirs.name == "别家社工"


# --- editing the org ------------------------------------------------------------------------


def edit_data(org, **changes) -> dict:
    data = {
        "name": org.name,
        "uscc": org.uscc,
        "org_type": org.org_type,
        "region": org.region_id,
        "grade": org.grade,
        "founded_on": org.founded_on.isoformat() if org.founded_on else "",
        "address": org.address,
        "contact_name": org.contact_name,
        "contact_phone": org.contact_phone,
        "description": org.description,
    }
    return {**data, **changes}


def test_edit_org(login, org, org_member):
    member = login(org_member)
    url = reverse("orgs:org-edit", args=[org.pk])
    assert member.get(url).status_code == 200
    response = member.post(
        url, edit_data(org, name="阳光社工中心（更名）", grade="5A"), follow=True
    )
    assert response.redirect_chain == [(org_url(org), 302)]
    assert flashes(response) == ["修改已保存。"]
    org.refresh_from_db()
    assert (org.name, org.grade) == ("阳光社工中心（更名）", "5A")


def test_edit_refused_to_non_members(login, org, district_official, other_org, org_member):
    url = reverse("orgs:org-edit", args=[org.pk])
    assert login(district_official).get(url).status_code == 403
    outsider = f.OrgMemberFactory(org=other_org).user
    assert login(outsider).post(url, edit_data(org, name="篡改")).status_code == 403
    org.refresh_from_db()
    assert org.name != "篡改"


def test_verified_org_keeps_its_credit_code(login, org, org_member):
    new_code = uscc.make("52", "430103", "MK0001AB")
    response = login(org_member).post(
        reverse("orgs:org-edit", args=[org.pk]), edit_data(org, uscc=new_code, name="新名字")
    )
    assert field_errors(response, "uscc") == [
        "已核验机构的统一社会信用代码不能修改。 如需更正，请联系民政部门。"
    ]
    org.refresh_from_db()
    assert org.uscc != new_code
    assert org.name != "新名字"


def test_unverified_org_may_fix_its_credit_code(login, pending, registrant):
    new_code = uscc.make("52", "430103", "MK0002AB")
    response = login(registrant).post(
        reverse("orgs:org-edit", args=[pending.pk]), edit_data(pending, uscc=new_code)
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.uscc == new_code
