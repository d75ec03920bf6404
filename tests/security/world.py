"""Two tenants built through the services, one of every kind of object each, for the
security tests (tests/security/).

Tenant "A" is 天心区 (坡子街社区), tenant "B" is 岳麓区 (望月湖社区). Each has community staff, a
district official, a verified organization with a member and a social worker, a reviewer and
a supervisor (experts of the district), and owns: a draft and a published need, a draft and a
published offering, a residents' decision, a draft and a published resource, a draft project,
a project in delivery (published, bid on, closed, reviewed, awarded, started, visited,
reported on, final report filed: status `acceptance`), a completed demonstration project,
a conversation with messages from both sides, a match run with a suggestion, notifications,
a district fair with registrations and an intention, a handbook report and an import upload.

Every free-text field is filled by `text(side, field, private)`: the IDOR tests mark private
values (a draft's title, a bid's proposal…) so any leak is recognisable; the escaping tests
put HTML payloads everywhere.

`build_world` is run once per module inside an atomic block that the module rolls back
(`module_world` below), so the tests of a module share it and each test's own transaction
(a savepoint inside it) undoes whatever the test did.
"""

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.db import transaction
from django.utils import timezone

from communities import services as community_services
from matchmaking import services as match_services
from matchmaking.imports import uploads
from matchmaking.models import MatchSuggestion
from matchmaking.reports import services as report_services
from orgs import services as org_services
from projects import services
from projects.choices import ExpertRole
from projects.models import Notification, Project
from projects.services import notify
from tests import factories as f

TextFn = Callable[[str, str, bool], str]

SIDES = {
    # side: (community code, display name)
    "A": ("430103002001", "天心区"),
    "B": ("430104001001", "岳麓区"),
}


def plain_text(side: str, field: str, private: bool) -> str:
    return f"{'SECRET' if private else 'PUB'}-{side}-{field}"


def expire(project: Project) -> None:
    Project.objects.filter(pk=project.pk).update(bid_deadline=timezone.now() - timedelta(minutes=1))
    project.refresh_from_db()


def build_tenant(side: str, text: TextFn, city) -> SimpleNamespace:
    """One tenant's people and objects (see the module docstring)."""
    code, _ = SIDES[side]
    community = f.community_at(code)
    district = community.region.parent.parent
    t = SimpleNamespace(side=side, community=community, district=district, street=None)
    t.street = community.region.parent

    def txt(field: str, private: bool = True) -> str:
        return text(side, field, private)

    # People. Officials, experts and staff get recognisable phone numbers (13x, unique).
    t.staff = f.CommunityStaffFactory(community=community).user
    t.official = f.OfficialFactory(region=district).user
    t.org = f.SocialOrgFactory(region=district, unverified=True)
    t.member = f.OrgMemberFactory(org=t.org).user
    t.org = org_services.org_update(
        actor=t.member, org=t.org, name=txt("org_name", False), description=txt("org_desc", False)
    )
    org_services.org_verify(actor=t.official, org=t.org)
    t.org.refresh_from_db()
    t.worker = org_services.worker_create(
        actor=t.member,
        org=t.org,
        name=txt("worker_name", False),
        certificate_level="intermediate",
        certificate_no=f"SG{side}0000001",
        phone="137" + ("1" if side == "A" else "2") + "0000001",
    )
    t.reviewer = f.ExpertFactory(role=ExpertRole.REVIEWER, region=district).user
    t.supervisor = f.ExpertFactory(role=ExpertRole.SUPERVISOR, region=district).user
    category = f.category("elderly_meals")
    elderly = f.target_group("elderly")

    # Needs.
    def need(title: str, private: bool):
        return community_services.need_create(
            actor=t.staff,
            community=community,
            title=txt(title, private),
            description=txt(title + "_desc", private),
            category=category,
            budget=Decimal("60000.00"),
            period_start=date(2026, 3, 1),
            period_end=date(2026, 12, 31),
            beneficiaries=50,
            target_groups=[elderly],
        )

    t.need_draft = need("need_draft", True)
    t.need = community_services.need_publish(actor=t.staff, need=need("need", False))

    # Offerings.
    def offering(title: str, private: bool):
        return org_services.offering_create(
            actor=t.member,
            org=t.org,
            title=txt(title, private),
            description=txt(title + "_desc", private),
            category=category,
            price_min=Decimal("30000.00"),
            price_max=Decimal("80000.00"),
            service_area=[district],
            target_groups=[elderly],
            workers=[t.worker],
        )

    t.offering_draft = offering("offering_draft", True)
    t.offering = org_services.offering_publish(actor=t.member, offering=offering("offering", False))

    # Money and the residents' decision.
    def resource(name: str, private: bool, publish: bool):
        return services.resource_create(
            actor=t.official,
            name=txt(name, private),
            description=txt(name + "_desc", private),
            provider_type="government",
            provider_name=txt(name + "_provider", private),
            year=2026,
            amount=Decimal("900000.00"),
            region=district,
            categories=[category],
            publish=publish,
        )

    t.resource_draft = resource("resource_draft", True, False)
    t.resource = resource("resource", False, True)
    t.decision = services.decision_record(
        actor=t.staff,
        community=community,
        subject=txt("decision_subject", False),
        minutes=txt("decision_minutes", False),
        amount=Decimal("120000.00"),
        meeting_date=date(2026, 3, 15),
        representatives_total=45,
        attendees=30,
        votes_for=25,
        votes_against=3,
        abstentions=2,
    )

    # Projects.
    def project(title: str, private: bool):
        return services.project_create(
            actor=t.staff,
            community=community,
            need=t.need,
            title=txt(title, private),
            description=txt(title + "_desc", private),
            budget=Decimal("80000.00"),
            category=category,
            year=2026,
            funding=[{"resource": t.resource, "amount": Decimal("80000.00")}],
        )

    def deliver(p: Project, tag: str) -> Project:
        services.project_assign(
            actor=t.official, project=p, reviewers=[t.reviewer], supervisors=[t.supervisor]
        )
        services.project_publish(
            actor=t.staff, project=p, bid_deadline=timezone.now() + timedelta(days=7)
        )
        bid = services.bid_submit(
            actor=t.member,
            project=p,
            org=t.org,
            amount=Decimal("75000.00"),
            proposal=txt(tag + "_bid_proposal"),
            team=[t.worker],
        )
        expire(p)
        services.project_close_bidding(actor=t.staff, project=p)
        services.review_submit(
            actor=t.reviewer,
            project=p,
            bid=bid,
            capacity=90,
            plan=90,
            budget=90,
            track_record=90,
            comments=txt(tag + "_review_comments"),
        )
        services.project_award(actor=t.staff, project=p, bid=bid, reason=txt(tag + "_award", False))
        services.project_start(actor=t.member, project=p)
        services.supervision_record(
            actor=t.supervisor,
            project=p,
            visited_on=timezone.localdate(),
            findings=txt(tag + "_findings"),
            rating=4,
        )
        services.progress_report_submit(
            actor=t.member,
            project=p,
            period_end=timezone.localdate(),
            summary=txt(tag + "_progress"),
            beneficiaries_served=40,
        )
        services.project_submit_final_report(
            actor=t.member, project=p, report=txt(tag + "_final_report")
        )
        p.refresh_from_db()
        p._bid = bid
        return p

    t.project_draft = project("project_draft", True)
    t.project = deliver(project("project", False), "project")
    t.bid = t.project._bid
    t.project_done = deliver(project("project_done", False), "done")
    services.project_accept(
        actor=t.official,
        project=t.project_done,
        result="pass",
        score=92,
        comments=txt("acceptance_comments"),
    )
    t.project_done = services.project_designate_demonstration(
        actor=t.official, project=t.project_done, citation=txt("citation", False)
    )

    # Matchmaking: a conversation, a run with a suggestion.
    t.conversation = match_services.conversation_open(
        actor=t.staff, need=t.need, org=t.org, offering=t.offering
    )
    match_services.message_post(
        actor=t.staff, conversation=t.conversation, body=txt("message_community")
    )
    match_services.message_post(
        actor=t.member, conversation=t.conversation, body=txt("message_org")
    )
    t.match_run = match_services.match_run_start(actor=t.official, scope=district, enqueue=False)
    t.suggestion = MatchSuggestion.objects.create(
        run=t.match_run,
        need=t.need,
        offering=t.offering,
        org=t.org,
        score=0.8,
        breakdown={"category": 0.2},
        reasons=[txt("suggestion_reason")],
        rank=1,
    )
    notify.users([t.staff], "assigned", t.project, detail=txt("notification_detail"))
    t.notification = Notification.objects.filter(user=t.staff).order_by("-id").first()

    # A district fair, its registrations and an intention.
    t.fair = services.fair_create(
        actor=t.official,
        name=txt("fair_name", False),
        venue=txt("fair_venue", False),
        year=2026,
        held_on=date(2026, 5, 20),
        region=district,
    )
    services.registration_add(actor=t.staff, fair=t.fair, community=community)
    services.registration_add(actor=t.member, fair=t.fair, org=t.org)
    t.intention = services.intention_sign(
        actor=t.official,
        fair=t.fair,
        community=community,
        org=t.org,
        amount=Decimal("50000.00"),
        title=txt("intention_title", False),
        need=t.need,
    )

    # A report and an import upload (the signed token is the object id of the import pages).
    t.report = report_services.report_request(
        actor=t.official,
        kind="needs_handbook",
        year=2026,
        within=district,
        fmt="pdf",
        enqueue=False,
    )
    t.upload = uploads.store(data=b"title\n", filename="needs.csv", kind="needs", user=t.official)
    t.import_token = t.upload.token
    return t


def build_world(text: TextFn = plain_text) -> SimpleNamespace:
    city, *_ = f.region_chain(SIDES["A"][0])
    world = SimpleNamespace(city=city)
    for side in SIDES:
        setattr(world, side.lower(), build_tenant(side, text, city))
    return world


def module_world(django_db_setup, django_db_blocker, text: TextFn = plain_text):
    """Generator for a module-scoped fixture: the world inside a transaction rolled back at
    the end of the module."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world(text)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def phones(tenant) -> set[str]:
    """Every phone number of a tenant's people: users, the social worker, the org contact."""
    people = (tenant.staff, tenant.member, tenant.official, tenant.reviewer, tenant.supervisor)
    numbers = {user.phone for user in people} | {tenant.worker.phone, tenant.org.contact_phone}
    return {n for n in numbers if n}
