"""Tables of the open311 georeport v2 app."""
