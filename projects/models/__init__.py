"""Models of the projects app: the money (resources, ledger, decisions) and the projects."""

from .fairs import Fair, FairRegistration, Intention
from .projects import (
    Acceptance,
    Assignment,
    Bid,
    Notification,
    ProgressReport,
    Project,
    ProjectFunding,
    ProjectTransition,
    Review,
    SupervisionVisit,
)
from .resources import Expert, FundingResource, LedgerEntry, ResidentDecision

__all__ = [
    "Acceptance",
    "Assignment",
    "Bid",
    "Expert",
    "Fair",
    "FairRegistration",
    "FundingResource",
    "Intention",
    "LedgerEntry",
    "Notification",
    "ProgressReport",
    "Project",
    "ProjectFunding",
    "ProjectTransition",
    "ResidentDecision",
    "Review",
    "SupervisionVisit",
]
