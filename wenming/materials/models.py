"""Tables of the material review app."""
