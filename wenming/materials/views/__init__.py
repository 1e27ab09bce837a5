"""Material review pages: a unit's due list, one submission (files, upload, submit, the
office's review), the office's review queue, the gap list and the roll-up."""

from .office import gap_list, queue, scores, window_edit, window_new
from .submission import detail, download, due, file_add, file_remove, review, submit

__all__ = [
    "detail",
    "download",
    "due",
    "file_add",
    "file_remove",
    "gap_list",
    "queue",
    "review",
    "scores",
    "submit",
    "window_edit",
    "window_new",
]
