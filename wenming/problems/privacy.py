"""Who sees a reporter's phone number, and how: the one rule every page, export and API asks.

The Civilization Office sees the number as given (it calls reporters back); everyone else —
units, districts, inspectors, leaders — sees it masked, as the 12345 hotline masks it
(138****5678: the carrier prefix and the last four digits, enough to recognise a caller
who rings again, not enough to ring them).
"""

from wenming.org.roles import is_office


def mask(phone: str) -> str:
    """`phone` with all but its first three and last four characters starred."""
    phone = (phone or "").strip()
    n = len(phone)
    if n >= 8:
        return phone[:3] + "*" * (n - 7) + phone[-4:]
    if n > 2:  # a short extension: only its last two characters
        return "*" * (n - 2) + phone[-2:]
    return "*" * n


def mask_phone(actor, phone: str | None) -> str | None:
    """The reporter's phone as `actor` may read it: whole for the office, else masked.

    None when there is no number for someone outside the office (as the API said before
    masking); the office gets the stored value, empty or not.
    """
    if is_office(actor):
        return phone
    return mask(phone) if phone else None
