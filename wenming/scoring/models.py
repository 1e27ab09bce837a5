"""Tables of the scores and rankings app."""
