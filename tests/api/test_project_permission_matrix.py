"""Who may do what to a project, endpoint by endpoint and action by action, as one table.

The rules (API.md "Money, decisions, projects", projects/permissions.py, projects/selectors.py):
- a published project is public, with its history and its (filtered) bids and reviews; a draft
  exists only for its community's staff and the officials over it: to anyone else 404;
- a write by an anonymous client is 401 (before any lookup); a write to a visible project by
  someone the rule does not name is 403 `permission_denied`;
- the community drafts and edits; the community and the officials over it publish, close the
  bidding and award; officials assign experts and accept; the community cancels until the work
  starts, officials any time; verified organizations bid and withdraw their own bids; the
  awarded organization (or the community) starts, and the awarded organization reports; the
  assigned reviewers score, the assigned supervisors visit;
- visits and progress reports are read by those who follow the delivery (the community,
  officials, assigned experts, the awarded organization): anyone else 403, anonymous 401;
- notifications are the caller's own (another's is a 404); a resource's ledger is as visible
  as the resource.

Each case builds its subject afresh through the services (tests/projects/story.py), in the
state where the action is legal, so a status in the table reflects who asks, not the state.
All subjects sit in 坡子街社区 (天心区) and draw on a 天心区 government budget. Roles:

    anon  anonymous                            staf  staff of 坡子街社区
    s_ot  staff of 城南路社区 (天心区)            bidr  member of a verified 天心区 org (the rival)
    m_ot  member of a verified 岳麓区 org        o_in  official of 天心区
    o_ot  official of 岳麓区                     city  official of 长沙市
    rev   reviewer assigned to the project      rv_f  reviewer in the pool, not assigned
    sup   supervisor assigned to the project    winr  member of the org that wins the award
                                                      (before the award: just a bidder)
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.utils import timezone

from projects import services
from projects.choices import NotificationKind
from projects.choices import ProjectStatus as S
from projects.models import Bid, Notification, Project, Review
from tests import factories as f
from tests.projects.story import advance, assign, bid, draft, expire, make_cast, review

from .conftest import ERROR_KEYS

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "staff_here",
    "staff_other",
    "bidder",
    "member_other",
    "official_in",
    "official_out",
    "city",
    "reviewer",
    "reviewer_free",
    "supervisor",
    "winner",
)

# fmt: off
#                                anon staf s_ot bidr m_ot o_in o_ot city rev  rv_f sup  winr
MATRIX = {
    # Anyone lists projects (a draft only shows to those who may open it: see below).
    "projects list":            (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    # A draft exists for its community's staff and the officials over it only.
    "retrieve draft":           (404, 200, 404, 404, 404, 200, 404, 200, 404, 404, 404, 404),
    # ... and for the experts assigned to it (API.md: "assigned users see the project").
    "retrieve draft assigned":  (404, 200, 404, 404, 404, 200, 404, 200, 200, 404, 200, 404),
    # A published project is public.
    "retrieve published":       (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    # Only the community's staff draft its projects.
    "create":                   (401, 201, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403),
    # Only the community's staff edit a draft; officials see it but may not.
    "patch draft":              (401, 200, 404, 404, 404, 403, 404, 403, 404, 404, 404, 404),
    # The community and the officials over it publish.
    "publish":                  (401, 200, 404, 404, 404, 200, 404, 200, 404, 404, 404, 404),
    # The community and the officials over it close the bidding.
    "close-bidding":            (401, 200, 403, 403, 403, 200, 403, 200, 403, 403, 403, 403),
    # The community and the officials over it award.
    "award":                    (401, 200, 403, 403, 403, 200, 403, 200, 403, 403, 403, 403),
    # The awarded organization or the community starts the work.
    "start":                    (401, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200),
    # Only the awarded organization files the final report.
    "submit-final-report":      (401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200),
    # Only the officials over the community accept.
    "accept":                   (401, 403, 403, 403, 403, 200, 403, 200, 403, 403, 403, 403),
    # Cancelling a draft: the community and the officials over it (others do not see it).
    "cancel draft":             (401, 200, 404, 404, 404, 200, 404, 200, 404, 404, 404, 404),
    # Cancelling before the work starts: the community and the officials over it.
    "cancel published":         (401, 200, 403, 403, 403, 200, 403, 200, 403, 403, 403, 403),
    # Cancelling running work: the officials over it only.
    "cancel in progress":       (401, 403, 403, 403, 403, 200, 403, 200, 403, 403, 403, 403),
    # Only the officials over the community assign experts.
    "assign":                   (401, 403, 403, 403, 403, 200, 403, 200, 403, 403, 403, 403),
    # A draft's history is as hidden as the draft.
    "history draft":            (404, 200, 404, 404, 404, 200, 404, 200, 404, 404, 404, 404),
    # A published project's history is public.
    "history published":        (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    # Anyone lists a published project's bids (filtered: see SEEN).
    "bids list":                (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    # Members of a verified organization bid (open procurement: any district).
    "bids create":              (401, 403, 403, 201, 201, 403, 403, 403, 403, 403, 403, 201),
    # Directed procurement: members of the named organization (the winner's) only.
    "bids create directed":     (401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 201),
    # Only the bidding org withdraws; who sees every bid gets 403, who sees only its own 404.
    "bids withdraw":            (401, 403, 404, 200, 404, 403, 404, 403, 403, 404, 404, 404),
    # Anyone lists a published project's reviews (filtered: see SEEN).
    "reviews list":             (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    # Only the assigned reviewers score.
    "reviews create":           (401, 403, 403, 403, 403, 403, 403, 403, 201, 403, 403, 403),
    # Visits are read by who follows the delivery: community, officials, experts, winner.
    "supervisions list":        (401, 200, 403, 403, 403, 200, 403, 200, 200, 403, 200, 200),
    # Only the assigned supervisors record visits.
    "supervisions create":      (401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 201, 403),
    # Progress reports are read by who follows the delivery.
    "progress-reports list":    (401, 200, 403, 403, 403, 200, 403, 200, 200, 403, 200, 200),
    # Only the awarded organization reports progress.
    "progress-reports create":  (401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 201),
    # Every signed-in user has a notification list (their own).
    "notifications list":       (401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    # A notification (here the staff's "bid received") exists for its owner only.
    "notifications retrieve":   (401, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    # ... and only its owner marks it read.
    "notifications read":       (401, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    # Every signed-in user marks their own notifications read.
    "notifications read-all":   (401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    # A published resource's ledger is public.
    "ledger published":         (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    # A draft community fund's ledger: its community's staff and the officials over it.
    "ledger draft":             (404, 200, 404, 404, 404, 200, 404, 200, 404, 404, 404, 404),
}
# fmt: on

# Cells where the API disagrees with the rule above today (strict: they fail once fixed).
KNOWN: dict[tuple[str, str], str] = {}


# --- subjects: a project in the state where the case's action is legal ----------------------


def _nothing(s):
    return SimpleNamespace()


def _draft(s):
    return SimpleNamespace(project=draft(s.cast))


def _draft_assigned(s):
    project = draft(s.cast)
    assign(s.cast, project)
    return SimpleNamespace(project=project)


def _at(state):
    """A project walked to `state`, its reviewers and supervisor assigned; `bid` the winner's."""

    def build(s):
        project = advance(s.cast, draft(s.cast), state)
        return SimpleNamespace(project=project, bid=getattr(project, "_bid", None))

    return build


def _open_with_bids(s):
    """Open for bids, with the rival's bid (`bid`) and the winner's org's bid."""
    project = advance(s.cast, draft(s.cast), S.PUBLISHED)
    rival = bid(s.cast, project, org=s.cast.rival)
    bid(s.cast, project)
    return SimpleNamespace(project=project, bid=rival)


def _directed(s):
    """Open for bids, directed to the winner's organization."""
    project = draft(s.cast, procurement="directed", directed_org=s.cast.org)
    return SimpleNamespace(project=advance(s.cast, project, S.PUBLISHED))


def _closable(s):
    project = advance(s.cast, draft(s.cast), S.PUBLISHED)
    bid(s.cast, project)
    return SimpleNamespace(project=expire(project))


def _reviewed(s):
    subject = _at(S.REVIEWING)(s)
    review(s.cast, subject.project, subject.bid)
    return subject


def _staff_notified(s):
    """A bid arrived: the community's staff are told."""
    project = advance(s.cast, draft(s.cast), S.PUBLISHED)
    bid(s.cast, project)
    return SimpleNamespace(
        notification=Notification.objects.get(
            user=s.cast.staff, kind=NotificationKind.BID_RECEIVED, project=project
        )
    )


def _everyone_notified(s):
    for user in vars(s.people).values():
        if user is not None:
            f.NotificationFactory(user=user, project=None)
    return SimpleNamespace()


def _ledger_published(s):
    advance(s.cast, draft(s.cast), S.PUBLISHED)  # a commit on the budget's ledger
    return SimpleNamespace(resource=s.cast.resource)


def _ledger_draft(s):
    fund = f.FundingResourceFactory(
        community_fund=True, community=s.cast.community, status="draft", year=2026
    )
    return SimpleNamespace(resource=fund)


SUBJECTS = {
    "projects list": _draft,
    "retrieve draft": _draft,
    "retrieve draft assigned": _draft_assigned,
    "retrieve published": _at(S.PUBLISHED),
    "create": _nothing,
    "patch draft": _draft,
    "publish": _draft,
    "close-bidding": _closable,
    "award": _reviewed,
    "start": _at(S.AWARDED),
    "submit-final-report": _at(S.IN_PROGRESS),
    "accept": _at(S.ACCEPTANCE),
    "cancel draft": _draft,
    "cancel published": _at(S.PUBLISHED),
    "cancel in progress": _at(S.IN_PROGRESS),
    "assign": _at(S.PUBLISHED),
    "history draft": _draft,
    "history published": _at(S.PUBLISHED),
    "bids list": _open_with_bids,
    "bids create": _at(S.PUBLISHED),
    "bids create directed": _directed,
    "bids withdraw": _open_with_bids,
    "reviews list": _reviewed,
    "reviews create": _at(S.REVIEWING),
    "supervisions list": _at(S.IN_PROGRESS),
    "supervisions create": _at(S.IN_PROGRESS),
    "progress-reports list": _at(S.IN_PROGRESS),
    "progress-reports create": _at(S.IN_PROGRESS),
    "notifications list": _nothing,
    "notifications retrieve": _staff_notified,
    "notifications read": _staff_notified,
    "notifications read-all": _everyone_notified,
    "ledger published": _ledger_published,
    "ledger draft": _ledger_draft,
}


# --- requests ---------------------------------------------------------------------------------

V1 = "/api/v1"


def _p(suffix=""):
    """URL of the subject's project (plus `suffix`)."""
    return lambda s: f"{V1}/projects/{s.project.id}/{suffix}"


def _project_payload(s):
    return {
        "title": "坡子街社区老年助餐服务项目",
        "community": s.cast.community.id,
        "category": "elderly_meals",
        "year": 2026,
        "budget": "80000.00",
        "procurement": "open",
        "funding": [{"resource": s.cast.resource.id, "amount": "80000.00"}],
    }


def _today():
    return timezone.localdate().isoformat()


# case → (method, url from the subject, body from the subject or None)
REQUESTS = {
    "projects list": ("get", lambda s: f"{V1}/projects/", None),
    "retrieve draft": ("get", _p(), None),
    "retrieve draft assigned": ("get", _p(), None),
    "retrieve published": ("get", _p(), None),
    "create": ("post", lambda s: f"{V1}/projects/", _project_payload),
    "patch draft": ("patch", _p(), lambda s: {"title": "坡子街社区助餐（扩面）"}),
    "publish": (
        "post",
        _p("publish/"),
        lambda s: {"bid_deadline": (timezone.now() + timedelta(days=7)).isoformat()},
    ),
    "close-bidding": ("post", _p("close-bidding/"), None),
    "award": ("post", _p("award/"), lambda s: {"bid": s.bid.id}),
    "start": ("post", _p("start/"), None),
    "submit-final-report": (
        "post",
        _p("submit-final-report/"),
        lambda s: {"report": "全年服务 120 名老人，满意度 96%。"},
    ),
    "accept": (
        "post",
        _p("accept/"),
        lambda s: {"result": "pass", "score": 90, "comments": "合格"},
    ),
    "cancel draft": ("post", _p("cancel/"), lambda s: {"reason": "需求已由街道统筹"}),
    "cancel published": ("post", _p("cancel/"), lambda s: {"reason": "资金调整"}),
    "cancel in progress": ("post", _p("cancel/"), lambda s: {"reason": "机构违约"}),
    "assign": (
        "post",
        _p("assign/"),
        lambda s: {"reviewers": [s.people.reviewer_free.id]},
    ),
    "history draft": ("get", _p("history/"), None),
    "history published": ("get", _p("history/"), None),
    "bids list": ("get", _p("bids/"), None),
    "bids create": (
        "post",
        _p("bids/"),
        lambda s: {"amount": "76000.00", "proposal": "每周三次上门送餐。"},
    ),
    "bids create directed": (
        "post",
        _p("bids/"),
        lambda s: {"amount": "76000.00", "proposal": "每周三次上门送餐。"},
    ),
    "bids withdraw": ("post", lambda s: f"{_p('bids/')(s)}{s.bid.id}/withdraw/", None),
    "reviews list": ("get", _p("reviews/"), None),
    "reviews create": (
        "post",
        _p("reviews/"),
        lambda s: {
            "bid": s.bid.id,
            "scores": {"capacity": 80, "plan": 85, "budget": 75, "track_record": 70},
            "comments": "方案完整",
        },
    ),
    "supervisions list": ("get", _p("supervisions/"), None),
    "supervisions create": (
        "post",
        _p("supervisions/"),
        lambda s: {"visited_on": _today(), "findings": "台账齐全，老人满意。", "rating": 4},
    ),
    "progress-reports list": ("get", _p("progress-reports/"), None),
    "progress-reports create": (
        "post",
        _p("progress-reports/"),
        lambda s: {
            "period_end": _today(),
            "summary": "已服务老人 60 人次。",
            "beneficiaries_served": 60,
        },
    ),
    "notifications list": ("get", lambda s: f"{V1}/notifications/", None),
    "notifications retrieve": (
        "get",
        lambda s: f"{V1}/notifications/{s.notification.id}/",
        None,
    ),
    "notifications read": (
        "post",
        lambda s: f"{V1}/notifications/{s.notification.id}/read/",
        None,
    ),
    "notifications read-all": ("post", lambda s: f"{V1}/notifications/read-all/", None),
    "ledger published": (
        "get",
        lambda s: f"{V1}/resources/{s.resource.id}/ledger/",
        None,
    ),
    "ledger draft": ("get", lambda s: f"{V1}/resources/{s.resource.id}/ledger/", None),
}


def _status(s):
    return Project.objects.get(pk=s.project.pk).status


# What each write changes: read before and after the request; it moves iff the answer is 2xx.
EFFECTS = {
    "create": lambda s: Project.objects.count(),
    "patch draft": lambda s: Project.objects.get(pk=s.project.pk).title,
    "publish": _status,
    "close-bidding": _status,
    "award": _status,
    "start": _status,
    "submit-final-report": _status,
    "accept": _status,
    "cancel draft": _status,
    "cancel published": _status,
    "cancel in progress": _status,
    "assign": lambda s: sorted(s.project.assignments.values_list("user_id", flat=True)),
    "bids create": lambda s: s.project.bids.count(),
    "bids create directed": lambda s: s.project.bids.count(),
    "bids withdraw": lambda s: Bid.objects.get(pk=s.bid.pk).status,
    "reviews create": lambda s: Review.objects.filter(project=s.project).count(),
    "supervisions create": lambda s: s.project.visits.count(),
    "progress-reports create": lambda s: s.project.progress_reports.count(),
    "notifications read": lambda s: Notification.objects.get(pk=s.notification.pk).read_at,
    "notifications read-all": lambda s: Notification.objects.filter(read_at=None).count(),
}

# The write cases that are a project's `actions` entry (the buttons a caller is shown).
ACTION_OF = {
    "patch draft": "edit",
    "publish": "publish",
    "close-bidding": "close-bidding",
    "award": "award",
    "start": "start",
    "submit-final-report": "submit-final-report",
    "accept": "accept",
    "cancel draft": "cancel",
    "cancel published": "cancel",
    "cancel in progress": "cancel",
    "assign": "assign",
    "bids create": "bid",
    "bids create directed": "bid",
    "reviews create": "review",
    "supervisions create": "supervise",
    "progress-reports create": "report-progress",
}

PAGINATED = {"count", "next", "previous", "results"}


def test_every_case_has_a_subject_a_request_and_a_full_row():
    assert set(REQUESTS) == set(MATRIX) == set(SUBJECTS)
    assert all(len(row) == len(ROLES) for row in MATRIX.values())
    writes = {case for case, (method, _, _) in REQUESTS.items() if method != "get"}
    assert set(EFFECTS) == writes
    assert set(ACTION_OF) <= writes
    assert all(case in MATRIX and role in ROLES for case, role in KNOWN)


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture
def cast(tree, staff_user, district_official, org, org_member):
    return make_cast(
        tree,
        staff_user=staff_user,
        district_official=district_official,
        org=org,
        org_member=org_member,
    )


@pytest.fixture
def people(cast, roles, reviewer) -> SimpleNamespace:
    """One user per column of MATRIX (None: anonymous)."""
    return SimpleNamespace(
        anonymous=None,
        staff_here=cast.staff,
        staff_other=roles.staff_other,
        bidder=cast.rival_member,
        member_other=roles.member_other,
        official_in=cast.official,
        official_out=roles.official_out,
        city=roles.city,
        reviewer=cast.reviewer,
        reviewer_free=reviewer,
        supervisor=cast.supervisor,
        winner=cast.member,
    )


@pytest.fixture
def as_role(people, api):
    """`as_role("winner")` → a token client of that column (anonymous for "anonymous")."""
    return lambda name: api(getattr(people, name))


@pytest.fixture
def build(cast, people):
    """`build(case)` → the case's subject, built afresh through the services."""
    world = SimpleNamespace(cast=cast, people=people)

    def _build(case):
        subject = SUBJECTS[case](world)
        subject.cast, subject.people = cast, people
        return subject

    return _build


# --- the matrix -----------------------------------------------------------------------------
#
# One subject per case; each role's request runs in a savepoint that is rolled back after it,
# so every role meets the same fresh subject (and a write by one cannot spoil the next).


def _send(client, case, subject):
    method, url, payload = REQUESTS[case]
    kwargs = {"format": "json"} if method in ("post", "patch") else {}
    body = payload(subject) if payload else None
    return getattr(client, method)(url(subject), body, **kwargs)


def _check_cell(client, case, subject, expected) -> None:
    effect = EFFECTS.get(case)
    before = effect(subject) if effect else None
    if case in ACTION_OF:
        # The buttons a caller sees on the project are the writes the API then accepts.
        detail = client.get(_p()(subject))
        if detail.status_code == 200:
            actions = detail.json()["actions"]
            assert (ACTION_OF[case] in actions) is (expected < 300), f"actions {actions}"

    response = _send(client, case, subject)

    assert response.status_code == expected, response.content.decode()[:300]
    if expected >= 400:
        error = response.json()
        assert set(error) == ERROR_KEYS
        assert error["message"]
        codes = {401: "not_authenticated", 403: "permission_denied", 404: "not_found"}
        assert error["code"] == codes[expected]
    else:
        data = response.json()
        if REQUESTS[case][0] == "get" and "retrieve" not in case:
            assert set(data) >= PAGINATED
        elif case == "notifications read-all":
            assert data["marked"] >= 1
        else:
            assert "id" in data
    if effect:
        after = effect(subject)
        assert (after != before) is (expected < 300), f"before {before!r}, after {after!r}"


@pytest.mark.parametrize("case", MATRIX)
def test_matrix(as_role, build, case):
    subject = build(case)
    wrong, known = {}, []
    for role, expected in zip(ROLES, MATRIX[case], strict=True):
        with transaction.atomic():
            try:
                _check_cell(as_role(role), case, subject, expected)
            except AssertionError as exc:
                if (case, role) in KNOWN:
                    known.append(role)
                else:
                    wrong[role] = f"expected {expected}: {exc}"
            else:
                if (case, role) in KNOWN:
                    wrong[role] = "as the table says now: drop it from KNOWN"
            transaction.set_rollback(True)
    assert not wrong, "\n".join(f"{case} / {role}: {why}" for role, why in wrong.items())
    if known:
        pytest.xfail("; ".join(f"{role}: {KNOWN[case, role]}" for role in known))


# --- lists agree with details, and 200s do not leak -------------------------------------------


def _column(case, role) -> int:
    return MATRIX[case][ROLES.index(role)]


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content.decode()[:300]
    return {row["id"] for row in response.json()["results"]}


def test_lists_show_hidden_rows_to_exactly_those_who_may_open_them(as_role, build):
    draft_project = build("retrieve draft").project
    fund = build("ledger draft").resource
    open_project = build("bids withdraw")
    delivered = build("accept")
    for role in ROLES:
        client = as_role(role)
        # A draft project is listed to exactly those who may open it.
        sees = _column("retrieve draft", role) == 200
        assert (draft_project.id in _ids(client.get(f"{V1}/projects/"))) is sees, role
        # A draft community fund: listed to exactly those who may open its ledger.
        sees = _column("ledger draft", role) == 200
        assert (fund.id in _ids(client.get(f"{V1}/resources/"))) is sees, role
        # Another org's bid: listed to exactly those who get past the lookup of withdrawing it.
        sees = _column("bids withdraw", role) in (200, 403)
        listed = _ids(client.get(_p("bids/")(open_project)))
        assert (open_project.bid.id in listed) is sees, role
        # A final report: shown in the project to exactly those who may read the delivery.
        body = client.get(_p()(delivered)).json()
        assert body["status"] == S.ACCEPTANCE
        sees = _column("supervisions list", role) == 200
        assert (body["final_report"] is not None) is sees, (role, body["final_report"])


# Rows of the bid and review lists each role is shown, and whether it sees review means, for a
# project under review with two bids (the rival's and the winner's); the second assigned
# reviewer scored both, the `reviewer` column only the winner's bid. An organization sees its
# own bid; a reviewer sees a colleague's score only for a bid it scored itself.
# fmt: off
#                     anon staf s_ot bidr m_ot o_in o_ot city rev  rv_f sup  winr
SEEN = {
    "bids":          (  0,   2,   0,   1,   0,   2,   0,   2,   2,   0,   0,   1),
    "reviews":       (  0,   3,   0,   0,   0,   3,   0,   3,   2,   0,   0,   0),
    "review means":  (  0,   2,   0,   0,   0,   2,   0,   2,   0,   0,   0,   0),
}
# fmt: on


def test_bids_and_reviews_show_each_role_its_part(as_role, cast):
    project = advance(cast, draft(cast), S.PUBLISHED)
    rival = bid(cast, project, org=cast.rival, amount="70000.00")
    mine = bid(cast, project)
    expire(project)
    services.project_close_bidding(actor=cast.staff, project=project)
    review(cast, project, rival, reviewer=cast.reviewer2, score=70)
    review(cast, project, mine, reviewer=cast.reviewer2, score=85)
    review(cast, project, mine, score=80)

    url = f"{V1}/projects/{project.id}/"
    for column, role in enumerate(ROLES):
        client = as_role(role)
        bids = client.get(f"{url}bids/").json()["results"]
        reviews = client.get(f"{url}reviews/").json()["results"]
        assert len(bids) == SEEN["bids"][column], (role, bids)
        assert len(reviews) == SEEN["reviews"][column], (role, reviews)
        means = [b for b in bids if b["review_mean"] is not None or b["review_count"] is not None]
        assert len(means) == SEEN["review means"][column], (role, bids)


def test_the_matrix_writes_were_made_by_the_caller(as_role, build, people):
    """Spot-check that a 2xx write is recorded under the caller's name and a 4xx leaves no trace."""
    subject = build("publish")
    refused = as_role("city").post(_p("publish/")(subject), {}, format="json")
    assert refused.status_code == 400 and "bid_deadline" in refused.json()["fields"]
    assert _status(subject) == S.DRAFT
    assert not subject.cast.resource.ledger.exists()
    response = _send(as_role("city"), "publish", subject)
    assert response.status_code == 200 and response.json()["status"] == S.PUBLISHED
    step = subject.project.transitions.get(action="publish")
    assert step.by == people.city
    assert subject.project.funding.get().committed == subject.project.budget
    assert subject.cast.resource.ledger.get(project=subject.project).by == people.city

    subject = build("bids create")
    assert _send(as_role("bidder"), "bids create", subject).status_code == 201
    made = subject.project.bids.get()
    assert (made.org, made.submitted_by) == (subject.cast.rival, people.bidder)

    subject = build("accept")
    assert _send(as_role("staff_here"), "accept", subject).status_code == 403
    assert not subject.project.acceptances.exists()
    response = _send(as_role("official_in"), "accept", subject)
    assert response.json()["status"] == S.COMPLETED
    assert subject.project.transitions.get(action="accept_pass").by == people.official_in

    subject = build("supervisions create")
    assert _send(as_role("supervisor"), "supervisions create", subject).status_code == 201
    assert subject.project.visits.get().supervisor == people.supervisor


def test_an_unverified_organization_may_not_bid(api, build, tree):
    """The one bidder no column holds: a member of an organization not yet verified."""
    subject = build("bids create")
    pending = f.SocialOrgFactory(
        name="长沙市天心区新芽社工中心", region=tree.tianxin, unverified=True
    )
    member = f.OrgMemberFactory(org=pending).user
    response = _send(api(member), "bids create", subject)
    assert response.status_code == 403, response.content.decode()[:300]
    assert response.json()["code"] == "permission_denied"
    assert not subject.project.bids.exists()
