"""Documents of the standards app that the worker makes (wenming.core.jobs)."""

from . import selectors
from .workbook import export_workbook
from .workbook.export import export_row_count

WORKBOOK = "standards.workbook"


def make_workbook(*, job, out, progress) -> str:
    """The evaluation system as one workbook, with the points its owner may see."""
    system = selectors.system_get(actor=job.owner, code=job.params["system"])
    progress.total(export_row_count(system))
    export_workbook(system, out, actor=job.owner, progress=progress)
    return f"{system.code}.xlsx"
