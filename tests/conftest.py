"""Shared fixtures: a small region tree of Changsha and one user per role.

Users are logged in with `force_login` (django-axes refuses `client.login`, which
authenticates without a request). `login(user)` gives a fresh client per user, so a test can
compare what two roles see.
"""

from types import SimpleNamespace

import factory.random
import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from projects.choices import ExpertRole

from . import factories as f

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def pytest_configure(config):
    # Faker (zh_CN names, addresses) and factory_boy's fuzzy values: the same data every run.
    factory.random.reseed_random("sanshe")
    # WhiteNoise warns once per client that `collectstatic` has not been run; tests need no
    # collected static files.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


@pytest.fixture(autouse=True)
def _clean_slate():
    """Each test starts in the default language with an empty cache.

    LocaleMiddleware leaves the language of the last request active in the thread (an /en/
    page would make the next test's `reverse()` English), and django-axes counts failed
    logins in the cache under the test settings.
    """
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
    cache.clear()


@pytest.fixture
def tree(db):
    """长沙市 with 天心区 (two streets) and 岳麓区 (one street), one community per street.

    Plus 先锋街道 430103010000 with a community, whose street prefix `430103010` is also the
    start of the code of community 430103001010 — prefix lengths go by level, not by text.
    """
    city, tianxin, pozijie, pozijie_community = f.region_chain("430103002001")
    chengnanlu = f.region(f.CHENGNANLU)
    yuelu = f.region(f.YUELU)
    wangyuehu = f.region(f.WANGYUEHU)
    xianfeng = f.region(f.XIANFENG)
    return SimpleNamespace(
        city=city,
        tianxin=tianxin,
        yuelu=yuelu,
        pozijie=pozijie,
        chengnanlu=chengnanlu,
        wangyuehu=wangyuehu,
        xianfeng=xianfeng,
        pozijie_community=f.CommunityFactory(region=pozijie_community, name="坡子街社区"),
        chengnanlu_community=f.community_at("430103004001", name="城南路社区"),
        wangyuehu_community=f.community_at("430104001001", name="望月湖社区"),
        xianfeng_community=f.community_at("430103010001", name="先锋社区"),
    )


@pytest.fixture
def login():
    """`login(user)` → a new test client signed in as `user`."""

    def _login(user) -> Client:
        client = Client()
        client.force_login(user, backend=MODEL_BACKEND)
        return client

    return _login


@pytest.fixture
def staff_user(tree):
    """Community staff of 坡子街社区 (天心区)."""
    return f.CommunityStaffFactory(
        community=tree.pozijie_community, user__display_name="社区张专干"
    ).user


@pytest.fixture
def org(tree):
    """A verified social-work agency registered in 天心区."""
    return f.SocialOrgFactory(name="长沙市天心区阳光社会工作服务中心", region=tree.tianxin)


@pytest.fixture
def org_member(org):
    return f.OrgMemberFactory(org=org, user__display_name="机构李社工").user


@pytest.fixture
def district_official(tree):
    """Civil-affairs official of 天心区."""
    return f.OfficialFactory(region=tree.tianxin, user__display_name="天心区王科长").user


@pytest.fixture
def city_official(tree):
    """Civil-affairs official of 长沙市."""
    return f.OfficialFactory(region=tree.city, user__display_name="市局赵处长").user


@pytest.fixture
def reviewer(tree):
    return f.ExpertFactory(
        role=ExpertRole.REVIEWER, region=tree.city, user__display_name="评审陈教授"
    ).user


@pytest.fixture
def supervisor(tree):
    return f.ExpertFactory(
        role=ExpertRole.SUPERVISOR, region=tree.city, user__display_name="督导刘老师"
    ).user


@pytest.fixture
def admin_user(db):
    """A superuser (replaces pytest-django's fixture of the same name)."""
    return f.SuperUserFactory(display_name="平台管理员")


@pytest.fixture
def admin_client(admin_user, login):
    return login(admin_user)
