"""The demo evaluation system's wording, written for Wenming in our own words.

It follows the national structure (items → indicators → standards, three methods, a negative
list, quantified field checks per point type) without copying any published text. Each
standard line is "methods|lead unit|supporting units|text": methods are M (material review),
F (field inspection), Q (questionnaire); a trailing "!" marks a hard requirement and "+" a
standard worth twice the usual share of its method's points.
"""

# In two modules by part: the item tree (items.py), and the negative list, point types and
# their field checks (checks.py).
from .checks import CHECKLISTS, NEGATIVE, POINT_TYPES
from .items import ITEMS

DEMO_SYSTEM_CODE = "DEMO-2026"
DEMO_NEXT_CODE = "DEMO-2027"

__all__ = ["CHECKLISTS", "DEMO_NEXT_CODE", "DEMO_SYSTEM_CODE", "ITEMS", "NEGATIVE", "POINT_TYPES"]
