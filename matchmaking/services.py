"""Every write of the matchmaking app: batch runs and what people do with suggestions."""

import logging
import time
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerUnavailable

from communities.models import Region
from core.errors import NotAllowed, ValidationFailed
from core.services import clean_and_save

from . import adapters
from .choices import RunStatus, SuggestionStatus
from .engine import run_matching
from .models import Conversation, MatchRun, MatchSuggestion, Message, Report
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
        transaction.on_commit(lambda: _enqueue(run))
    return run


def enqueue_or_fail(task, job, message: str) -> None:
    """Hand a queued run or report (`job`) to a worker. When the broker cannot be reached
    (Celery has already retried the publish a few times) the job is failed with `message`
    (which takes `%(error)s`): nothing is left `queued` with no task behind it, and the caller
    sees the failure on the object it gets back."""
    try:
        task.delay(job.pk)
    except BrokerUnavailable as exc:
        logger.exception("%s %s could not be queued", job._meta.model_name, job.pk)
        error = (message % {"error": exc})[:4000]
        finished = timezone.now()
        type(job).objects.filter(pk=job.pk, status=RunStatus.QUEUED).update(
            status=RunStatus.FAILED, error=error, finished_at=finished
        )
        job.status, job.error, job.finished_at = RunStatus.FAILED, error, finished


def _enqueue(run: MatchRun) -> None:
    enqueue_or_fail(
        run_match, run, _("The task queue is unavailable, so the run could not start: %(error)s")
    )


def _progress(run_id: int, done: int, total: int) -> None:
    MatchRun.objects.filter(pk=run_id).update(progress=min(99, int(100 * done / max(total, 1))))


# Written on a run found `running` when its task arrives: the worker that ran it died and the
# broker delivered the task again. A run found with this note is not tried a third time.
WORKER_LOST_NOTE = "A worker was lost during this run; it is running again."


def match_run_execute(run_id: int, *, on_progress=None) -> MatchRun:
    """Run a batch, district by district, then swap the scope's suggestions in one transaction.

    Safe to run twice: a finished run is left alone, and the same data gives the same result.
    A failure records its reason on the run and leaves the previous suggestions in place. A
    run whose worker died (the task comes back while the run is `running`) is run again once;
    its suggestions were never half swapped, so the rerun replaces them exactly once.
    """
    run = MatchRun.objects.select_related("scope").get(pk=run_id)
    if run.status in (RunStatus.DONE, RunStatus.FAILED):
        return run
    note = ""
    if run.status == RunStatus.RUNNING:
        if run.error == WORKER_LOST_NOTE:
            MatchRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
                status=RunStatus.FAILED,
                error=_("The worker was lost twice while running this batch; not retried."),
                finished_at=timezone.now(),
            )
            run.refresh_from_db()
            return run
        logger.warning("match run %s: its worker was lost, running it again", run.pk)
        note = WORKER_LOST_NOTE
    # Compare-and-set on what was read: a run failed meanwhile (fail_stalled_runs) or claimed by
    # a concurrent delivery is left to that.
    claimed = MatchRun.objects.filter(pk=run.pk, status=run.status, error=run.error).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), progress=0, error=note
    )
    if not claimed:
        run.refresh_from_db()
        return run
    _pause_for_tests()
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
        status=RunStatus.DONE, progress=100, stats=stats, error="", finished_at=timezone.now()
    )
    run.refresh_from_db()
    return run


def _pause_for_tests() -> None:
    """Integration tests only: config.settings.test reads MATCHING_TEST_PAUSE from the
    environment so a worker can be killed while its run is `running`. No other settings
    module defines it, so elsewhere this does nothing."""
    pause = getattr(settings, "MATCHING_TEST_PAUSE", 0)
    if pause:
        time.sleep(pause)


def stalled_runs_fail(*, now=None) -> dict[str, int]:
    """Fail the match runs and reports that no worker is going to finish (beat job).

    A task whose worker died comes back after the broker's visibility timeout, but not always:
    Redis may have lost it (restarted without persistence) or the hard time limit killed it
    (acknowledged, never retried). Whatever is still `queued` or `running` STALLED_RUN_AFTER
    seconds after it was queued or started is failed with that reason. A late delivery then
    finds it failed and leaves it alone; suggestions are untouched (they are swapped only by a
    run that finishes) and a report has a file only when done.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.STALLED_RUN_AFTER)
    lost = _("The worker running this was lost and its task did not come back.")
    never = _("No worker picked this up: its task was lost.")
    failed = {}
    for key, model in (("runs", MatchRun), ("reports", Report)):
        running = model.objects.filter(status=RunStatus.RUNNING, started_at__lt=cutoff).update(
            status=RunStatus.FAILED, error=lost, finished_at=now
        )
        queued = model.objects.filter(status=RunStatus.QUEUED, created_at__lt=cutoff).update(
            status=RunStatus.FAILED, error=never, finished_at=now
        )
        failed[key] = running + queued
    if any(failed.values()):
        logger.warning("failed stalled work: %s", failed)
    return failed


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
