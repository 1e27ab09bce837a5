"""The importer's cell parsers: any value a cell can hold becomes a parsed value or a cell error
(reported with its sheet, row and column), never another exception — a number too large
included, which used to end the import with a server error."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from wenming.standards.services import ImportRefused, system_delete, workbook_import
from wenming.standards.spec import Reporter
from wenming.standards.workbook import export_workbook
from wenming.standards.workbook.columns import SHEETS
from wenming.standards.workbook.parse import (
    DECIMAL_LIMIT,
    INT_LIMIT,
    CellError,
    _cell,
    _header_map,
)

COLUMNS = {(column.kind, column.choices): column for sheet in SHEETS for column in sheet.columns}

# What openpyxl may hand over for a cell: blanks, text (a number typed as text included),
# booleans, ints of any length (a long run of digits), floats with NaN and infinities,
# Decimals, dates and times, and Excel's error values.
CELL_VALUES = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.from_regex(r"\s*[-+]?\d{0,400}(\.\d{0,30})?([eE][-+]?\d{1,12})?\s*", fullmatch=True),
    st.sampled_from(["NaN", "inf", "-Infinity", "sNaN", "#DIV/0!", "#VALUE!", "1_000", "是", "√"]),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**1200), max_value=10**1200),
    st.integers(min_value=0, max_value=1200).map(lambda n: 10**n),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.datetimes(),
    st.dates(),
    st.times(),
    st.timedeltas(),
)


@pytest.mark.parametrize("column", list(COLUMNS.values()), ids=lambda c: c.kind)
@settings(max_examples=300, deadline=None)
@given(value=CELL_VALUES)
def test_any_cell_value_parses_or_is_a_cell_error(column, value):
    try:
        parsed = _cell(column, value)
    except CellError as exc:
        assert str(exc)  # a message the reporter can show
        return
    if column.kind == "decimal" and parsed is not None:
        assert isinstance(parsed, Decimal) and abs(parsed) <= DECIMAL_LIMIT
    if column.kind == "int" and parsed is not None:
        assert isinstance(parsed, int) and abs(parsed) <= INT_LIMIT
    if column.kind == "float" and parsed is not None:
        assert isinstance(parsed, float) and parsed == parsed


@settings(max_examples=200, deadline=None)
@given(header=st.lists(CELL_VALUES, max_size=12))
def test_any_header_row_maps_or_is_reported(header):
    reporter = Reporter(sheet_title=str)
    _header_map(SHEETS[0], header, reporter)


@pytest.mark.parametrize(
    "value, message",
    [
        ("1e30", "too large"),
        (10**40, "too large"),
        (Decimal("12345.6"), "too large"),
        (1e300, "too large"),
        ("1" * 500, "too large"),
        (10**1000, "too large"),
        ("lots", "Write a number"),
    ],
)
def test_a_number_too_large_for_a_decimal_column_is_a_cell_error(value, message):
    column = COLUMNS[("decimal", None)]
    with translation.override("en"), pytest.raises(CellError, match=message):
        _cell(column, value)


def test_the_limits_themselves_are_accepted():
    assert _cell(COLUMNS[("decimal", None)], "-9999.99") == Decimal("-9999.99")
    assert _cell(COLUMNS[("int", None)], 32767.0) == 32767
    with pytest.raises(CellError):
        _cell(COLUMNS[("int", None)], 32768)
    assert _cell(COLUMNS[("float", None)], "38.9183") == 38.9183


def test_a_workbook_with_numbers_too_large_is_refused_cell_by_cell(cast, system):
    buffer = io.BytesIO()
    with translation.override("en"):
        export_workbook(system, buffer, actor=cast.office)
    workbook = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    workbook["Standards"]["D2"] = "1e30"  # points
    workbook["Checklist items"]["E2"] = 10**40  # deduction, an int of 41 digits
    workbook["Checklist items"]["H3"] = 10**30  # deadline days
    workbook["Point types"]["E2"] = 123456  # sampling weight: numeric(6, 2) overflows
    workbook["Assessment points"]["G2"] = 1e300  # latitude
    changed = io.BytesIO()
    workbook.save(changed)
    changed.seek(0)
    system.status = "draft"
    system.save()
    system_delete(system=system, actor=cast.office)

    with translation.override("en"), pytest.raises(ImportRefused) as refused:
        workbook_import(file=changed, actor=cast.office)
    errors = refused.value.details["errors"]
    found = {(e["sheet"], e["row"], e["column"]) for e in errors if "too large" in e["message"]}
    assert found == {
        ("Standards", 2, "D"),
        ("Checklist items", 2, "E"),
        ("Checklist items", 3, "H"),
        ("Point types", 2, "E"),
        ("Assessment points", 2, "G"),
    }


def test_a_date_in_a_number_column_is_a_cell_error():
    with pytest.raises(CellError):
        _cell(COLUMNS[("decimal", None)], dt.datetime(2026, 1, 1))
