"""The forms of the projects app.

decisions.py a residents' meeting; project.py a project draft with its funding rows;
actions.py the lifecycle actions; public.py the ranking and demonstration pages and
designating a demonstration; widgets.py what they share.
"""

from .actions import (
    DATETIME_LOCAL,
    AcceptForm,
    AssignForm,
    AwardForm,
    BidChoiceField,
    BidForm,
    EmptyForm,
    ExpertChoiceField,
    FinalReportForm,
    ProgressReportForm,
    PublishForm,
    ReasonForm,
    ReviewForm,
    SupervisionForm,
    WorkerChoiceField,
)
from .decisions import DecisionForm
from .project import (
    FUNDING_PREFIXES,
    FUNDING_ROWS,
    ProjectForm,
    ResourceChoiceField,
    resources_for_community,
)
from .public import (
    DemonstrationFilterForm,
    DesignateDemonstrationForm,
    RankingForm,
    WithdrawDemonstrationForm,
)

__all__ = [
    "DATETIME_LOCAL",
    "FUNDING_PREFIXES",
    "FUNDING_ROWS",
    "AcceptForm",
    "AssignForm",
    "AwardForm",
    "BidChoiceField",
    "BidForm",
    "DecisionForm",
    "DemonstrationFilterForm",
    "DesignateDemonstrationForm",
    "EmptyForm",
    "ExpertChoiceField",
    "FinalReportForm",
    "ProgressReportForm",
    "ProjectForm",
    "PublishForm",
    "RankingForm",
    "ReasonForm",
    "ResourceChoiceField",
    "ReviewForm",
    "SupervisionForm",
    "WithdrawDemonstrationForm",
    "WorkerChoiceField",
    "resources_for_community",
]
