"""Fuzz of what users type and upload: import files (random bytes, and sheets with the right
headers but arbitrary cells) and free-text search, on the API and the pages.

An import never raises: it stores the whole file or nothing, and a file it refuses leaves
every table as it was. A search never answers 5xx, whatever the text.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE as ILLEGAL

from communities.models import Community, Region, ServiceNeed
from matchmaking.imports.kinds import KINDS
from matchmaking.imports.runner import import_file
from orgs.models import ServiceOffering, SocialOrg
from projects.models import FundingResource, Intention
from tests.matchmaking.imports.files import csv_bytes, xlsx

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TABLES = (Region, Community, SocialOrg, ServiceNeed, ServiceOffering, FundingResource, Intention)

# Cells clerks and attackers write: text of any script, numbers in every shape, formulas,
# control characters, very long strings, Excel-style codes.
cell = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["=1+1", "=HYPERLINK(\"http://x\")", "@SUM(A1)", "4.30103E+11", "20万",
                     "2026-02-30", "430103002001", "\x00", "\u202e", "<script>", "NULL", ""]),
    st.text(min_size=200, max_size=300),
)  # fmt: skip


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in TABLES)


@pytest.mark.parametrize("filename", ["junk.xlsx", "junk.csv"])
@FUZZ
@given(data=st.binary(max_size=2048))
def test_random_bytes_are_refused_with_a_report(tree, filename, data):
    before = counts()
    report = import_file(kind="needs", data=data, filename=filename)
    assert not report.stored
    assert report.errors
    assert counts() == before


@pytest.mark.parametrize("kind", sorted(KINDS))
@FUZZ
@given(data=st.data())
def test_sheets_with_the_right_headers_and_any_cells(tree, city_official, kind, data):
    """Every row either imports or is reported; a file with an error stores nothing."""
    spec = KINDS[kind].sheets[0]
    header = [column.zh for column in spec.columns]
    rows = data.draw(
        st.lists(st.lists(cell, min_size=len(header), max_size=len(header)), max_size=4)
    )
    as_xlsx = data.draw(st.booleans())
    before = counts()
    if as_xlsx:
        # A workbook cannot hold control characters (openpyxl refuses to write them).
        rows = [[ILLEGAL.sub("", value) for value in row] for row in rows]
        payload, name = xlsx((spec.zh, [header, *rows])), f"{kind}.xlsx"
    else:
        try:
            payload = csv_bytes([header, *rows])
        except UnicodeEncodeError:  # a lone surrogate cannot be written to a file at all
            return
        name = f"{kind}.csv"
    report = import_file(kind=kind, data=payload, filename=name, actor=city_official)
    if not report.stored:
        assert counts() == before
        assert report.errors or not rows
    for error in report.errors:
        assert error.problem  # every problem says what is wrong


SEARCH = st.text(max_size=60) | st.sampled_from(
    ["%", "_", "\\", "'; DROP TABLE needs; --", "%00", "助餐 老人", "\u0000", "a" * 5000]
)
API_SEARCHES = [
    "/api/v1/needs/",
    "/api/v1/offers/",
    "/api/v1/orgs/",
    "/api/v1/communities/",
    "/api/v1/projects/",
]
PAGE_SEARCHES = ["/needs/", "/offers/", "/orgs/", "/projects/"]


@pytest.mark.parametrize("path", API_SEARCHES + PAGE_SEARCHES)
@FUZZ
@given(text=SEARCH)
def test_free_text_search_never_breaks(tree, client, path, text):
    response = client.get(path, {"q": text})
    assert response.status_code < 500, (path, text)
    assert response.status_code in (200, 400)
