"""Tables of the campaigns and tasks app."""
