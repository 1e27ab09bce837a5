"""Tables of the creation registry app."""
