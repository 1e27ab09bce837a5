"""How the first 22 point types' checks are made, as the handbook's forms describe them.

Field forms are mostly pass/fail per place with a sampling rule: walk so far from the gate,
every so many metres counts as one place, watch so many minutes at a crossing. A check that
counts places (a rate, "per 100 m", "sample 20 shops") is reported as a score rate (places
passed ÷ places observed); a single fact is pass/fail. Records (ledgers, rosters, posted
rules) are checked on site (实地调查); asking or trying a service is a simulated check.
"""

import re

# Per point type, the walk or watch the form prescribes for its place-counting checks:
# (route m, spacing m, minutes, observations, note).
TYPE_RULES = {
    "ROAD": (1000, 100, None, None, "沿道路单侧步行1公里，每100米计一处"),
    "BACK_STREET": (200, 20, None, None, "从巷口步行200米，每20米计一处"),
    "COMMERCIAL": (500, 50, None, None, "沿街步行500米，每50米计一处"),
    "INTERSECTION": (None, None, 5, None, "在路口观察5分钟"),
    "RESIDENTIAL": (300, 30, None, None, "从小区大门起步行300米，每30米计一处"),
    "MARKET": (None, None, None, 20, "随机抽查20个摊位"),
    "HOSPITAL": (None, None, 30, None, "在门诊大厅及院区出入口观察30分钟"),
    "SCHOOL": (200, 20, None, None, "从校门起步行200米，每20米计一处"),
    "RAIL_STATION": (None, None, 30, None, "在站前广场和候车区观察30分钟"),
    "BUS_TERMINAL": (None, None, 15, None, "在候车厅观察15分钟"),
    "BUS_STOP": (None, None, 5, 2, "候车观察5分钟，至少2趟车"),
    "PARK": (500, 50, None, None, "沿主园路步行500米，每50米计一处"),
    "SQUARE": (None, None, 15, None, "环广场一周，观察15分钟"),
    "SCENIC": (500, 50, None, None, "沿游览线路步行500米，每50米计一处"),
    "VILLAGE": (500, 50, None, None, "沿村内主路步行500米，每50米计一处"),
    "HOARDING": (100, 10, None, None, "沿围挡外侧步行100米，每10米计一处"),
}
SIMULATED = ("咨询", "模拟", "拨打", "询问", "求助")
RECORD = ("记录", "台账", "制度", "公示", "名册", "档案", "登记", "章程", "挂牌上岗")
COUNTS_PLACES = re.compile(r"每\d+米|每公里|抽查|观察\d+|率")


def _number(pattern: str, text: str) -> int | None:
    found = re.search(pattern, text)
    return int(found.group(1)) if found else None


def check_form(type_code: str, text: str) -> dict:
    """The observation method, scoring and sampling rule of one check of the handbook's forms."""
    if any(word in text for word in SIMULATED):
        observation = "simulated"
    elif any(word in text for word in RECORD):
        observation = "record"
    else:
        observation = "observation"
    counts_places = bool(COUNTS_PLACES.search(text))
    form = {
        "observation": observation,
        "scoring": "score_rate" if counts_places else "pass_fail",
        "sample_route_m": None,
        "sample_spacing_m": None,
        "sample_minutes": None,
        "sample_count": None,
        "sampling_note": "",
    }
    rule = TYPE_RULES.get(type_code)
    if counts_places and rule is not None:
        route, spacing, minutes, count, note = rule
        form.update(
            sample_route_m=route,
            sample_spacing_m=spacing,
            sample_minutes=minutes,
            sample_count=count,
            sampling_note=note,
        )
    # What the check itself says overrides the type's walk: "observe 30 minutes", "sample 20".
    minutes = _number(r"观察(\d+)分钟", text)
    if minutes:
        form["sample_minutes"] = minutes
    count = _number(r"抽查(?:周边)?(\d+)", text) or _number(r"观察(\d+)[辆趟]", text)
    if count:
        form["sample_count"] = count
        form["scoring"] = "score_rate"
    spacing = _number(r"每(\d+)米", text)
    if spacing and form["sample_spacing_m"] is None:
        form["sample_spacing_m"] = spacing
    return form


def handbook_form(observation: str, scoring: str, rule: dict | None) -> dict:
    """The same fields from a check written out in full (demo_content/handbook.py)."""
    rule = rule or {}
    return {
        "observation": observation,
        "scoring": scoring,
        "sample_route_m": rule.get("route"),
        "sample_spacing_m": rule.get("spacing"),
        "sample_minutes": rule.get("minutes"),
        "sample_count": rule.get("count"),
        "sampling_note": rule.get("note", ""),
    }
