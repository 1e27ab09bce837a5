"""Tables of the problems app (filled in by its issue)."""
