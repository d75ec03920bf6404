"""IDOR: every URL with an object id, tried by every user of tenant A on tenant B's objects.

The routes are enumerated from the URL resolver (the API router and every page), so a new
endpoint is covered without editing this file; a route whose id parameter maps to no kind of
object in `KWARG_KINDS` / `PK_KINDS` fails `test_every_id_parameter_is_mapped` until the mapping
names it. Each route is tried with every method its view implements (GET, and POST / PATCH /
PUT / DELETE with an empty body), with each of tenant B's objects of that kind, and for routes
with two ids (`projects/<pk>/bids/<bid>/withdraw/`…) also with one of A's own ids mixed in.

The rules (DESIGN.md "Jurisdiction", API.md "Errors"):
- an object A's users may not see (a draft, a bid, a conversation, a run, a report…) is
  indistinguishable from an absent one: 404, or exactly the status the same request gets for
  an id that does not exist (a page refusing the role outright, e.g. 403 for non-officials);
- a published object of B may be read (200), but no write by A's users succeeds (403 / 404 /
  405, never 2xx or a redirect after a write);
- no response carries any of B's private text (every private field of B starts with
  `SECRET-B-`) or any phone number of B's people (PIPL: phones only to those who must make
  contact), and every row of B is unchanged afterwards.
"""

import html
import json
import re
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.generic.edit import ProcessFormView
from knox.models import AuthToken
from rest_framework.test import APIClient

from communities.models import Community, ServiceNeed
from matchmaking.models import Conversation, MatchRun, MatchSuggestion, Message, Report
from orgs.models import OrgMember, ServiceOffering, SocialOrg, SocialWorker
from projects.models import (
    Acceptance,
    Assignment,
    Bid,
    Fair,
    FairRegistration,
    FundingResource,
    Intention,
    LedgerEntry,
    Notification,
    ProgressReport,
    Project,
    ProjectFunding,
    ProjectTransition,
    ResidentDecision,
    Review,
    SupervisionVisit,
)

from .world import module_world, phones

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

# --- what each id parameter names ------------------------------------------------------------

# kwarg → kind, wherever it appears.
KWARG_KINDS = {
    "community_id": "community",
    "org_id": "org",
    "need_id": "need",
    "offering_id": "offering",
    "bid": "bid",
    "bid_id": "bid",
    "intention_id": "intention",
    "token": "import_token",
    "code": None,  # resolved per route by PK_KINDS (regions, categories, target groups)
    "pk": None,
}
# `pk` / `code` by the route's name (the first matching prefix wins; namespace stripped).
PK_KINDS = (
    ("need", "need"),
    ("mark-match", "need"),
    ("offer", "offering"),  # offer-*, offering-*
    ("org-recommendations", "org"),
    ("org", "org"),
    ("worker", "worker"),
    ("resource", "resource"),
    ("decision", "decision"),
    ("project", "project"),
    ("bid", "project"),  # bid-withdraw: projects/<pk>/bids/<bid>/withdraw/
    ("review", "project"),
    ("supervision", "project"),
    ("progress-report", "project"),
    ("notification", "notification"),
    ("match-run", "match_run"),
    ("run", "match_run"),
    ("suggestion", "suggestion"),
    ("conversation", "conversation"),
    ("fair", "fair"),
    ("report", "report"),
    ("community", "community"),
    ("region", "region"),
    ("category", "category"),
    ("target-group", "target_group"),
)
# Parameters that do not name an object: the format suffix, and the import template's file.
NOT_IDS = {"format", "kind", "fmt"}
# Admin needs is_staff (tests/test_admin.py); /media/ is served only under DEBUG.
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_ROUTES = {"serve"}

# Tenant attributes of each kind; the first is the one the two-id routes pair (the bid is the
# delivery project's, the intention the fair's, the worker the org's).
KIND_ATTRS = {
    "need": ["need", "need_draft"],
    "offering": ["offering", "offering_draft"],
    "org": ["org"],
    "worker": ["worker"],
    "resource": ["resource", "resource_draft"],
    "decision": ["decision"],
    "project": ["project", "project_draft"],
    "bid": ["bid"],
    "notification": ["notification"],
    "match_run": ["match_run"],
    "suggestion": ["suggestion"],
    "conversation": ["conversation"],
    "fair": ["fair"],
    "intention": ["intention"],
    "report": ["report"],
    "community": ["community"],
    "region": ["district"],
    "import_token": ["import_token"],
}
# Shared reference data: no tenant owns it; any user may read it.
REFERENCE = {"category": "elderly_meals", "target_group": "elderly"}
# What A's users may not see of B. Everything else of B's is public (published, verified).
PRIVATE = {
    "need_draft",
    "offering_draft",
    "resource_draft",
    "project_draft",
    "bid",
    "notification",
    "match_run",
    "suggestion",
    "conversation",
    "report",
    "import_token",
}
ABSENT = {"import_token": "not-a-token", "region": "439999000000"}
ABSENT_ID = 987_654_321

USERS = ("staff", "member", "official", "reviewer", "supervisor")
EXPERTS = {"reviewer", "supervisor"}  # tried on project routes only (they act on nothing else)
# A write to a published object of B: the API refuses it with 403 (API.md: the caller's role is
# asked before the body is read), 404 or 405; a page re-renders its form (200) or redirects
# with an error message (302). Never 201/204, and nothing changes (the snapshot below).
WRITE_REFUSED = {True: {403, 404, 405}, False: {200, 302, 400, 403, 404, 405}}
# Where the body names whom the caller acts for (the organization that bids, the community or
# organization that registers or signs at a fair), only the body can tell whether they may:
# an empty one is invalid input (400).
ACTOR_IN_BODY = {"api:project-bids", "api:fair-registrations", "api:fair-intentions"}

# Tables of the domain: B's rows must not change (A's users may legitimately touch nothing of
# B's; the whole table is compared, so any write at all shows up).
WATCHED = (
    Community,
    ServiceNeed,
    SocialOrg,
    OrgMember,
    SocialWorker,
    ServiceOffering,
    FundingResource,
    LedgerEntry,
    ResidentDecision,
    Project,
    ProjectFunding,
    ProjectTransition,
    Assignment,
    Bid,
    Review,
    SupervisionVisit,
    ProgressReport,
    Acceptance,
    Notification,
    Fair,
    FairRegistration,
    Intention,
    MatchRun,
    MatchSuggestion,
    Conversation,
    Message,
    Report,
)


# --- enumeration -----------------------------------------------------------------------------


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or ""
            yield from _walk(entry.url_patterns, ":".join(p for p in (namespace, inner) if p))
        elif isinstance(entry, URLPattern):
            yield namespace, entry


def _methods(callback) -> list[str]:
    actions = getattr(callback, "actions", None)  # a DRF viewset route
    if actions:
        return sorted(actions)
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if cls is None:
        return ["get", "post"]
    methods = [m for m in ("get", "post", "patch", "delete") if hasattr(cls, m)]
    if hasattr(cls, "put") and cls.put is not getattr(ProcessFormView, "put", None):
        methods.append("put")  # (a form view's PUT is its POST: not tried twice)
    return [m for m in methods if m in cls.http_method_names]


def _choices(regex: str, name: str) -> list[str] | None:
    """The alternatives of a regex group that is a plain list of words: (?P<action>a|b)."""
    found = re.search(rf"\(\?P<{name}>([\w|-]+)\)", regex)
    return found.group(1).split("|") if found else None


def pk_kind(name: str) -> str | None:
    for prefix, kind in PK_KINDS:
        if name.startswith(prefix):
            return kind
    return None


def routes() -> list[SimpleNamespace]:
    """Every named route with an id parameter: name, kwargs → kind, fixed choices, methods."""
    found: dict[tuple, SimpleNamespace] = {}
    for namespace, pattern in _walk(get_resolver().url_patterns):
        if namespace.split(":")[0] in SKIPPED_NAMESPACES or pattern.name is None:
            continue
        if getattr(pattern.callback, "__name__", "") in SKIPPED_ROUTES:
            continue
        regex = pattern.pattern.regex.pattern
        kwargs = list(pattern.pattern.regex.groupindex)
        if not kwargs or "format" in kwargs:
            continue
        ids, fixed = {}, {}
        for kwarg in kwargs:
            choices = _choices(regex, kwarg)
            if choices and kwarg not in KWARG_KINDS:
                fixed[kwarg] = choices
            elif kwarg not in NOT_IDS:
                kind = KWARG_KINDS.get(kwarg, "?")
                ids[kwarg] = kind if kind else (pk_kind(pattern.name) or "?")
            else:
                fixed[kwarg] = None
        if any(v is None for v in fixed.values()):
            continue  # names a file, not an object (import templates)
        full = f"{namespace}:{pattern.name}" if namespace else pattern.name
        key = (full, tuple(sorted(kwargs)))
        route = found.setdefault(
            key, SimpleNamespace(name=full, ids=ids, fixed=fixed, methods=set())
        )
        route.methods |= set(_methods(pattern.callback))
    return sorted(found.values(), key=lambda r: r.name)


ROUTES = routes()


def test_every_id_parameter_is_mapped():
    unmapped = [
        (r.name, kwarg)
        for r in ROUTES
        for kwarg, kind in r.ids.items()
        if kind not in KIND_ATTRS and kind not in REFERENCE
    ]
    assert unmapped == [], "map these in KWARG_KINDS / PK_KINDS / KIND_ATTRS"
    assert len(ROUTES) > 60  # the enumeration really found the API and the pages
    names = {r.name for r in ROUTES}
    assert {"api:project-withdraw-bid", "projects:bid-withdraw", "matchmaking:import-preview"} <= (
        names
    )


# --- the world and its clients ---------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from module_world(django_db_setup, django_db_blocker)


def value(tenant, attr):
    obj = getattr(tenant, attr)
    if isinstance(obj, str):
        return obj
    if attr == "district":
        return obj.code
    return obj.pk


def absent(kind):
    return ABSENT.get(kind, ABSENT_ID)


def combos(route, world):
    """(kwargs, B's private attrs involved, kwargs with B's ids replaced by absent ones)."""
    a, b = world.a, world.b
    kwargs_list = list(route.ids)
    out = []

    def add(assign):  # assign: kwarg → (tenant, attr) or a reference value
        kwargs, missing, privates = {}, {}, set()
        for kwarg, target in assign.items():
            kind = route.ids[kwarg]
            if kind in REFERENCE:
                kwargs[kwarg] = missing[kwarg] = target
                continue
            tenant, attr = target
            kwargs[kwarg] = value(tenant, attr)
            if tenant is b:
                missing[kwarg] = absent(kind)
                if attr in PRIVATE:
                    privates.add(attr)
            else:
                missing[kwarg] = kwargs[kwarg]
        out.append((kwargs, privates, missing))

    if len(kwargs_list) == 1:
        kwarg = kwargs_list[0]
        kind = route.ids[kwarg]
        if kind in REFERENCE:
            add({kwarg: REFERENCE[kind]})
        else:
            for attr in KIND_ATTRS[kind]:
                add({kwarg: (b, attr)})
    else:
        first = {k: (b, KIND_ATTRS[route.ids[k]][0]) for k in kwargs_list}
        add(first)
        for k in kwargs_list:  # one of A's own ids with B's others
            add({**first, k: (a, KIND_ATTRS[route.ids[k]][0])})
    return out


def urls(route, kwargs):
    if not route.fixed:
        yield reverse(route.name, kwargs=kwargs)
        return
    (name, choices), *_ = route.fixed.items()
    for choice in choices:
        yield reverse(route.name, kwargs={**kwargs, name: choice})


@pytest.fixture(scope="module")
def tokens(world, django_db_blocker):
    with django_db_blocker.unblock():
        return {who: AuthToken.objects.create(getattr(world.a, who))[1] for who in USERS}


def client_for(world, tokens, who, api: bool):
    if api:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {tokens[who]}")
        return client
    client = Client()
    client.force_login(getattr(world.a, who), backend=MODEL_BACKEND)
    return client


def call(client, method, url, api):
    if method == "get":
        return client.get(url)
    if api:
        return getattr(client, method)(url, {}, format="json")
    if method == "post":
        return client.post(url, {})
    return getattr(client, method)(url)


def text_of(response) -> str:
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    if getattr(response, "streaming", False):
        return ""
    return html.unescape(response.content.decode("utf-8", "replace"))


def snapshot():
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in WATCHED}


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_tenant_a_cannot_reach_tenant_b(route, world, tokens, db):
    api = route.name.startswith("api:")
    users = USERS if "project" in route.ids.values() else set(USERS) - EXPERTS
    clients = {who: client_for(world, tokens, who, api) for who in sorted(users)}
    before = snapshot()
    problems = []
    private_phones = phones(world.b)
    for kwargs, privates, missing in combos(route, world):
        for url, absent_url in zip(urls(route, kwargs), urls(route, missing), strict=True):
            for method in sorted(route.methods):
                for who, client in clients.items():
                    response = call(client, method, url, api)
                    status = response.status_code
                    where = f"{who} {method.upper()} {url} → {status}"
                    if status >= 500:
                        problems.append(f"{where}: server error")
                    text = text_of(response)
                    leaked = sorted(set(re.findall(r"SECRET-B-\w+", text)))
                    leaked += [phone for phone in private_phones if phone in text]
                    if leaked:
                        problems.append(f"{where}: shows B's private {leaked}")
                    if privates:
                        if status != 404:
                            baseline = call(client, method, absent_url, api).status_code
                            if status != baseline or status < 400:
                                problems.append(
                                    f"{where}: B's {sorted(privates)} not like absent "
                                    f"({absent_url} → {baseline})"
                                )
                    elif method != "get" and status not in WRITE_REFUSED[api] | (
                        {400} if route.name in ACTOR_IN_BODY else set()
                    ):
                        problems.append(f"{where}: write to B's published object")
    assert not problems, "\n".join(problems)
    assert snapshot() == before, "a request changed tenant B's data"
