"""Date and time formats shared by both interface languages (FORMAT_MODULE_PATH).

The office reads dates as ISO (2026-03-05, 2026-03-05 14:30) whatever the page's language, so
a ledger printed in English and one in Chinese line up, and a date copied from either is
understood by the filters, the API and Excel. Only display formats are set here; what forms
accept (the *_INPUT_FORMATS) stays Django's per language.
"""

DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "Y-m"
MONTH_DAY_FORMAT = "m-d"
