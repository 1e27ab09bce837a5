"""Tables of the dashboards and briefings app."""
