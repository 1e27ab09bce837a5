"""Oversight of the campaign's work: supervision orders, review meetings, guarantor units.

One module per concern: `orders` (the order's state table and services), `meetings`,
`guarantors`, `selectors` (every scoped read), `notices`, `ticks`, `panels`, `api`, `views`,
`urls` (mounted beside the plans pages under `/plans/`), `demo`.
"""
