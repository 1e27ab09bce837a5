"""Text typed by people stays text in the workbooks Wenming writes (no formula injection)."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from wenming.core.spreadsheets import append_row

TYPED = ['=HYPERLINK("http://x.example","详情")', "=1+1", "#N/A", "+1+1", "@SUM(1)", "="]


@pytest.mark.parametrize("write_only", [False, True], ids=["ordinary", "write-only"])
def test_text_that_looks_like_a_formula_is_written_as_text(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("s") if write_only else book.active
    append_row(sheet, [*TYPED, 3, None, "普通文本"])
    out = io.BytesIO()
    book.save(out)
    row = load_workbook(io.BytesIO(out.getvalue())).worksheets[-1][1]
    assert [cell.value for cell in row] == [*TYPED, 3, None, "普通文本"]
    assert [cell.data_type for cell in row[: len(TYPED)]] == ["s"] * len(TYPED)
    # Excel's quote prefix keeps a formula-looking text a text when the cell is edited.
    assert row[0].quotePrefix and row[2].quotePrefix


def test_every_workbook_row_goes_through_append_row():
    """The rule above holds only if no writer appends to a sheet directly."""
    import re
    from pathlib import Path

    import wenming

    direct = re.compile(r"\b(sheet|ws|worksheet|definitions)\w*(\[[^\]]*\])?\.append\(")
    found = [
        f"{path}:{number}"
        for path in Path(wenming.__file__).parent.rglob("*.py")
        if "tests" not in path.parts
        and path.name != "spreadsheets.py"
        and "openpyxl" in path.read_text(encoding="utf-8")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if direct.search(line)
    ]
    assert not found, found
