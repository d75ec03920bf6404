"""Amount cells: whatever a clerk (or a fuzzer) types, a clear cell error or an amount the
database can hold — never an exception from the decimal module (found by tests/hostile)."""

from decimal import Decimal

import pytest

from matchmaking.imports import cells
from matchmaking.imports.cells import CellError


@pytest.mark.parametrize("value", ["1E26", "1e26", 1e26, 10**20, "1000000000000", "1e9万"])
def test_amounts_beyond_the_columns_are_a_cell_error(value):
    with pytest.raises(CellError, match="more than any amount"):
        cells.money(value, positive=True)


@pytest.mark.parametrize(
    ("value", "amount"),
    [("999999999999.99", "999999999999.99"), ("20万", "200000.00"), (1234.5, "1234.50")],
)
def test_amounts_up_to_the_largest_are_kept(value, amount):
    assert cells.money(value, positive=True) == Decimal(amount)
