"""The browser side of the projects app, thin like the API: parse a form, call one service or
selector, render.

home.py the landing page; decisions.py a community's residents' decisions; pages.py the
project list, a project's page, drafting and editing, and notifications; actions.py each
lifecycle action at its own URL; rankings.py the public ranking and demonstration projects,
and designating or withdrawing a demonstration.
"""

from .actions import (
    AcceptView,
    AssignView,
    AwardView,
    BidView,
    BidWithdrawView,
    CancelView,
    CloseBiddingView,
    FinalReportView,
    ManageMixin,
    ProgressReportCreateView,
    ProjectActionView,
    PublishView,
    ReviewCreateView,
    StartView,
    SupervisionCreateView,
)
from .decisions import DecisionCreateView, DecisionListView
from .home import HomeView
from .pages import (
    ACTION_BUTTONS,
    INLINE_ACTIONS,
    NotificationListView,
    NotificationReadView,
    ProjectCreateView,
    ProjectDetailView,
    ProjectEditView,
    ProjectFormMixin,
    ProjectListView,
    timeline,
)
from .rankings import (
    DemonstrationListView,
    DesignateDemonstrationView,
    RankingsView,
    WithdrawDemonstrationView,
)

__all__ = [
    "ACTION_BUTTONS",
    "INLINE_ACTIONS",
    "AcceptView",
    "AssignView",
    "AwardView",
    "BidView",
    "BidWithdrawView",
    "CancelView",
    "CloseBiddingView",
    "DecisionCreateView",
    "DecisionListView",
    "DemonstrationListView",
    "DesignateDemonstrationView",
    "FinalReportView",
    "HomeView",
    "ManageMixin",
    "NotificationListView",
    "NotificationReadView",
    "ProgressReportCreateView",
    "ProjectActionView",
    "ProjectCreateView",
    "ProjectDetailView",
    "ProjectEditView",
    "ProjectFormMixin",
    "ProjectListView",
    "PublishView",
    "RankingsView",
    "ReviewCreateView",
    "StartView",
    "SupervisionCreateView",
    "WithdrawDemonstrationView",
    "timeline",
]
