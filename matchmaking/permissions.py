"""Plain predicates of the matchmaking app."""

from communities.permissions import has_jurisdiction, is_community_staff, is_official_or_admin
from orgs.permissions import is_org_member

from .models import MatchRun, MatchSuggestion, Report


def can_run_matching(user, region_code: str) -> bool:
    """Officials run batches inside their own jurisdiction only."""
    return has_jurisdiction(user, region_code)


def can_start_runs(user) -> bool:
    """The run pages are for officials: anyone with a jurisdiction somewhere."""
    return bool(user.is_authenticated and user.official_memberships.exists())


def can_view_run(user, run: MatchRun) -> bool:
    return has_jurisdiction(user, run.scope_id)


def can_mark_suggestion(user, suggestion: MatchSuggestion) -> bool:
    """Either party may mark interest or dismiss: the need's community or the offering's org."""
    return is_community_staff(user, suggestion.need.community_id) or is_org_member(
        user, suggestion.org_id
    )


def conversation_side(user, conversation) -> str | None:
    """Which party the user speaks for in this conversation, if any."""
    if is_community_staff(user, conversation.need.community_id):
        return "community"
    if is_org_member(user, conversation.org_id):
        return "org"
    return None


def can_view_conversation(user, conversation) -> bool:
    """Only the two parties: officials do not read residents' and organizations' exchanges."""
    return conversation_side(user, conversation) is not None


def can_open_dashboard(user) -> bool:
    """The dashboard is for officials (of any region) and superusers."""
    return is_official_or_admin(user)


def can_view_dashboard(user, region_code: str) -> bool:
    """An official sees the dashboard of their region and of every region below it."""
    return bool(user.is_authenticated and user.is_superuser) or has_jurisdiction(user, region_code)


# --- reports (handbooks and the ranking) ------------------------------------------------------
# Reports are an official's tool: officials request them for their region or any region below
# it, and see and download the reports whose scope lies inside their jurisdiction — whoever
# requested them. Community staff and organization members may not use reports at all (403):
# the handbooks compile what is public anyway, page by page, and the files are for the
# civil-affairs bureau to print and hand out. Superusers (platform administrators) may do
# everything, as on the dashboard.


def can_use_reports(user) -> bool:
    """The reports pages and API at all: officials of any region and superusers."""
    return is_official_or_admin(user)


def can_request_report(user, region_code: str) -> bool:
    """Request a report of `region_code`: an official of that region or of one above it."""
    return bool(user.is_authenticated and user.is_superuser) or has_jurisdiction(user, region_code)


def can_view_report(user, report: Report) -> bool:
    """See (and download) a report: only when the user's jurisdiction covers its scope."""
    return can_request_report(user, report.scope_id)
