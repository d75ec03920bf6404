"""Serializers of the projects API, by subject.

money.py funding resources, the ledger, residents' decisions and the caller (me); projects.py
projects and the bodies of their actions; work.py bids, reviews, supervision visits, progress
reports and the history; rankings.py the ranking, demonstration projects and the bodies of
designating and withdrawing one; notifications.py notifications; fields.py what they share.

Output serializers render what selectors return; input serializers only parse a request body
(400 naming the field) and hand plain values to one service call.
"""

from .fields import MONEY, ZERO, ChoiceField, LineTotalField, ProjectBidField
from .money import DecisionSerializer, LedgerEntrySerializer, MeSerializer, ResourceSerializer
from .notifications import MarkedSerializer, NotificationSerializer
from .projects import (
    AcceptSerializer,
    AssignSerializer,
    AwardSerializer,
    CancelSerializer,
    FinalReportSerializer,
    FundingLineInputSerializer,
    FundingLineSerializer,
    ProjectSerializer,
    ProjectWriteSerializer,
    PublishSerializer,
)
from .rankings import (
    DemonstrationProjectSerializer,
    DemonstrationQuerySerializer,
    DesignateDemonstrationSerializer,
    RankingQuerySerializer,
    RankingRowSerializer,
    WithdrawDemonstrationSerializer,
)
from .work import (
    BidInputSerializer,
    BidSerializer,
    ProgressReportSerializer,
    ReviewInputSerializer,
    ReviewSerializer,
    ScoresSerializer,
    SupervisionSerializer,
    TeamMemberSerializer,
    TransitionSerializer,
)

__all__ = [
    "MONEY",
    "ZERO",
    "AcceptSerializer",
    "AssignSerializer",
    "AwardSerializer",
    "BidInputSerializer",
    "BidSerializer",
    "CancelSerializer",
    "ChoiceField",
    "DecisionSerializer",
    "DemonstrationProjectSerializer",
    "DemonstrationQuerySerializer",
    "DesignateDemonstrationSerializer",
    "FinalReportSerializer",
    "FundingLineInputSerializer",
    "FundingLineSerializer",
    "LedgerEntrySerializer",
    "LineTotalField",
    "MarkedSerializer",
    "MeSerializer",
    "NotificationSerializer",
    "ProgressReportSerializer",
    "ProjectBidField",
    "ProjectSerializer",
    "ProjectWriteSerializer",
    "PublishSerializer",
    "RankingQuerySerializer",
    "RankingRowSerializer",
    "ResourceSerializer",
    "ReviewInputSerializer",
    "ReviewSerializer",
    "ScoresSerializer",
    "SupervisionSerializer",
    "TeamMemberSerializer",
    "TransitionSerializer",
    "WithdrawDemonstrationSerializer",
]
