# ruff: noqa: S311 - random picks simulate users; nothing here is a secret
"""Load test of the REST API (issue 8): realistic mixes for the four kinds of users, plus the
single-endpoint users of the ceiling comparison. load/run.sh drives it; docs/performance.md
("Load test (issue 8)") has the numbers and how to read them.

User classes (pick them on the command line; run.sh always does):

    PublicReader     anonymous visitors reading what is published (the bulk of the traffic)
    CommunityStaff   社区工作者: their community's needs and projects, notifications, matches
    OrgMember        社会组织: offers, open projects, their own bids, matches for their offers
    Official         民政干部: the dashboard, rankings, projects and resources of their region
    PingUser         GET ping/ without pause: the framework's ceiling on this stack
    BenchUser        one public endpoint (LOAD_BENCH=<key>, see BENCH) without pause

Requests are named by route template (`/api/v1/needs/{id}/`) so the statistics group per
endpoint. The ids of detail requests come from lists read once per locust process (the
catalog); those and the other requests of on_start (sign-in, the user's own lists) are named
`[setup] …`, and load/report.py counts them apart from the endpoint tables.

Signed-in users share the demo logins (password changsha2026, `seed_demo`): the seeded
project actors have no usable password. The login throttle (10/min per address) would refuse
50 users signing in at once, so a process signs in once per username and its users share the
knox token (the token cache below); a 429 on login waits and retries rather than hammering.
Override the logins with LOAD_STAFF / LOAD_ORG / LOAD_OFFICIALS (comma-separated) and
LOAD_PASSWORD.
"""

import os
import random
import time

import gevent
from gevent.lock import Semaphore
from locust import FastHttpUser, between, constant, events, task
from locust.contrib.fasthttp import FastHttpSession
from locust.exception import StopUser

API = "/api/v1"
PASSWORD = os.environ.get("LOAD_PASSWORD", "changsha2026")
STAFF_LOGINS = os.environ.get("LOAD_STAFF", "staff_mulian").split(",")
ORG_LOGINS = os.environ.get("LOAD_ORG", "org_xingchen").split(",")
OFFICIAL_LOGINS = os.environ.get("LOAD_OFFICIALS", "official_tianxin,official_city").split(",")
# Search terms people type (Chinese, as in the seed's titles).
TERMS = ["老年", "儿童", "助餐", "心理", "残疾", "青少年", "社区", "文化", "就业", "健康"]
RANKING_LEVELS = ["community", "street", "district", "org"]


def _body_results(body) -> list:
    """The rows of a list response, paginated or not."""
    return body["results"] if isinstance(body, dict) and "results" in body else body


def _results(response) -> list:
    return _body_results(response.json())


# --- the catalog: ids and filter values, read once per process ------------------------------


class Catalog:
    """Ids for detail requests and values for filters, read anonymously once per process."""

    _lock = Semaphore()
    loaded = False
    need_ids: list[int] = []
    project_ids: list[int] = []
    open_project_ids: list[int] = []
    offer_ids: list[int] = []
    fair_ids: list[int] = []
    categories: list[str] = []  # top-level codes (a parent matches its children)
    districts: list[str] = []
    need_pages = 1
    offer_pages = 1

    @classmethod
    def ensure(cls, client) -> None:
        with cls._lock:
            if cls.loaded:
                return
            cls._load(client)
            cls.loaded = True

    @classmethod
    def _load(cls, client) -> None:
        def get(path, name):
            with client.get(f"{API}{path}", name=f"[setup] {name}", catch_response=True) as r:
                if r.status_code != 200:
                    r.failure(f"catalog: {r.status_code}")
                    raise StopUser()
                return r.json()

        needs = get("/needs/?page_size=200", "needs")
        cls.need_pages = max(1, -(-needs["count"] // 20))
        more = get(f"/needs/?page_size=200&page={max(1, needs['count'] // 400)}", "needs")
        cls.need_ids = sorted({n["id"] for n in needs["results"] + more["results"]})
        projects = get("/projects/?page_size=200", "projects")
        cls.project_ids = [p["id"] for p in projects["results"]]
        cls.open_project_ids = [
            p["id"] for p in projects["results"] if p["status"] == "published"
        ] or cls.project_ids
        offers = get("/offers/?page_size=200", "offers")
        cls.offer_pages = max(1, -(-offers["count"] // 20))
        cls.offer_ids = [o["id"] for o in offers["results"]]
        cls.fair_ids = [f["id"] for f in _body_results(get("/fairs/", "fairs"))]
        cls.categories = [
            c["code"] for c in _body_results(get("/categories/", "categories")) if not c["parent"]
        ]
        cls.districts = [
            r["code"]
            for r in _body_results(get("/regions/?level=district&page_size=200", "regions"))
        ]


# --- sign-in: one knox token per username and process ----------------------------------------


class Tokens:
    """Token and roles per username, shared by the users of a process (never hammer login)."""

    _locks: dict[str, Semaphore] = {}
    _cache: dict[str, tuple[str, dict]] = {}

    @classmethod
    def get(cls, client, username: str) -> tuple[str, dict]:
        lock = cls._locks.setdefault(username, Semaphore())
        with lock:
            if username not in cls._cache:
                cls._cache[username] = cls._login(client, username)
            return cls._cache[username]

    @staticmethod
    def _login(client, username: str) -> tuple[str, dict]:
        for _attempt in range(5):
            with client.post(
                f"{API}/auth/login/",
                json={"username": username, "password": PASSWORD},
                name=f"[setup] {API}/auth/login/",
                catch_response=True,
            ) as r:
                if r.status_code == 429:  # the login scope: wait as told, then try again
                    r.success()
                    time.sleep(float(r.headers.get("Retry-After") or 10))
                    continue
                if r.status_code != 200:
                    r.failure(f"login {username}: {r.status_code} {r.text[:200]}")
                    raise StopUser()
                token = r.json()["token"]
            headers = {"Authorization": f"Token {token}"}
            with client.get(f"{API}/me/", headers=headers, name=f"[setup] {API}/me/") as me:
                return token, me.json()
        raise StopUser()


WARM_UP_SECONDS = float(os.environ.get("LOAD_WARM_UP", "0"))


@events.test_start.add_listener
def _forget_the_arrival(environment, **kwargs):
    """Reset the statistics LOAD_WARM_UP seconds after the start (run.sh: the mix only).

    All users arrive within two seconds and each clicks at once, so the first seconds hold a
    burst that steady use never sees (the requests queue behind each other at the workers);
    `--reset-stats` resets when the last user has arrived, while that burst is still queued.
    """
    if WARM_UP_SECONDS > 0 and environment.runner is not None:
        gevent.spawn_later(WARM_UP_SECONDS, environment.runner.stats.reset_all)


@events.test_start.add_listener
def _warm_up(environment, **kwargs):
    """Read the catalog and sign every login in before the users start.

    Signing in hashes the password (PBKDF2, about a second of CPU here): done by the first
    users while the others already read, it held the workers for the first ten seconds of the
    measured mix. A real deployment signs a user in once per week (the token's life), so the
    mix measures reading with a token, and the sign-ins stay in the `[setup]` lines.
    """
    client = FastHttpSession(
        base_url=environment.host, request_event=environment.events.request, user=None
    )
    Catalog.ensure(client)
    signed_in = {"CommunityStaff", "OrgMember", "Official"}
    if signed_in & {cls.__name__ for cls in environment.user_classes}:
        for username in dict.fromkeys(STAFF_LOGINS + ORG_LOGINS + OFFICIAL_LOGINS):
            Tokens.get(client, username)


# --- the users --------------------------------------------------------------------------------


class ApiUser(FastHttpUser):
    abstract = True
    headers: dict = {}

    def api(self, path: str, name: str, *, setup: bool = False, **kwargs):
        """GET `API + path`, grouped under `name` (the route template); `setup` for the
        requests of on_start, which report.py counts apart."""
        label = f"[setup] {API}{name}" if setup else f"{API}{name}"
        return self.client.get(f"{API}{path}", name=label, headers=self.headers, **kwargs)

    def on_start(self):
        Catalog.ensure(self.client)

    # Reads every kind of user does: the published needs, offers and projects.

    def needs_list(self):
        params = random.choice(
            [
                "",
                f"?page={random.randint(1, min(Catalog.need_pages, 10))}",
                f"?category={random.choice(Catalog.categories)}",
                f"?within={random.choice(Catalog.districts)}",
                f"?q={random.choice(TERMS)}",
                f"?within={random.choice(Catalog.districts)}"
                f"&category={random.choice(Catalog.categories)}",
                "?status=published&ordering=-published_at",
                "?budget_min=10000&budget_max=100000",
            ]
        )
        self.api(f"/needs/{params}", "/needs/")

    def need_detail(self):
        self.api(f"/needs/{random.choice(Catalog.need_ids)}/", "/needs/{id}/")

    def offers_list(self):
        params = random.choice(
            [
                "",
                f"?page={random.randint(1, min(Catalog.offer_pages, 10))}",
                f"?category={random.choice(Catalog.categories)}",
                f"?within={random.choice(Catalog.districts)}",
                f"?q={random.choice(TERMS)}",
            ]
        )
        self.api(f"/offers/{params}", "/offers/")

    def offer_detail(self):
        self.api(f"/offers/{random.choice(Catalog.offer_ids)}/", "/offers/{id}/")

    def projects_list(self, extra: str = ""):
        params = random.choice(
            [
                "",
                "?status=published",
                "?status=completed",
                f"?category={random.choice(Catalog.categories)}",
            ]
        )
        if extra:
            params = f"{params}&{extra}" if params else f"?{extra}"
        self.api(f"/projects/{params}", "/projects/")

    def project_detail(self, ids=None):
        self.api(f"/projects/{random.choice(ids or Catalog.project_ids)}/", "/projects/{id}/")

    def rankings(self, within: str | None = None):
        query = f"?level={random.choice(RANKING_LEVELS)}"
        if within:
            query += f"&within={within}"
        self.api(f"/rankings/{query}", "/rankings/")


class PublicReader(ApiUser):
    """An anonymous visitor: browses needs (mostly), offers and projects, the rankings, the
    demonstration projects and the fair. Reads a page for a few seconds between clicks."""

    weight = 60
    wait_time = between(1, 5)

    @task(25)
    def t_needs_list(self):
        self.needs_list()

    @task(20)
    def t_need_detail(self):
        self.need_detail()

    @task(10)
    def t_projects_list(self):
        self.projects_list()

    @task(10)
    def t_project_detail(self):
        self.project_detail()

    @task(10)
    def t_offers_list(self):
        self.offers_list()

    @task(6)
    def t_offer_detail(self):
        self.offer_detail()

    @task(6)
    def t_rankings(self):
        self.rankings()

    @task(5)
    def t_demonstrations(self):
        self.api("/demonstration-projects/", "/demonstration-projects/")

    @task(4)
    def t_fairs(self):
        self.api("/fairs/", "/fairs/")

    @task(4)
    def t_fair_detail(self):
        if Catalog.fair_ids:
            self.api(f"/fairs/{random.choice(Catalog.fair_ids)}/", "/fairs/{id}/")


class SignedInUser(ApiUser):
    abstract = True
    logins: list[str] = []

    def on_start(self):
        super().on_start()
        token, self.me = Tokens.get(self.client, random.choice(self.logins))
        self.headers = {"Authorization": f"Token {token}"}

    def role(self, kind: str) -> list:
        return [r for r in self.me.get("roles", []) if r.get("role") == kind]


class CommunityStaff(SignedInUser):
    """社区工作者: follows their community's needs and projects, reads notifications and the
    ranked offers for a need; now and then browses the public lists."""

    weight = 12
    wait_time = between(2, 6)
    logins = STAFF_LOGINS

    def on_start(self):
        super().on_start()
        roles = self.role("community_staff")
        if not roles:
            raise StopUser()
        self.community = roles[0]["community"]
        with self.api(
            f"/needs/?community={self.community}&status=published&page_size=50",
            "/needs/",
            setup=True,
        ) as r:
            self.own_needs = [n["id"] for n in _results(r)] or Catalog.need_ids[:20]

    @task(20)
    def own_needs_list(self):
        self.api(f"/needs/?community={self.community}", "/needs/")

    @task(15)
    def community_projects(self):
        self.api(f"/projects/?community={self.community}", "/projects/")

    @task(10)
    def own_project_detail(self):
        self.project_detail()

    @task(15)
    def notifications(self):
        self.api("/notifications/", "/notifications/")

    @task(8)
    def need_matches(self):
        self.api(f"/needs/{random.choice(self.own_needs)}/matches/", "/needs/{id}/matches/")

    @task(8)
    def t_need_detail(self):
        self.api(f"/needs/{random.choice(self.own_needs)}/", "/needs/{id}/")

    @task(5)
    def me(self):
        self.api("/me/", "/me/")

    @task(10)
    def browse(self):
        self.needs_list()


class OrgMember(SignedInUser):
    """社会组织: keeps an eye on open projects and their own bids, their offers and the needs
    that match them, and browses offers."""

    weight = 20
    wait_time = between(2, 6)
    logins = ORG_LOGINS

    def on_start(self):
        super().on_start()
        roles = self.role("org_member")
        if not roles:
            raise StopUser()
        self.org = roles[0]["org"]
        with self.api(f"/offers/?org={self.org}&page_size=50", "/offers/", setup=True) as r:
            self.own_offers = [o["id"] for o in _results(r)] or Catalog.offer_ids[:20]

    @task(20)
    def open_projects(self):
        self.api("/projects/?status=published&ordering=bid_deadline", "/projects/")

    @task(15)
    def t_project_detail(self):
        self.project_detail(Catalog.open_project_ids)

    @task(12)
    def own_bids(self):
        # An organization sees only its own bids on a project.
        project = random.choice(Catalog.open_project_ids)
        self.api(f"/projects/{project}/bids/", "/projects/{id}/bids/")

    @task(12)
    def own_offers(self):
        self.api(f"/offers/?org={self.org}", "/offers/")

    @task(10)
    def t_offers_list(self):
        self.offers_list()

    @task(6)
    def offer_matches(self):
        self.api(f"/offers/{random.choice(self.own_offers)}/matches/", "/offers/{id}/matches/")

    @task(10)
    def notifications(self):
        self.api("/notifications/", "/notifications/")

    @task(8)
    def browse_needs(self):
        self.needs_list()

    @task(5)
    def t_need_detail(self):
        self.need_detail()


class Official(SignedInUser):
    """民政干部: the dashboard of their region or a part of it, the rankings, the projects and
    the funding resources of their region."""

    weight = 8
    wait_time = between(3, 8)
    logins = OFFICIAL_LOGINS

    def on_start(self):
        super().on_start()
        roles = self.role("official")
        if not roles:
            raise StopUser()
        self.region = roles[0]["region"]
        with self.api(
            f"/regions/?parent={self.region}&page_size=200", "/regions/", setup=True
        ) as r:
            self.parts = [row["code"] for row in _results(r)] or [self.region]
        with self.api(
            f"/resources/?within={self.region}&page_size=200", "/resources/", setup=True
        ) as r:
            self.resource_ids = [row["id"] for row in _results(r)]

    @task(20)
    def dashboard(self):
        within = self.region if random.random() < 0.6 else random.choice(self.parts)
        self.api(f"/dashboard/?within={within}", "/dashboard/")

    @task(12)
    def t_rankings(self):
        self.rankings(within=self.region)

    @task(15)
    def region_projects(self):
        self.projects_list(extra=f"within={self.region}")

    @task(10)
    def t_project_detail(self):
        self.project_detail()

    @task(10)
    def resources(self):
        self.api(f"/resources/?within={self.region}", "/resources/")

    @task(6)
    def resource_detail(self):
        if self.resource_ids:
            self.api(f"/resources/{random.choice(self.resource_ids)}/", "/resources/{id}/")

    @task(5)
    def notifications(self):
        self.api("/notifications/", "/notifications/")


# --- the ceiling comparison -------------------------------------------------------------------


class PingUser(FastHttpUser):
    """GET ping/ without pause: what the stack serves when the view does nothing."""

    wait_time = constant(0)

    @task
    def ping(self):
        self.client.get(f"{API}/ping/", name=f"{API}/ping/")


# One public list or detail request per key, as PublicReader sends it but always the same shape
# (the first page, or a random id), so the throughput compares with the ceiling's.
BENCH = {
    "needs-list": lambda u: u.api("/needs/", "/needs/"),
    "need-detail": lambda u: u.need_detail(),
    "offers-list": lambda u: u.api("/offers/", "/offers/"),
    "offer-detail": lambda u: u.offer_detail(),
    "projects-list": lambda u: u.api("/projects/", "/projects/"),
    "project-detail": lambda u: u.project_detail(),
    "rankings": lambda u: u.api("/rankings/", "/rankings/"),
    "demonstration-projects": lambda u: u.api(
        "/demonstration-projects/", "/demonstration-projects/"
    ),
    "fairs-list": lambda u: u.api("/fairs/", "/fairs/"),
    "fair-detail": lambda u: u.api(f"/fairs/{random.choice(Catalog.fair_ids)}/", "/fairs/{id}/"),
}


class BenchUser(ApiUser):
    """One public endpoint without pause: LOAD_BENCH=<a key of BENCH>."""

    wait_time = constant(0)

    def on_start(self):
        super().on_start()
        self.request = BENCH[os.environ.get("LOAD_BENCH", "needs-list")]

    @task
    def bench(self):
        self.request(self)
