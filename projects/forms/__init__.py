"""The forms of the projects app.

decisions.py a residents' meeting; project.py a project draft with its funding rows;
actions.py the lifecycle actions; widgets.py what they share.
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
    "EmptyForm",
    "ExpertChoiceField",
    "FinalReportForm",
    "ProgressReportForm",
    "ProjectForm",
    "PublishForm",
    "ReasonForm",
    "ResourceChoiceField",
    "ReviewForm",
    "SupervisionForm",
    "WorkerChoiceField",
    "resources_for_community",
]
