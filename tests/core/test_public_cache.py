"""The shared cache of anonymous API answers (core/public_cache.py).

What matters: a repeated anonymous read is served without building the answer, and no answer
is ever stale after a write — whatever path the write took — nor shared with anyone it is not
meant for.
"""

import contextlib
import threading
from unittest import mock

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from communities.models import ServiceNeed
from communities.services import need_publish
from core import public_cache
from tests import factories as f
from tests.api.conftest import token_client

NEEDS = "/api/v1/needs/"


def _get(client, path, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **extra)
    assert response.status_code == 200, response.content[:300]
    return response, len(queries.captured_queries)


def _titles(response) -> set[str]:
    return {row["title"] for row in response.json()["results"]}


@pytest.fixture
def need(tree):
    return f.ServiceNeedFactory(community=tree.pozijie_community, title="助餐服务")


def test_a_repeated_anonymous_read_is_served_from_the_cache(need):
    client = token_client()
    first, built = _get(client, NEEDS)
    again, served = _get(client, NEEDS)
    assert built > 0
    assert served == 0
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"] == "application/json"
    # Different query strings are different answers.
    other, queries = _get(client, NEEDS, data={"q": "不存在的标题"})
    assert queries > 0 and other.json()["count"] == 0


def test_a_detail_is_cached_and_an_unknown_id_is_not(need):
    client = token_client()
    _get(client, f"{NEEDS}{need.pk}/")
    _, served = _get(client, f"{NEEDS}{need.pk}/")
    assert served == 0
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{NEEDS}999999/").status_code == 404
        assert len(queries.captured_queries) > 0


def test_a_write_through_a_service_is_seen_at_once(tree, staff_user, need):
    client = token_client()
    assert _titles(_get(client, NEEDS)[0]) == {"助餐服务"}
    draft = f.ServiceNeedFactory(community=tree.pozijie_community, title="调解服务", draft=True)
    need_publish(actor=staff_user, need=draft)
    assert _titles(_get(client, NEEDS)[0]) == {"助餐服务", "调解服务"}
    assert _get(client, f"{NEEDS}{draft.pk}/")[0].json()["status"] == "published"


def test_a_bulk_update_that_sends_no_signal_is_seen_at_once(need):
    client = token_client()
    _get(client, f"{NEEDS}{need.pk}/")
    ServiceNeed.objects.filter(pk=need.pk).update(title="改过的标题")
    response, queries = _get(client, f"{NEEDS}{need.pk}/")
    assert queries > 0
    assert response.json()["title"] == "改过的标题"


def test_raw_sql_writes_are_seen_too(need):
    client = token_client()
    _get(client, NEEDS)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE communities_serviceneed SET title = %s WHERE id = %s",
            ["原始SQL", need.pk],
        )
    assert _titles(_get(client, NEEDS)[0]) == {"原始SQL"}


def test_signed_in_users_neither_read_nor_fill_the_shared_cache(tree, staff_user, need):
    draft = f.ServiceNeedFactory(community=tree.pozijie_community, title="草稿需求", draft=True)
    staff = token_client(staff_user)
    anonymous = token_client()
    # The staff's answer (with their draft) must not be stored for anonymous readers ...
    assert "草稿需求" in _titles(_get(staff, NEEDS)[0])
    assert _titles(_get(anonymous, NEEDS)[0]) == {"助餐服务"}
    assert anonymous.get(f"{NEEDS}{draft.pk}/").status_code == 404
    # ... and the anonymous answer, now cached, must not be served to the staff.
    response, queries = _get(staff, NEEDS)
    assert "草稿需求" in _titles(response) and queries > 0
    assert _get(staff, f"{NEEDS}{draft.pk}/")[0].json()["title"] == "草稿需求"


def test_each_language_has_its_own_answer(need):
    """Answers may carry translated labels, so each language is cached apart."""
    client = token_client()
    _get(client, NEEDS)
    _, queries = _get(client, NEEDS, HTTP_ACCEPT_LANGUAGE="en")
    assert queries > 0  # not served the Chinese entry
    assert _get(client, NEEDS, HTTP_ACCEPT_LANGUAGE="en")[1] == 0
    assert _get(client, NEEDS)[1] == 0


def test_the_browsable_api_is_not_cached(need):
    client = token_client()
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(NEEDS, HTTP_ACCEPT="text/html")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
        assert len(queries.captured_queries) > 0
    assert _get(client, NEEDS)[0]["Content-Type"] == "application/json"


def test_public_lists_of_every_kind_are_cached(tree, need):
    f.ServiceOfferingFactory(org=f.SocialOrgFactory(region=tree.tianxin))
    client = token_client()
    for path in (
        NEEDS,
        "/api/v1/offers/",
        "/api/v1/orgs/",
        "/api/v1/projects/",
        "/api/v1/fairs/",
        "/api/v1/rankings/",
        "/api/v1/demonstration-projects/",
        "/api/v1/communities/",
        "/api/v1/regions/",
    ):
        first, _ = _get(client, path)
        again, served = _get(client, path)
        assert served == 0, path
        assert again.content == first.content, path


def test_writes_to_private_bookkeeping_do_not_move_the_version(staff_user, need):
    project = f.ProjectFactory()
    staff_user.set_password("Sanshe-2026-pass")
    staff_user.save()
    _get(token_client(), NEEDS)  # settles the writes above
    before = public_cache._version()
    signed_in = token_client().post(
        "/api/v1/auth/login/",
        {"username": staff_user.username, "password": "Sanshe-2026-pass"},
        format="json",
    )
    assert signed_in.status_code == 200, signed_in.content  # stamps last_login
    session = SessionStore()
    session["x"] = 1
    session.save()
    f.NotificationFactory(user=staff_user, project=project)
    token_client(staff_user)  # a knox token row
    _get(token_client(), NEEDS)  # settles this thread's writes, if any counted
    assert public_cache._version() == before


@pytest.mark.django_db(transaction=True)
def test_the_version_moves_when_the_writing_transaction_commits(tree, need):
    """Other processes learn of a write at its commit; a rolled-back write costs nothing."""
    before = public_cache._version()
    seen_inside = []

    def write(rollback: bool):
        try:
            with contextlib.suppress(RuntimeError), transaction.atomic():
                ServiceNeed.objects.filter(pk=need.pk).update(title="新标题")
                seen_inside.append(public_cache._version())
                if rollback:
                    raise RuntimeError("roll back")
        finally:
            connection.close()

    thread = threading.Thread(target=write, args=(False,))
    thread.start()
    thread.join()
    assert seen_inside == [before]  # not before the commit ...
    committed = public_cache._version()
    assert committed > before  # ... but at it

    thread = threading.Thread(target=write, args=(True,))
    thread.start()
    thread.join()
    assert public_cache._version() == committed


def test_a_missing_version_starts_again_above_every_old_one(need):
    client = token_client()
    _get(client, NEEDS)
    old = public_cache._version()
    cache.delete(public_cache.VERSION_KEY)  # evicted, or Redis restarted
    response, queries = _get(client, NEEDS)
    assert queries > 0 and _titles(response) == {"助餐服务"}
    assert public_cache._version() > old


def test_without_a_cache_answers_are_built_directly(need):
    client = token_client()
    with mock.patch.object(cache, "get_many", side_effect=ConnectionError("down")):
        for _ in range(2):
            response, queries = _get(client, NEEDS)
            assert queries > 0 and _titles(response) == {"助餐服务"}
    with mock.patch.object(cache, "incr", side_effect=ConnectionError("down")):
        public_cache.bump()  # logged, not raised: a write never fails for the cache


def test_match_answers_are_shared_and_rebuilt_after_a_write(tree, staff_user, need):
    org = f.SocialOrgFactory(region=tree.tianxin)
    offer = f.ServiceOfferingFactory(org=org, service_area=[tree.tianxin])
    staff = token_client(staff_user)
    anonymous = token_client()
    path = f"{NEEDS}{need.pk}/matches/"
    first, built = _get(staff, path)
    assert built > 0 and first.json()["count"] >= 1
    # Another viewer, allowed to see the need, gets the same ranking without scoring again.
    again, served = _get(anonymous, path)
    assert again.json() == first.json()
    assert served < built
    # A viewer who may not see the need still gets a 404, cache or not.
    draft = f.ServiceNeedFactory(community=tree.pozijie_community, draft=True)
    _get(staff, f"{NEEDS}{draft.pk}/matches/")
    assert anonymous.get(f"{NEEDS}{draft.pk}/matches/").status_code == 404
    # The offer closes: the ranking is built again without it.
    type(offer).objects.filter(pk=offer.pk).update(status="closed")
    ids = {row["offer"] for row in _get(anonymous, path)[0].json()["results"]}
    assert offer.pk not in ids
    offers_path = f"/api/v1/offers/{offer.pk}/matches/"
    _, built = _get(anonymous, offers_path)
    _, served = _get(anonymous, offers_path)
    assert served < built
    hidden = f.ServiceOfferingFactory(org=org, status="draft", published_at=None)
    _get(token_client(f.OrgMemberFactory(org=org).user), f"/api/v1/offers/{hidden.pk}/matches/")
    assert anonymous.get(f"/api/v1/offers/{hidden.pk}/matches/").status_code == 404


def test_off_without_a_shared_cache(need, settings):
    """A per-process cache would keep a version per gunicorn worker: then it stays off."""
    settings.PUBLIC_CACHE = False
    client = token_client()
    for _ in range(2):
        assert _get(client, NEEDS)[1] > 0
        assert _get(client, f"{NEEDS}{need.pk}/matches/")[1] > 1
