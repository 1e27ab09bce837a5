"""Every write of the plans app, one module per concern (later parts add theirs here)."""
