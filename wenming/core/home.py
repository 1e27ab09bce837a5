"""The role home page is built from panels that each app registers in its AppConfig.ready().

A panel is a function `(request) -> dict | None` returning
`{"title", "items": [{"label", "count", "url", "tone"}], "empty": text, "order": int}`;
None means "nothing for this user". Apps own their panels; the home view only lays them out.
"""

from collections.abc import Callable

HomePanel = Callable[..., dict | None]
_PANELS: list[tuple[int, HomePanel]] = []
_NAV: list[tuple[int, Callable[..., dict | None]]] = []


def register_panel(func: HomePanel, *, order: int = 100) -> HomePanel:
    if all(existing is not func for _o, existing in _PANELS):
        _PANELS.append((order, func))
        _PANELS.sort(key=lambda pair: pair[0])
    return func


def panels_for(request) -> list[dict]:
    result = []
    for _order, func in _PANELS:
        panel = func(request)
        if panel:
            result.append(panel)
    return result


def register_nav(func, *, order: int = 100):
    """Register `(request) -> {"label", "url", "active_prefix"} | None` for the top navigation."""
    if all(existing is not func for _o, existing in _NAV):
        _NAV.append((order, func))
        _NAV.sort(key=lambda pair: pair[0])
    return func


def nav_for(request) -> list[dict]:
    items = []
    for _order, func in _NAV:
        item = func(request)
        if item:
            items.append(item)
    return items
