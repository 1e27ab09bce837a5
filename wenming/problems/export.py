"""Excel export of the current ledger filter, streamed with flat memory.

openpyxl's write-only workbook writes rows to a temporary file as they come; the rows come
from a server-side iterator over `values_list` (no model instances), and the finished file is
streamed to the client in chunks. Memory therefore stays flat at 100,000 rows and more.
"""

import tempfile
from datetime import datetime

from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .models import Severity, Source, Status

MAX_ROWS = 500_000


def _columns():
    english = (get_language() or "").startswith("en")
    name = "name_en" if english else "name"
    return [
        (pgettext("ledger column", "Code"), "code", 16),
        (pgettext("ledger column", "Title"), "title", 40),
        (pgettext("ledger column", "Status"), "status", 14),
        (pgettext("ledger column", "Category"), f"category__{name}", 22),
        (pgettext("ledger column", "Source"), "source", 12),
        (pgettext("ledger column", "Severity"), "severity", 8),
        (pgettext("ledger column", "District"), f"district__{name}", 14),
        (pgettext("ledger column", "Street"), f"street__{name}", 16),
        (pgettext("ledger column", "Community"), f"region__{name}", 16),
        (pgettext("ledger column", "Address"), "address", 30),
        (pgettext("ledger column", "Responsible unit"), f"responsible_unit__{name}", 22),
        (pgettext("ledger column", "Responsible region"), f"handling_region__{name}", 16),
        (pgettext("ledger column", "Deadline"), "deadline", 12),
        (pgettext("ledger column", "Reported"), "created_at", 18),
        (pgettext("ledger column", "Dispatched"), "dispatched_at", 18),
        (pgettext("ledger column", "Rectified"), "rectified_at", 18),
        (pgettext("ledger column", "Closed"), "closed_at", 18),
        (pgettext("ledger column", "Reworks"), "rework_count", 8),
        (pgettext("ledger column", "Extensions"), "extension_count", 8),
        (pgettext("ledger column", "Returns"), "return_count", 8),
        (pgettext("ledger column", "Flagged photos"), "flagged_photo_count", 8),
        (pgettext("ledger column", "Latitude"), "lat", 11),
        (pgettext("ledger column", "Longitude"), "lon", 11),
    ]


def _labels():
    return {
        "status": dict(Status.choices),
        "source": dict(Source.choices),
        "severity": dict(Severity.choices),
    }


def _cell_value(field: str, value, labels):
    if value is None:
        return None
    if field in labels:
        return str(labels[field].get(value, value))
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def write_ledger_xlsx(queryset, *, title: str = ""):
    """Write `queryset` (a scoped, filtered ledger) to an .xlsx temp file, rewound."""
    columns = _columns()
    labels = _labels()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(title or _("Problem ledger"))[:31])
    for index, (_label, _field, width) in enumerate(columns, start=1):
        sheet.column_dimensions[_letter(index)].width = width
    bold = Font(bold=True)
    header = []
    for label, _field, _width in columns:
        cell = WriteOnlyCell(sheet, value=str(label))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    fields = [field for _label, field, _width in columns]
    rows = queryset.order_by("-created_at", "-id").values_list(*fields)[:MAX_ROWS]
    for row in rows.iterator(chunk_size=2000):
        sheet.append([_cell_value(f, v, labels) for f, v in zip(fields, row, strict=True)])
    # Not a context manager: the caller streams the file and the response closes it.
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    workbook.save(target)
    target.seek(0)
    return target


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)
