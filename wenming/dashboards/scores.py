"""What the dashboards show from the scoring app: the latest published ranking and the
predicted national score with its range. Read here, written there (wenming/scoring); a part
that has nothing yet shows "no data", never a made-up figure."""

from django.core.cache import cache
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from wenming.problems.metrics import Period

RANKING_BARS = 15
# The prediction reads months of visits, materials and surveys (about half a second on the demo
# city), far more than a dashboard may spend, and it moves slowly: the gauge shows a figure at
# most this old, the same for every reader allowed to see it.
PREDICTED_KEY = "dashboards:predicted"
PREDICTED_SECONDS = 600


_READY = []


def _scoring_ready() -> bool:
    """The scoring tables exist (the app's migrations ran); once seen, remembered."""
    if _READY:
        return True
    try:
        from wenming.scoring.models import Score, Snapshot
    except ImportError:
        return False
    tables = set(connection.introspection.table_names())
    if Snapshot._meta.db_table in tables and Score._meta.db_table in tables:
        _READY.append(True)
        return True
    return False


def _tier_of(scope) -> str:
    if scope.kind == "unit":
        return "member_unit"
    if scope.kind == "district":
        return "street"
    return "district"


def latest_snapshot(period: Period):
    """The published snapshot of `period`'s month, else the latest published before it."""
    if not _scoring_ready():
        return None
    from wenming.scoring.models import Snapshot

    return (
        Snapshot.objects.filter(status="published", month__lte=period.first)
        .order_by("-month", "-version")
        .first()
    )


def ranking_rows(*, snapshot, tier: str, region=None) -> list[dict]:
    """The subjects of one tier of a snapshot, the ranked best first, then the unranked (names
    and composites: a published ranking is shown to everyone who works in the campaign; an
    unranked subject's score is not, see `_may_show_unranked`)."""
    from wenming.scoring.models import RANKING_ORDER, Score

    qs = Score.objects.filter(snapshot=snapshot, tier=tier).select_related("region", "unit")
    if region is not None:
        qs = qs.filter(region__parent=region)
    rows = []
    for score in qs.order_by(*RANKING_ORDER):
        subject = score.region or score.unit
        rows.append(
            {
                "name": subject.display_name if subject else score.subject,
                "composite": float(score.composite) if score.composite is not None else None,
                "grade": score.grade,
                "rank": score.rank,
                "status": score.status,
                "change": float(score.change) if score.change is not None else None,
                "unit_id": score.unit_id,
            }
        )
    return rows


def ranking_chart(*, scope, period: Period):
    """Bars of the scope's peers from the latest published snapshot: the ranked ones by rank,
    then those below the minimum sample with their scores but no rank, as the scoring app
    shows them. A district's streets are all below it when each has fewer problems due than
    the office asks for (the demo asks for 60), and dropping them drew an empty chart: a
    district leader still wants to compare their streets, and to read why none is ranked."""
    from .selectors import Chart

    snapshot = latest_snapshot(period)
    columns = [_("Subject"), _("Composite score"), _("Rank")]
    if snapshot is None:
        note = _("No ranking has been published yet.")
        return Chart(
            "ranking", _("Ranking"), "hbar", columns, [], extra={"month": "", "note": note}
        )
    month = f"{snapshot.month:%Y-%m}"
    region = scope.region if scope.kind == "district" else None
    rows = ranking_rows(snapshot=snapshot, tier=_tier_of(scope), region=region)
    table = _ranking_table(rows, scope)
    return Chart(
        "ranking",
        _("Ranking, %(month)s") % {"month": month},
        "hbar",
        columns,
        table,
        extra={"month": month, "note": _ranking_note(snapshot, table)},
    )


def _ranking_table(rows: list[dict], scope) -> list[list]:
    """[name, composite, rank] of the ranked rows (best first), then of the unranked ones with
    a score that the dashboard may show (best first, rank None); the first RANKING_BARS."""
    ranked = [row for row in rows if row["rank"] is not None]
    # A subject with no weighted figure at all has no composite, so no bar to draw.
    unranked = sorted(
        (
            row
            for row in rows
            if row["rank"] is None
            and row["composite"] is not None
            and _may_show_unranked(scope, row)
        ),
        key=lambda row: -row["composite"],
    )
    table = [[row["name"], row["composite"], row["rank"]] for row in ranked]
    table += [[_not_ranked(row["name"]), row["composite"], None] for row in unranked]
    return table[:RANKING_BARS]


def _may_show_unranked(scope, row: dict) -> bool:
    """Whether an unranked subject's score may be shown on `scope`'s dashboard.

    Unlike a rank, it is not published: the scoring app shows it only to readers whose scope
    holds the subject (`Score.SCOPE`). So only subjects inside the dashboard's own subject,
    which everyone who may open it may read (scope.py): the city's districts, the district's
    own streets (`ranking_rows` read no other), a unit itself. Never other units, nor the
    districts above a street. The rule depends on the subject alone, as the cached body."""
    if scope.kind in ("city", "district"):
        return True
    if scope.kind == "unit":
        return row["unit_id"] == scope.unit.pk
    return False


def _not_ranked(name: str) -> str:
    # In the name itself: the bar's label, the table, the briefing's picture and workbook all
    # show it, and the chart draws one plain series.
    return pgettext("ranking", "%(name)s (not ranked)") % {"name": name}


def _ranking_note(snapshot, table: list) -> str:
    """Why some bars have no rank, or why there is no bar ("" when every bar is ranked)."""
    month = f"{snapshot.month:%Y-%m}"
    if not table:
        return _("The ranking published for %(month)s has no ranked subject here.") % {
            "month": month
        }
    if all(row[2] is not None for row in table):
        return ""
    # The rule the snapshot was computed under, not today's setting.
    rules = snapshot.rules or {}
    if "min_problems_due" in rules and "min_visits" in rules:
        return _(
            "Not ranked: fewer than %(due)s problems due and fewer than %(visits)s visits in "
            "%(month)s, the minimum sample. Their scores are shown after the ranked ones."
        ) % {"due": rules["min_problems_due"], "visits": rules["min_visits"], "month": month}
    return _(
        "Not ranked: below the minimum sample in %(month)s. Their scores are shown after the "
        "ranked ones."
    ) % {"month": month}


def predicted_score(*, actor) -> dict | None:
    """{"score", "low", "high", "passes"} of the scoring app's prediction (`prediction.predict`),
    for those who may read it (the office and leaders); None when it has no figure."""
    if not _scoring_ready():
        return None
    try:
        from wenming.scoring.selectors import sees_all
    except ImportError:
        return None
    if not sees_all(actor):
        return None
    return _predicted()


def _predicted() -> dict | None:
    """The prediction's figures (the ten-minute copy), whoever asks: callers check the reader."""
    if not _scoring_ready():
        return None
    from wenming.scoring import prediction

    found = cache.get(PREDICTED_KEY)
    if found is None:
        result = prediction.predict()
        found = {"score": None}
        if result.annual is not None:
            found = {
                "score": float(result.annual),
                "low": float(result.low) if result.low is not None else None,
                "high": float(result.high) if result.high is not None else None,
                "passes": result.can_pass,
            }
        cache.set(PREDICTED_KEY, found, PREDICTED_SECONDS)
    return found if found["score"] is not None else None


def sees_predicted(actor) -> bool:
    """Whether `actor` gets the gauge: the scoring app's readers of the prediction."""
    try:
        from wenming.scoring.selectors import sees_all
    except ImportError:
        return True  # no scoring app: the gauge says "no data" to everyone
    return sees_all(actor)


def predicted_chart(*, actor):
    """The gauge of the predicted national score and its range ("no data" when absent)."""
    try:
        from wenming.scoring.selectors import sees_all
    except ImportError:
        sees_all = None
    if sees_all is not None and not sees_all(actor):
        return None  # the prediction is the office's and the leaders' (scoring/api.py)
    return _predicted_chart(predicted_score(actor=actor))


def predicted_chart_for_leaders():
    """The gauge as the office and leaders see it, made without a reader (the tick stores it
    beside the big screen's payload; `bigscreen.py` hands it only to those readers)."""
    return _predicted_chart(_predicted())


def _predicted_chart(predicted):
    from .selectors import Chart

    columns = [pgettext("metric", "Figure"), _("Score")]
    title = _("Predicted national score")
    if predicted is None:
        return Chart("predicted", title, "gauge", columns, [])
    rows = [[_("Predicted score"), round(predicted["score"], 1)]]
    if predicted["low"] is not None and predicted["high"] is not None:
        rows.append([_("Low end of the range"), round(predicted["low"], 1)])
        rows.append([_("High end of the range"), round(predicted["high"], 1)])
    return Chart("predicted", title, "gauge", columns, rows)
