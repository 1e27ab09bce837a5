"""One Excel workbook per evaluation system: one sheet per table, headers in the user's language.

Export writes with openpyxl's write-only mode (points may number tens of thousands); import
reads in read-only mode, accepts Chinese or English sheet names and headers (columns in any
order), parses every cell, and reports every problem with its sheet, row and column. Nothing
is written here: `services.system_load` writes the parsed spec in one transaction.
"""

from .columns import SHEETS, sheet_title
from .export import export_row_count, export_workbook, workbook_row_count
from .parse import Parsed, parse_workbook

__all__ = [
    "SHEETS",
    "Parsed",
    "export_row_count",
    "export_workbook",
    "parse_workbook",
    "sheet_title",
    "workbook_row_count",
]
