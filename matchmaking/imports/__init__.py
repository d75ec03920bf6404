"""Bulk import of regions, communities, organizations (with social workers), needs, offerings
and funding resources from .xlsx and .csv files.

It lives in matchmaking because it writes rows of communities, orgs and projects, and
dependencies point from matchmaking towards those apps. It is the one writer besides the
services, and it keeps their rules (see base.py for how, and why in bulk).
"""

from .kinds import KINDS
from .reading import EXTENSIONS, ImportFileError
from .report import ImportReport, RowError
from .runner import import_file

__all__ = ["EXTENSIONS", "KINDS", "ImportFileError", "ImportReport", "RowError", "import_file"]
