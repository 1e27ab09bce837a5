"""ECharts options made from a chart's table (the JSON a static script draws; no code inside).

Only plain data goes out: the page's CSP forbids inline scripts, and formatter functions
cannot travel in JSON, so labels use ECharts' string templates.
"""

from django.utils.translation import gettext as _

PALETTE = ["#c0392b", "#2e86c1", "#27ae60", "#f39c12", "#8e44ad", "#16a085", "#7f8c8d", "#d35400"]


def _no_data() -> dict:
    return {
        "title": {
            "text": _("No data"),
            "left": "center",
            "top": "middle",
            "textStyle": {"fontSize": 14, "color": "#888"},
        }
    }


def _series_values(chart, index: int) -> list:
    return [row[index] for row in chart.rows]


def echarts_option(chart) -> dict:
    if chart.empty:
        return _no_data()
    labels = [str(row[0]) for row in chart.rows]
    base = {
        "color": PALETTE,
        "tooltip": {"trigger": "item" if chart.kind in ("pie", "gauge") else "axis"},
        "grid": {"left": 8, "right": 16, "top": 36, "bottom": 8, "containLabel": True},
        "aria": {"enabled": True},
    }
    if chart.kind == "pie":
        return {
            **base,
            "legend": {"type": "scroll", "bottom": 0},
            "series": [
                {
                    "type": "pie",
                    "name": chart.columns[1],
                    "radius": ["35%", "65%"],
                    "center": ["50%", "45%"],
                    "label": {"formatter": "{b}: {c}"},
                    "data": [
                        {"name": label, "value": row[1]}
                        for label, row in zip(labels, chart.rows, strict=True)
                        if row[1]
                    ],
                }
            ],
        }
    if chart.kind == "gauge":
        value = chart.rows[0][1]
        detail = "{value}"
        if len(chart.rows) >= 3:
            detail = f"{{value}}\n{chart.rows[1][1]} – {chart.rows[2][1]}"
        return {
            **base,
            "series": [
                {
                    "type": "gauge",
                    "min": 0,
                    "max": 100,
                    "progress": {"show": True, "width": 14},
                    "axisLine": {"lineStyle": {"width": 14}},
                    "detail": {"formatter": detail, "fontSize": 22, "offsetCenter": [0, "55%"]},
                    "data": [{"value": value, "name": chart.rows[0][0]}],
                }
            ],
        }
    series_names = chart.columns[1:]
    if chart.kind in ("hbar",):
        return {
            **base,
            # Room right of the longest bar for its value label (the big screen's larger type
            # cut "118" to "11").
            "grid": {**base["grid"], "right": 56},
            "xAxis": {"type": "value"},
            "yAxis": {"type": "category", "data": labels, "inverse": True},
            "series": [
                {
                    "type": "bar",
                    "name": series_names[0],
                    "data": _series_values(chart, 1),
                    "label": {"show": True, "position": "right"},
                }
            ],
        }
    if chart.kind == "rates":
        return {
            **base,
            "legend": {"top": 0},
            "xAxis": {"type": "category", "data": labels},
            "yAxis": {
                "type": "value",
                "min": 0,
                "max": 100,
                "axisLabel": {"formatter": "{value}%"},
            },
            "series": [
                {
                    "type": "line",
                    "name": series_names[i],
                    "data": _series_values(chart, i + 1),
                    "connectNulls": False,
                    "label": {"show": True, "formatter": "{c}%"},
                }
                for i in range(2)
            ],
        }
    kind = "line" if chart.kind == "line" else "bar"
    return {
        **base,
        "legend": {"top": 0},
        "xAxis": {"type": "category", "data": labels, "axisLabel": {"rotate": 30}},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "type": kind,
                "name": name,
                "data": _series_values(chart, i + 1),
                **({"stack": "all"} if chart.kind == "stack" else {}),
                **({"smooth": True} if kind == "line" else {}),
            }
            for i, name in enumerate(series_names)
        ],
    }
