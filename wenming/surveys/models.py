"""Tables of the satisfaction surveys app."""
