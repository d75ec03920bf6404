"""Every write of the matchmaking app: batch runs and what people do with suggestions."""

import logging
import time
from collections import Counter

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Region
from core.errors import NotAllowed, ValidationFailed
from core.services import clean_and_save

from . import adapters
from .choices import RunStatus, SuggestionStatus
from .engine import run_matching
from .models import Conversation, MatchRun, MatchSuggestion, Message
from .permissions import (
    can_mark_suggestion,
    can_run_matching,
    can_view_conversation,
    conversation_side,
)
from .selectors import match_chunks, needs_to_match, offers_for_region
from .tasks import run_match

logger = logging.getLogger(__name__)


@transaction.atomic
def match_run_start(
    *, actor, scope: Region, parameters: dict | None = None, enqueue: bool = True
) -> MatchRun:
    """Queue a batch for a region; the worker picks it up once this transaction commits.

    `actor=None` is the system (beat, the `match` command). `enqueue=False` leaves the run
    for the caller to execute in the foreground.
    """
    if actor is not None and not can_run_matching(actor, scope.code):
        raise NotAllowed(_("You can only run matching inside your own jurisdiction."))
    top_k = int((parameters or {}).get("top_k", 10))
    if not 1 <= top_k <= 50:
        raise ValidationFailed(
            _("top_k must be between 1 and 50."), fields={"top_k": [_("Between 1 and 50.")]}
        )
    run = MatchRun.objects.create(
        scope=scope, parameters={"top_k": top_k}, created_by=actor, status=RunStatus.QUEUED
    )
    if enqueue:
        transaction.on_commit(lambda: run_match.delay(run.id))
    return run


def _progress(run_id: int, done: int, total: int) -> None:
    MatchRun.objects.filter(pk=run_id).update(progress=min(99, int(100 * done / max(total, 1))))


def match_run_execute(run_id: int, *, on_progress=None) -> MatchRun:
    """Run a batch, district by district, then swap the scope's suggestions in one transaction.

    Safe to run twice: a finished run is left alone, and the same data gives the same result.
    A failure records its reason on the run and leaves the previous suggestions in place.
    """
    run = MatchRun.objects.select_related("scope").get(pk=run_id)
    if run.status in (RunStatus.DONE, RunStatus.FAILED):
        return run
    MatchRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), progress=0, error=""
    )
    started = time.perf_counter()
    try:
        rows, stats = _compute(run, on_progress=on_progress)
        _replace_suggestions(run, rows)
    except Exception as exc:
        logger.exception("match run %s failed", run.pk)
        MatchRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:4000],
            finished_at=timezone.now(),
        )
        run.refresh_from_db()
        return run
    stats["seconds"] = round(time.perf_counter() - started, 3)
    MatchRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE, progress=100, stats=stats, finished_at=timezone.now()
    )
    run.refresh_from_db()
    return run


def _compute(run: MatchRun, *, on_progress=None) -> tuple[list[MatchSuggestion], dict]:
    weights = adapters.engine_weights()
    top_k = int(run.parameters.get("top_k", 10))
    chunks = match_chunks(run.scope_id)
    used: Counter[int] = Counter()  # proposals per offer so far: capacity is city-wide
    totals: Counter[str] = Counter()
    offers_seen: set[int] = set()  # an offer serving several districts counts once
    suggestions: list[MatchSuggestion] = []
    for index, code in enumerate(chunks, start=1):
        needs = adapters.need_rows(needs_to_match(code))
        offers = adapters.offer_rows(offers_for_region(code), used)
        orgs = adapters.org_rows({offer.org_id for offer in offers})
        if needs and offers:
            # assign_k = top_k: every proposed pair is one of the stored suggestions.
            result = run_matching(needs, offers, orgs, weights=weights, top_k=top_k, assign_k=top_k)
            proposed = result.proposal.assigned
            used.update(proposed.values())
            offer_org = {offer.id: offer.org_id for offer in offers}
            suggestions += [
                MatchSuggestion(
                    run=run,
                    need_id=s.need_id,
                    offering_id=s.offer_id,
                    org_id=offer_org[s.offer_id],
                    score=round(min(max(s.score, 0.0), 1.0), 6),
                    breakdown={k: round(v, 6) for k, v in s.breakdown.items()},
                    reasons=list(s.reasons),
                    rank=s.rank,
                    proposed=proposed.get(s.need_id) == s.offer_id,
                )
                for s in result.suggestions
            ]
            totals["pairs_scored"] += int(result.stats.get("pairs_scored", 0))
            totals["proposed"] += len(proposed)
        totals["needs"] += len(needs)
        offers_seen.update(offer.id for offer in offers)
        _progress(run.pk, index, len(chunks))
        if on_progress is not None:
            on_progress(index, len(chunks), code)
    totals["offers"] = len(offers_seen)
    totals["suggestions"] = len(suggestions)
    return suggestions, dict(totals)


@transaction.atomic
def _replace_suggestions(run: MatchRun, suggestions: list[MatchSuggestion]) -> None:
    """Swap the scope's suggestions; what people marked (interest, dismissal) is kept."""
    in_scope = MatchSuggestion.objects.filter(
        need__community__region__code__startswith=run.scope.prefix
    )
    marked = {
        (need_id, offering_id): status
        for need_id, offering_id, status in in_scope.exclude(
            status=SuggestionStatus.NEW
        ).values_list("need_id", "offering_id", "status")
    }
    in_scope.delete()
    for suggestion in suggestions:
        suggestion.status = marked.get(
            (suggestion.need_id, suggestion.offering_id), SuggestionStatus.NEW
        )
    MatchSuggestion.objects.bulk_create(suggestions, batch_size=2000)


def suggestion_mark(*, actor, suggestion: MatchSuggestion, status: str) -> MatchSuggestion:
    return suggestion_set_status(
        actor=actor, need=suggestion.need, offering=suggestion.offering, status=status
    )


@transaction.atomic
def suggestion_set_status(
    *, actor, need, offering, status: str, score: float = 0.0, breakdown=None, reasons=()
) -> MatchSuggestion:
    """Mark interest in (or dismiss) a freshly computed pair, storing it if no run has yet."""
    suggestion = (
        MatchSuggestion.objects.select_for_update().filter(need=need, offering=offering).first()
    )
    if suggestion is None:
        suggestion = MatchSuggestion(
            need=need,
            offering=offering,
            org_id=offering.org_id,
            score=round(min(max(score, 0.0), 1.0), 6),
            breakdown=breakdown or {},
            reasons=list(reasons),
            rank=0,
        )
    if not can_mark_suggestion(actor, suggestion):
        raise NotAllowed(_("Only the community or the organization concerned may mark this."))
    if status not in SuggestionStatus.values:
        raise ValidationFailed(
            _("Unknown status."), fields={"status": [_("Choose new, interested or dismissed.")]}
        )
    suggestion.status = status
    suggestion = clean_and_save(suggestion, actor=actor)
    if status == SuggestionStatus.INTERESTED:
        conversation_open(actor=actor, need=need, org=offering.org, offering=offering)
    return suggestion


# --- conversations ------------------------------------------------------------------------


@transaction.atomic
def conversation_open(*, actor, need, org, offering=None):
    """Open (or return) the conversation of a need and an organization; parties only."""
    probe = Conversation(need=need, org=org)
    if not can_view_conversation(actor, probe):
        raise NotAllowed(_("Only the community or the organization concerned may talk here."))
    conversation, _created = Conversation.objects.get_or_create(
        need=need, org=org, defaults={"offering": offering}
    )
    return conversation


@transaction.atomic
def message_post(*, actor, conversation, body: str):
    side = conversation_side(actor, conversation)
    if side is None:
        raise NotAllowed(_("Only the community or the organization concerned may talk here."))
    body = (body or "").strip()
    if not body:
        raise ValidationFailed(_("Write a message first."), fields={"body": [_("Required.")]})
    if len(body) > 2000:
        raise ValidationFailed(
            _("A message can have at most 2,000 characters."),
            fields={"body": [_("At most 2,000 characters.")]},
        )
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    message = Message.objects.create(conversation=conversation, side=side, sender=actor, body=body)
    conversation.last_message_at = message.sent_at
    setattr(conversation, f"{side}_read_at", message.sent_at)
    conversation.save(update_fields=["last_message_at", f"{side}_read_at", "updated_at"])
    return message


def conversation_mark_read(*, actor, conversation) -> None:
    side = conversation_side(actor, conversation)
    if side is None:
        raise NotAllowed(_("Only the community or the organization concerned may talk here."))
    Conversation.objects.filter(pk=conversation.pk).update(**{f"{side}_read_at": timezone.now()})
