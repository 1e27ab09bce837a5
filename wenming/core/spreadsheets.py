"""Rows of the workbooks Wenming writes with openpyxl, where every text stays text.

openpyxl writes a string that starts with "=" as a formula and "#N/A"-like strings as error
values. The exports carry text that citizens, inspectors and officers typed (a survey answer,
a visit note, a problem title), so `=HYPERLINK("http://…","详情")` typed into a public survey
would become a live link in the office's workbook, opened by someone who trusts the file
(spreadsheet formula injection). Every row goes through `append_row`: such a string is written
as a text cell with Excel's quote prefix, so it shows exactly as typed and stays text when the
cell is edited. (The problem ledger's streamed export writes inline strings, never formulas.)
"""

from collections.abc import Iterable

# openpyxl.cell.cell.ERROR_CODES, said here so that importing this module does not load
# openpyxl (the modules that write workbooks load it only when they write one).
ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))


def _read_as_code(value) -> bool:
    return isinstance(value, str) and (
        (len(value) > 1 and value.startswith("=")) or value in ERROR_CODES
    )


def text_cell(sheet, value):
    """`value` as it goes into a row of `sheet`: unchanged, unless openpyxl would read it as a
    formula or an error, in which case a text cell holding it."""
    if not _read_as_code(value):
        return value
    from openpyxl.cell import Cell, WriteOnlyCell

    write_only = not hasattr(sheet, "cell")  # a write-only sheet has no random access
    cell = WriteOnlyCell(sheet) if write_only else Cell(sheet)
    cell.value = value
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def append_row(sheet, values: Iterable) -> None:
    """Append one row to an openpyxl sheet (ordinary or write-only), every text kept as text."""
    sheet.append([text_cell(sheet, value) for value in values])
