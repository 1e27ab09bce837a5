"""Wenming (文明): the platform a city's Civilization Office runs its campaign on."""

__version__ = "0.1.0"
