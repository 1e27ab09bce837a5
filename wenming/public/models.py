"""Tables of the citizens' portal app."""
