"""The demo evaluation systems' wording, written for Wenming in our own words.

It follows the national structure (items → indicators → content lines → clauses, three
methods, a negative list with vetoes and graded effects, quantified field checks per point
type with their sampling rules, and the minors' system as a prerequisite) without copying any
published text. Each content line is "methods|lead unit|supporting units|text": methods are M
(material review), F (field inspection), Q (questionnaire); "+" marks a line worth twice the
usual share of its method's points. The scored tree has no hard requirements: those are the
negative list's vetoes (negative.py).
"""

# In modules by part: the main tree (items.py), the first 22 point types and their checks
# (checks.py) with how they are made (sampling.py), the handbook's further point types
# (handbook.py), the negative list (negative.py) and the minors' system (minors.py).
from . import handbook, minors
from .checks import CHECKLISTS, POINT_TYPES
from .items import ITEMS
from .negative import NEGATIVE

DEMO_SYSTEM_CODE = "DEMO-2026"
DEMO_NEXT_CODE = "DEMO-2027"
DEMO_MINORS_CODE = minors.MINORS_CODE

__all__ = [
    "CHECKLISTS",
    "DEMO_MINORS_CODE",
    "DEMO_NEXT_CODE",
    "DEMO_SYSTEM_CODE",
    "ITEMS",
    "NEGATIVE",
    "POINT_TYPES",
    "handbook",
    "minors",
]
