"""Officials' dashboard analytics (issue 6): figures computed by the database, and a cache.

`dashboard(within=, year=)` returns every figure as a JSON-serialisable dict (docs/dashboard.md
defines each one); `dashboard_cached(within, year)` serves it from Django's cache, keyed by
scope, year, language and a fingerprint of the data it reads.
"""

from .cache import dashboard_cached, data_version
from .figures import dashboard

__all__ = ["dashboard", "dashboard_cached", "data_version"]
