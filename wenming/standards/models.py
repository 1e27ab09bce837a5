"""Tables of the standards app (filled in by its issue)."""
