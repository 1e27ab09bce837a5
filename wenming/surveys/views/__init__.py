"""The surveys pages: the office's questionnaires, quotas, results, links and QR codes
(`office`), and the public page a citizen answers on a phone (`public`)."""

from .office import (
    question_delete,
    question_edit,
    question_new,
    quotas,
    report,
    results,
    survey_detail,
    survey_edit,
    survey_links,
    survey_list,
    survey_new,
    survey_qr,
    transition,
)
from .public import answer, thanks

__all__ = [
    "answer",
    "question_delete",
    "question_edit",
    "question_new",
    "quotas",
    "report",
    "results",
    "survey_detail",
    "survey_edit",
    "survey_links",
    "survey_list",
    "survey_new",
    "survey_qr",
    "thanks",
    "transition",
]
