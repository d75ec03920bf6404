"""Every write of the projects app (DESIGN.md: services are the only writers)."""

from .delivery import (
    progress_report_submit,
    project_accept,
    project_cancel,
    project_start,
    project_submit_final_report,
    remind_progress_reports,
    supervision_record,
)
from .demonstration import project_designate_demonstration, project_withdraw_demonstration
from .fairs import fair_create, intention_convert, intention_sign, registration_add
from .lifecycle import (
    bid_rankings,
    bid_submit,
    bid_withdraw,
    project_assign,
    project_award,
    project_close_bidding,
    project_create,
    project_publish,
    project_update,
    review_submit,
    review_total,
)
from .money import (
    DECISION_FIELDS,
    community_funds_ensure,
    decision_record,
    ledger_commit,
    ledger_disburse,
    ledger_release,
    resource_create,
    resource_publish,
)
from .notify import notification_mark_read

__all__ = [
    "DECISION_FIELDS",
    "bid_rankings",
    "bid_submit",
    "bid_withdraw",
    "community_funds_ensure",
    "decision_record",
    "fair_create",
    "intention_convert",
    "intention_sign",
    "ledger_commit",
    "ledger_disburse",
    "ledger_release",
    "notification_mark_read",
    "progress_report_submit",
    "project_accept",
    "project_assign",
    "project_award",
    "project_cancel",
    "project_close_bidding",
    "project_create",
    "project_designate_demonstration",
    "project_publish",
    "project_start",
    "project_submit_final_report",
    "project_update",
    "project_withdraw_demonstration",
    "registration_add",
    "remind_progress_reports",
    "resource_create",
    "resource_publish",
    "review_submit",
    "review_total",
    "supervision_record",
]
