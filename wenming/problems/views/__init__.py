"""Ledger pages (thin: parse, call one service or selector, render).

htmx: the ledger table and the detail's main block re-render in place (HX-Request); without
JavaScript every form still works with a full page load. One module per page family, so the
ledger, the problem page, the report form and the settings can change independently.
"""

from .detail import act, add_photo, check_photo, detail, photo_file
from .ledger import bulk_dispatch, export, ledger
from .report import create
from .settings import settings_page

__all__ = [
    "act",
    "add_photo",
    "bulk_dispatch",
    "check_photo",
    "create",
    "detail",
    "export",
    "ledger",
    "photo_file",
    "settings_page",
]
