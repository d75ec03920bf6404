"""Writes of the project lifecycle: publish → bid → review → supervise → accept (五统一).

Every state change locks the project row, checks who acts and the transition table (the
model's django-fsm transitions), applies the guards, moves the money through the ledger,
writes a ProjectTransition and notifies the people concerned — in one transaction.
"""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Community, ServiceCategory, ServiceNeed
from core import regions
from core.errors import DeadlinePassed, InvalidTransition, NotAllowed, ValidationFailed
from core.services import clean_and_save
from orgs.models import SocialOrg, SocialWorker

from ..choices import (
    LIVE_STATES,
    BidStatus,
    ExpertRole,
    NotificationKind,
    Procurement,
    ProjectStatus,
    ProviderType,
    ResourceStatus,
)
from ..models import (
    Assignment,
    Bid,
    Expert,
    FundingResource,
    Project,
    ProjectFunding,
    ProjectTransition,
    ResidentDecision,
    Review,
)
from ..permissions import (
    can_assign_experts,
    can_bid_as,
    can_create_project,
    can_edit_project,
    can_manage_project,
    can_review,
)
from . import notify
from .money import ledger_commit, ledger_release
from .steps import (
    actor_user,
    ensure_allowed,
    lock_project,
    lock_resources,
    move,
    refresh,
    release_all,
    require,
    required_text,
)

S = ProjectStatus
ZERO = Decimal("0.00")

PROJECT_FIELDS = (
    "title",
    "description",
    "need",
    "category",
    "beneficiaries",
    "year",
    "budget",
    "procurement",
    "directed_org",
    "decision",
    "period_start",
    "period_end",
)


# --- drafting -------------------------------------------------------------------------------


def _category_ids(category: ServiceCategory) -> set[int]:
    return {category.id, category.parent_id} - {None}


def _check_lines(project: Project, lines: list[dict]) -> None:
    """Each funding line must be money this project may spend (DOMAIN.md: a resource has
    eligible categories, a region scope and a year; a community fund pays only for its own
    community, after its residents decide)."""
    errors: list[str] = []
    seen: set[int] = set()
    total = ZERO
    wanted = _category_ids(project.category)
    for number, line in enumerate(lines, start=1):
        resource: FundingResource = line["resource"]
        amount = Decimal(line["amount"])
        label = _("Line %(n)s (%(name)s)") % {"n": number, "name": resource.name}
        if resource.id in seen:
            errors.append(_("%(line)s: the resource appears twice.") % {"line": label})
        seen.add(resource.id)
        if amount <= 0:
            errors.append(_("%(line)s: the amount must be more than zero.") % {"line": label})
        total += amount
        if resource.status != ResourceStatus.PUBLISHED:
            errors.append(_("%(line)s: the resource is not published.") % {"line": label})
        if resource.year != project.year:
            errors.append(
                _("%(line)s: the resource is for %(year)s, the project for %(project_year)s.")
                % {"line": label, "year": resource.year, "project_year": project.year}
            )
        if not regions.is_within(project.community.region_id, resource.region_id):
            errors.append(
                _("%(line)s: the community lies outside the resource's region.") % {"line": label}
            )
        eligible = {c.id for c in resource.categories.all()}
        if eligible and not eligible & wanted:
            errors.append(
                _("%(line)s: the resource does not pay for this service category.")
                % {"line": label}
            )
        if (
            resource.provider_type == ProviderType.COMMUNITY_FUND
            and resource.community_id != project.community_id
        ):
            errors.append(_("%(line)s: another community's benefit fund.") % {"line": label})
    if total > project.budget:
        errors.append(
            _("The funding lines add up to %(total)s yuan, more than the budget of %(budget)s.")
            % {"total": total, "budget": project.budget}
        )
    if errors:
        raise ValidationFailed("; ".join(errors), fields={"funding": errors})
    if any(_is_fund(line["resource"]) for line in lines) and project.decision_id is None:
        raise ValidationFailed(
            _("The community benefit fund pays only after a residents' decision."),
            fields={"decision": [_("Choose the residents' decision that covers this project.")]},
        )


def _is_fund(resource: FundingResource) -> bool:
    return resource.provider_type == ProviderType.COMMUNITY_FUND


def _validate_draft(project: Project) -> None:
    errors: dict[str, list[str]] = {}
    if project.need_id and project.need.community_id != project.community_id:
        errors["need"] = [_("The need belongs to another community.")]
    if project.decision_id and project.decision.community_id != project.community_id:
        errors["decision"] = [_("The decision was taken by another community.")]
    if project.procurement == Procurement.DIRECTED:
        if project.directed_org_id is None:
            errors["directed_org"] = [_("Directed procurement names the organization.")]
        elif not project.directed_org.verified:
            errors["directed_org"] = [_("The organization has not been verified yet.")]
    elif project.directed_org_id is not None:
        errors["directed_org"] = [_("Open procurement names no organization.")]
    if errors:
        message = "; ".join(m for msgs in errors.values() for m in msgs)
        raise ValidationFailed(message, fields=errors)


def _save_lines(project: Project, lines: list[dict]) -> None:
    project.funding.all().delete()
    ProjectFunding.objects.bulk_create(
        ProjectFunding(project=project, resource=line["resource"], amount=line["amount"])
        for line in lines
    )


def _current_year() -> int:
    return timezone.localdate().year


@transaction.atomic
def project_create(
    *,
    actor,
    community: Community,
    title: str,
    budget: Decimal,
    category: ServiceCategory | None = None,
    need: ServiceNeed | None = None,
    funding: Iterable[dict] = (),
    **data,
) -> Project:
    """Community staff draft a project, usually from one of their needs."""
    if not can_create_project(actor, community.id):
        raise NotAllowed(_("Only staff of this community may draft its projects."))
    unknown = set(data) - set(PROJECT_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be set here: %(fields)s") % {"fields": ", ".join(unknown)}
        )
    if category is None:
        if need is None:
            raise ValidationFailed(
                _("Choose a service category."),
                fields={"category": [_("This field is required.")]},
            )
        category = need.category
    data.setdefault("year", need.period_start.year if need else _current_year())
    if need is not None:
        data.setdefault("beneficiaries", need.beneficiaries)
        data.setdefault("period_start", need.period_start)
        data.setdefault("period_end", need.period_end)
        data.setdefault("description", need.description)
    project = Project(
        community=community,
        title=title,
        budget=budget,
        category=category,
        need=need,
        created_by=actor_user(actor),
        **data,
    )
    if project.procurement == Procurement.OPEN:
        project.directed_org = None
    _validate_draft(project)
    lines = list(funding)
    _check_lines(project, lines)
    clean_and_save(project, actor=actor)
    project.code = f"XM{project.year}{project.pk:06d}"
    project.save(update_fields=["code"])
    _save_lines(project, lines)
    ProjectTransition.objects.create(
        project=project, action="create", from_status="", to_status=S.DRAFT, by=actor_user(actor)
    )
    return project


@transaction.atomic
def project_update(*, actor, project: Project, funding: Iterable[dict] | None = None, **data):
    """Change a draft; `funding`, when given, replaces every line."""
    if not can_edit_project(actor, project):
        raise NotAllowed(_("Only staff of this community may edit its projects."))
    locked = lock_project(project)
    if locked.status != S.DRAFT:
        raise InvalidTransition(_("Only a draft can be edited."))
    unknown = set(data) - set(PROJECT_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be set here: %(fields)s") % {"fields": ", ".join(unknown)}
        )
    for name, value in data.items():
        setattr(locked, name, value)
    if locked.procurement == Procurement.OPEN and "directed_org" not in data:
        locked.directed_org = None
    _validate_draft(locked)
    lines = (
        list(funding)
        if funding is not None
        else [{"resource": li.resource, "amount": li.amount} for li in locked.funding.all()]
    )
    _check_lines(locked, lines)
    clean_and_save(locked, actor=actor)
    if funding is not None:
        _save_lines(locked, lines)
    return refresh(project, locked)


# --- publish and bidding ------------------------------------------------------------------


def _check_decision(project: Project, lines) -> None:
    """A community-fund line needs a passed decision of this community covering it."""
    fund_total = sum((li.amount for li in lines if _is_fund(li.resource)), ZERO)
    if not fund_total:
        return
    if project.decision_id is None:
        raise InvalidTransition(
            _("The community benefit fund pays only after a residents' decision."),
            code="decision_required",
        )
    # Locked, so projects publishing at once under one decision queue here and each counts
    # what the ones before it took (otherwise all could pass the check together).
    decision = ResidentDecision.objects.select_for_update().get(pk=project.decision_id)
    if decision.community_id != project.community_id:
        raise InvalidTransition(
            _("The decision was taken by another community."), code="decision_required"
        )
    if not decision.passed:
        raise InvalidTransition(
            _("The residents' decision “%(subject)s” did not pass.")
            % {"subject": decision.subject},
            code="decision_not_passed",
        )
    used = (
        ProjectFunding.objects.filter(
            project__decision=decision,
            project__status__in=(*LIVE_STATES, S.COMPLETED),
            resource__provider_type=ProviderType.COMMUNITY_FUND,
        )
        .exclude(project=project)
        .aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    if used + fund_total > decision.amount:
        raise InvalidTransition(
            _(
                "The decision allows %(allowed)s yuan of the community fund; %(used)s is "
                "already used by other projects."
            )
            % {"allowed": decision.amount, "used": used},
            code="decision_exceeded",
        )


@transaction.atomic
def project_publish(*, actor, project: Project, bid_deadline: datetime) -> Project:
    """Open the project for bids: commit every funding line from the ledger."""
    require(
        can_manage_project(actor, project),
        _("Only the community and the officials over it may publish the project."),
    )
    locked = lock_project(project)
    ensure_allowed(locked, "publish")
    if bid_deadline is None or bid_deadline <= timezone.now():
        raise ValidationFailed(
            _("The bid deadline must be in the future."),
            fields={"bid_deadline": [_("Choose a time after now.")]},
        )
    lines = list(locked.funding.select_related("resource"))
    total = sum((li.amount for li in lines), ZERO)
    if total != locked.budget:
        raise InvalidTransition(
            _(
                "The funding lines cover %(total)s yuan of the %(budget)s budget; "
                "the whole budget must be funded before publishing."
            )
            % {"total": total, "budget": locked.budget},
            code="funding_incomplete",
        )
    _check_decision(locked, lines)
    lock_resources(lines)
    for line in lines:
        ledger_commit(
            actor=actor,
            resource=line.resource,
            amount=line.amount,
            reference=locked.code,
            project=locked,
        )
        line.committed = line.amount
        line.save(update_fields=["committed"])
    locked.bid_deadline = bid_deadline
    locked.published_at = timezone.now()
    move(locked, "publish", actor=actor)
    locked.save()
    if locked.procurement == Procurement.DIRECTED:
        notify.org_members(locked.directed_org_id, NotificationKind.ASSIGNED, locked)
    return refresh(project, locked)


def _bidding_open(project: Project) -> None:
    if project.status != S.PUBLISHED:
        raise InvalidTransition(
            _("Bids are taken only while the project is open for bids."),
        )
    if project.bid_deadline is None or timezone.now() >= project.bid_deadline:
        raise DeadlinePassed(_("The bid deadline has passed."))


@transaction.atomic
def bid_submit(
    *,
    actor,
    project: Project,
    org: SocialOrg,
    amount: Decimal,
    proposal: str,
    team: Iterable[SocialWorker] = (),
) -> Bid:
    """An organization applies (申报) with a price, a plan and its certified team."""
    if not can_bid_as(actor, project, org):
        if project.procurement == Procurement.DIRECTED:
            raise NotAllowed(_("This project is directed to another organization."))
        raise NotAllowed(_("Only members of a verified organization may bid."))
    locked = lock_project(project)  # serialises bids with closing the bidding
    _bidding_open(locked)
    proposal = required_text(proposal, "proposal", _("Describe how you will deliver the service."))
    amount = Decimal(amount)
    if amount <= 0 or amount > locked.budget:
        raise ValidationFailed(
            _("The bid must be more than zero and at most the budget of %(budget)s yuan.")
            % {"budget": locked.budget},
            fields={"amount": [_("At most %(budget)s.") % {"budget": locked.budget}]},
        )
    team = list(team)
    strangers = [w.name for w in team if w.org_id != org.id]
    if strangers:
        raise ValidationFailed(
            _("Not certified social workers of %(org)s: %(names)s")
            % {"org": org.name, "names": "、".join(strangers)},
            fields={"team": [_("Choose your own organization's social workers.")]},
        )
    if locked.bids.filter(org=org).exclude(status=BidStatus.WITHDRAWN).exists():
        raise InvalidTransition(
            _("%(org)s already has a bid on this project; withdraw it to bid again.")
            % {"org": org.name},
            code="duplicate_bid",
        )
    bid = Bid(project=locked, org=org, amount=amount, proposal=proposal, submitted_by=actor)
    clean_and_save(bid, actor=actor)
    bid.team.set(team)
    notify.community_staff(locked, NotificationKind.BID_RECEIVED, detail=org.name)
    return bid


@transaction.atomic
def bid_withdraw(*, actor, bid: Bid) -> Bid:
    from orgs.permissions import is_org_member

    require(is_org_member(actor, bid.org_id), _("Only the bidding organization may withdraw."))
    locked = lock_project(bid.project)
    _bidding_open(locked)
    bid = Bid.objects.select_for_update().get(pk=bid.pk)
    if bid.status != BidStatus.SUBMITTED:
        raise InvalidTransition(_("This bid is no longer live."))
    bid.status = BidStatus.WITHDRAWN
    bid.withdrawn_at = timezone.now()
    bid.save(update_fields=["status", "withdrawn_at", "updated_at"])
    return bid


@transaction.atomic
def project_close_bidding(*, actor, project: Project) -> Project:
    """At the deadline: to review when valid bids came in, otherwise the project fails and its
    money goes back. `actor` is None when the beat closes it."""
    if actor is not None:
        require(
            can_manage_project(actor, project),
            _("Only the community and the officials over it may close the bidding."),
        )
    locked = lock_project(project)
    ensure_allowed(locked, "close_bidding")
    live = locked.bids.filter(status=BidStatus.SUBMITTED)
    early_directed = (
        locked.procurement == Procurement.DIRECTED
        and live.filter(org_id=locked.directed_org_id).exists()
    )
    if timezone.now() < locked.bid_deadline and not early_directed:
        raise InvalidTransition(
            _("Bidding stays open until %(deadline)s.")
            % {"deadline": timezone.localtime(locked.bid_deadline).strftime("%Y-%m-%d %H:%M")},
            code="deadline_not_reached",
        )
    count = live.count()
    if count:
        move(locked, "close_bidding", actor=actor, note=_("%(n)s bids") % {"n": count})
        locked.save()
        notify.community_staff(locked, NotificationKind.DEADLINE_PASSED)
        notify.assigned(locked, ExpertRole.REVIEWER, NotificationKind.DEADLINE_PASSED)
        for org_id in set(live.values_list("org_id", flat=True)):
            notify.org_members(org_id, NotificationKind.DEADLINE_PASSED, locked)
    else:
        move(locked, "fail_bidding", actor=actor, note=_("No valid bid by the deadline."))
        locked.closed_at = timezone.now()
        locked.save()
        release_all(locked, actor=actor, note=_("no valid bid"))
        notify.community_staff(locked, NotificationKind.DEADLINE_PASSED)
    return refresh(project, locked)


# --- review and award ---------------------------------------------------------------------


def review_total(scores: dict[str, int]) -> Decimal:
    weights = settings.PROJECT_REVIEW_WEIGHTS
    total = sum(Decimal(str(weights[k])) * Decimal(scores[k]) for k in weights)
    return total.quantize(Decimal("0.01"))


@transaction.atomic
def review_submit(
    *,
    actor,
    project: Project,
    bid: Bid,
    capacity: int,
    plan: int,
    budget: int,
    track_record: int,
    comments: str = "",
) -> Review:
    """An assigned reviewer scores one bid, once."""
    require(can_review(actor, project), _("Only reviewers assigned to this project may score."))
    locked = lock_project(project)
    if locked.status != S.REVIEWING:
        raise InvalidTransition(_("Bids are scored only while the project is under review."))
    if bid.project_id != locked.pk or bid.status != BidStatus.SUBMITTED:
        raise ValidationFailed(
            _("Choose a live bid of this project."), fields={"bid": [_("Not a live bid here.")]}
        )
    if Review.objects.filter(bid=bid, reviewer=actor).exists():
        raise InvalidTransition(_("You have already reviewed this bid."), code="duplicate_review")
    scores = {"capacity": capacity, "plan": plan, "budget": budget, "track_record": track_record}
    bad = {k: [_("A score from 0 to 100.")] for k, v in scores.items() if not 0 <= int(v) <= 100}
    if bad:
        raise ValidationFailed(_("Each score is from 0 to 100."), fields=bad)
    review = Review(
        project=locked,
        bid=bid,
        reviewer=actor,
        comments=comments,
        total=review_total(scores),
        **scores,
    )
    return clean_and_save(review, actor=actor)


def bid_rankings(project: Project) -> list[tuple[Bid, Decimal | None, int]]:
    """Live bids with their mean review total and number of reviews, best first."""
    bids = (
        project.bids.filter(status__in=(BidStatus.SUBMITTED, BidStatus.AWARDED))
        .select_related("org")
        .annotate(mean=Avg("reviews__total"))
        .order_by("id")
    )
    counts = dict(
        Review.objects.filter(bid__project=project)
        .values("bid_id")
        .annotate(n=Count("id"))
        .values_list("bid_id", "n")
    )
    rows = [(b, b.mean, counts.get(b.id, 0)) for b in bids]
    rows.sort(key=lambda r: (r[1] is None, -(r[1] or 0), r[0].amount, r[0].id))
    return rows


@transaction.atomic
def project_award(*, actor, project: Project, bid: Bid, reason: str = "") -> Project:
    """Pick the winner: the best-reviewed bid, or another one with a written reason."""
    require(
        can_manage_project(actor, project),
        _("Only the community and the officials over it may award the project."),
    )
    locked = lock_project(project)
    ensure_allowed(locked, "award")
    if bid.project_id != locked.pk or bid.status != BidStatus.SUBMITTED:
        raise ValidationFailed(
            _("Choose a live bid of this project."), fields={"bid": [_("Not a live bid here.")]}
        )
    reason = (reason or "").strip()
    ranking = bid_rankings(locked)
    reviewed = [row for row in ranking if row[1] is not None]
    if not reviewed and not reason:
        raise InvalidTransition(
            _("No bid has been reviewed yet: wait for the reviewers or give a written reason."),
            code="reviews_missing",
        )
    if reviewed and not reason:
        best = reviewed[0][1]
        mine = next((row[1] for row in ranking if row[0].id == bid.id), None)
        if mine is None or mine < best:
            raise InvalidTransition(
                _("This is not the best-reviewed bid: give a written reason to choose it."),
                code="reason_required",
            )
    bid = Bid.objects.select_for_update().get(pk=bid.pk)
    bid.status = BidStatus.AWARDED
    bid.save(update_fields=["status", "updated_at"])
    losers = list(locked.bids.filter(status=BidStatus.SUBMITTED).values_list("org_id", flat=True))
    locked.bids.filter(status=BidStatus.SUBMITTED).update(status=BidStatus.LOST)
    locked.awarded_bid = bid
    locked.contract_amount = bid.amount
    locked.award_reason = reason
    locked.awarded_at = timezone.now()
    move(locked, "award", actor=actor, note=reason or _("Best-reviewed bid."))
    locked.save()
    _release_excess(locked, actor=actor)
    notify.org_members(bid.org_id, NotificationKind.AWARDED, locked)
    for org_id in losers:
        notify.org_members(org_id, NotificationKind.NOT_AWARDED, locked)
    return refresh(project, locked)


def _release_excess(project: Project, *, actor) -> None:
    """The contract is below the budget: give the difference back, last line first."""
    excess = project.budget - project.contract_amount
    lines = list(project.funding.select_related("resource").order_by("-id"))
    lock_resources(lines)
    for line in lines:
        if excess <= 0:
            break
        amount = min(excess, line.outstanding)
        if amount > 0:
            ledger_release(
                actor=actor,
                resource=line.resource,
                amount=amount,
                reference=project.code,
                note=_("contract below budget"),
                project=project,
            )
            line.released += amount
            line.save(update_fields=["released"])
            excess -= amount


@transaction.atomic
def project_assign(
    *, actor, project: Project, reviewers: Iterable = (), supervisors: Iterable = ()
) -> Project:
    """Officials put experts from the pool on a project; assigning twice is a no-op."""
    require(
        can_assign_experts(actor, project),
        _("Only officials over the project's community may assign experts."),
    )
    locked = lock_project(project)
    if locked.status in (S.COMPLETED, S.FAILED, S.CANCELLED):
        raise InvalidTransition(_("The project is closed."))
    errors: dict[str, list[str]] = {}
    for field, role, users in (
        ("reviewers", ExpertRole.REVIEWER, list(reviewers)),
        ("supervisors", ExpertRole.SUPERVISOR, list(supervisors)),
    ):
        pool = set(
            Expert.objects.filter(role=role, user__in=users).values_list("user_id", flat=True)
        )
        outsiders = [str(u) for u in users if u.pk not in pool]
        if outsiders:
            errors[field] = [
                _("Not in the %(role)s pool: %(names)s")
                % {"role": ExpertRole(role).label, "names": "、".join(outsiders)}
            ]
            continue
        for user in users:
            __, created = Assignment.objects.get_or_create(
                project=locked, user=user, role=role, defaults={"assigned_by": actor_user(actor)}
            )
            if created:
                notify.users([user], NotificationKind.ASSIGNED, locked)
    if errors:
        raise ValidationFailed("; ".join(m for v in errors.values() for m in v), fields=errors)
    return refresh(project, locked)
