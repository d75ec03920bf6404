"""The landing page per role, signing in and out, the language switch and security headers."""

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # what UserFactory sets

ROLE_FIXTURES = [
    "staff_user",
    "org_member",
    "district_official",
    "city_official",
    "reviewer",
    "supervisor",
    "admin_user",
]


@pytest.fixture
def published(tree, org):
    return {
        "need": f.ServiceNeedFactory(community=tree.pozijie_community, title="坡子街老年助餐"),
        "draft": f.ServiceNeedFactory(
            community=tree.pozijie_community, title="坡子街草稿需求", draft=True
        ),
        "offer": f.ServiceOfferingFactory(org=org, title="阳光社工助餐配送"),
        "draft_offer": f.ServiceOfferingFactory(org=org, title="阳光草稿服务", draft=True),
    }


def test_home_for_anonymous(client, published):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "坡子街老年助餐" in html
    assert "阳光社工助餐配送" in html
    assert "坡子街草稿需求" not in html
    assert "阳光草稿服务" not in html
    assert f'href="{reverse("communities:need-list")}"' in html
    assert f'href="{reverse("orgs:offering-list")}"' in html
    assert f'href="{reverse("login")}?next=/"' in html
    assert f'href="{reverse("admin:index")}"' not in html
    assert f'action="{reverse("logout")}"' not in html


def test_home_latest_lists_are_capped_at_five(client, tree):
    f.ServiceNeedFactory.create_batch(7, community=tree.pozijie_community)
    response = client.get(reverse("home"))
    assert len(response.context["latest_needs"]) == 5


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_home_for_each_role(request, login, published, role):
    user = request.getfixturevalue(role)
    response = login(user).get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert user.display_name in html
    assert f'action="{reverse("logout")}"' in html
    # Drafts stay off the landing page even for those who may see them elsewhere.
    assert "坡子街草稿需求" not in html
    admin_link = f'href="{reverse("admin:index")}"' in html
    assert admin_link is (role == "admin_user")


def test_staff_sees_a_link_to_their_community_needs(login, staff_user, tree, published):
    staff = login(staff_user)
    html = staff.get(reverse("home")).content.decode()
    community = tree.pozijie_community
    link = reverse("communities:community-detail", args=[community.id])
    assert f'href="{link}"' in html
    assert f'href="{reverse("communities:need-create", args=[community.id])}"' in html
    assert community.name in html
    # The link leads to the community's needs, drafts included.
    listed = staff.get(link).context["needs"]
    assert {need.title for need in listed} == {"坡子街老年助餐", "坡子街草稿需求"}


def test_org_member_sees_a_link_to_their_offerings(login, org_member, org, published):
    member = login(org_member)
    html = member.get(reverse("home")).content.decode()
    link = f"{reverse('orgs:offering-list')}?org={org.id}&amp;status="
    assert f'href="{link}"' in html
    assert org.name in html
    listed = member.get(link.replace("&amp;", "&")).context["offerings"]
    assert {offering.title for offering in listed} == {"阳光社工助餐配送", "阳光草稿服务"}


@pytest.mark.parametrize(
    ("role", "code", "name"),
    [("district_official", "430103000000", "天心区"), ("city_official", "430100000000", "长沙市")],
)
def test_official_sees_a_link_to_their_jurisdiction(request, login, role, code, name):
    html = login(request.getfixturevalue(role)).get(reverse("home")).content.decode()
    assert f'href="{reverse("communities:need-list")}?within={code}"' in html
    assert name in html


def test_expert_roles_are_recognised(login, reviewer, supervisor):
    reviewer_roles = login(reviewer).get(reverse("home")).context["roles"]
    assert reviewer_roles.is_reviewer and not reviewer_roles.is_supervisor
    supervisor_roles = login(supervisor).get(reverse("home")).context["roles"]
    assert supervisor_roles.is_supervisor and not supervisor_roles.is_reviewer


def test_user_with_several_roles_sees_each_place(login, tree, org):
    user = f.CommunityStaffFactory(community=tree.chengnanlu_community).user
    f.OfficialFactory(user=user, region=tree.yuelu)
    f.OrgMemberFactory(user=user, org=org)
    html = login(user).get(reverse("home")).content.decode()
    assert reverse("communities:community-detail", args=[tree.chengnanlu_community.id]) in html
    assert "?within=430104000000" in html
    assert f"?org={org.id}&amp;status=" in html


def test_admin_sees_the_admin_link_and_can_follow_it(admin_client):
    html = admin_client.get(reverse("home")).content.decode()
    assert f'href="{reverse("admin:index")}"' in html
    assert admin_client.get(reverse("admin:index")).status_code == 200


# --- signing in and out ---------------------------------------------------------------------


@pytest.fixture
def account(db):
    return f.UserFactory(username="zhangsan", display_name="张三")


def test_login_page_renders(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert set(response.context["form"].fields) == {"username", "password"}
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_wrong_password_shows_the_form_again(client, account):
    response = client.post(reverse("login"), {"username": "zhangsan", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_right_password_signs_in_and_redirects(client, account):
    response = client.post(reverse("login"), {"username": "zhangsan", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(account.pk)
    assert "张三" in client.get(reverse("home")).content.decode()
    # Signed in, the login page sends you on.
    assert client.get(reverse("login")).status_code == 302


def test_login_follows_a_safe_next_only(client, account):
    credentials = {"username": "zhangsan", "password": PASSWORD}
    response = client.post(reverse("login"), {**credentials, "next": "/needs/"})
    assert response["Location"] == "/needs/"
    client.post(reverse("logout"))
    response = client.post(reverse("login"), {**credentials, "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_repeated_failures_lock_the_account_out(client, account):
    for _ in range(5):
        client.post(reverse("login"), {"username": "zhangsan", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "zhangsan", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_logout_by_post(login, account):
    client = login(account)
    assert client.get(reverse("logout")).status_code == 405  # GET must not sign you out
    assert "_auth_user_id" in client.session
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert "_auth_user_id" not in client.session
    assert "张三" not in client.get(reverse("home")).content.decode()


# --- language and headers -------------------------------------------------------------------


def test_language_switch_to_english_and_back(client, published):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/needs/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/needs/"
    assert response.cookies["django_language"].value == "en"
    english = client.get(response["Location"])
    assert english.status_code == 200
    assert '<html lang="en">' in english.content.decode()
    assert "坡子街老年助餐" in english.content.decode()
    # Back to Chinese from the English page, as the switcher in the page header posts it.
    back = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/en/needs/"})
    assert back["Location"] == "/needs/"
    assert back.cookies["django_language"].value == "zh-hans"
    assert '<html lang="zh-CN">' in client.get(back["Location"]).content.decode()


def test_language_switch_keeps_the_page_and_its_query(client, published):
    pk = published["need"].pk
    to_english = client.post("/i18n/setlang/", {"language": "en", "next": f"/needs/{pk}/?a=1"})
    assert to_english["Location"] == f"/en/needs/{pk}/?a=1"
    to_chinese = client.post(
        "/i18n/setlang/", {"language": "zh-hans", "next": f"/en/needs/{pk}/?a=1"}
    )
    assert to_chinese["Location"] == f"/needs/{pk}/?a=1"
    home = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/en/"})
    assert home["Location"] == "/"
    unsafe = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert unsafe["Location"] == "/en/"


def test_the_switcher_in_the_page_posts_to_set_language(client):
    html = client.get("/en/needs/").content.decode()
    assert f'action="{reverse("set_language")}"' in html
    assert 'name="next" value="/en/needs/"' in html
    assert 'name="language" value="zh-hans"' in html


def test_default_language_is_chinese(client):
    response = client.get(reverse("home"))
    assert '<html lang="zh-CN">' in response.content.decode()
    assert response.headers["Content-Language"] == "zh-hans"
    assert client.get("/en/").headers["Content-Language"] == "en"


@pytest.mark.parametrize(
    "url_name", ["home", "login", "communities:need-list", "orgs:offering-list"]
)
def test_security_headers_on_pages(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
