"""Views of the projects API, by subject: thin — parse input, call one service or selector,
serialize.

money.py the caller (me), funding resources with their ledger, residents' decisions;
projects.py projects and their lifecycle actions, with the sub-collections of work.py (bids,
reviews, supervision visits, progress reports, history); rankings.py the public ranking and
demonstration projects, and the demonstration actions mixed into projects; fairs.py the
matchmaking fair; notifications.py
the caller's notifications; parsing.py what projects.py and work.py share.
"""

from .fairs import FairViewSet
from .money import DecisionViewSet, MeView, ResourceViewSet
from .notifications import NotificationViewSet
from .projects import ProjectViewSet
from .rankings import DemonstrationActionsMixin, DemonstrationProjectListView, RankingListView
from .work import BID_ID

__all__ = [
    "BID_ID",
    "DecisionViewSet",
    "DemonstrationActionsMixin",
    "DemonstrationProjectListView",
    "FairViewSet",
    "MeView",
    "NotificationViewSet",
    "ProjectViewSet",
    "RankingListView",
    "ResourceViewSet",
]
