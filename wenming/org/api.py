"""Organisation endpoints of the JSON API (thin: parse, call a selector, return)."""

from ninja import Router, Schema

from . import selectors

router = Router(tags=["organisation"])


class RegionOut(Schema):
    code: str
    name: str
    name_en: str
    level: str
    kind: str
    parent: str | None


class UnitOut(Schema):
    code: str
    name: str
    name_en: str
    kind: str
    is_active: bool


def _region_out(region) -> dict:
    return {"code": region.code, "name": region.name, "name_en": region.name_en,
            "level": region.level, "kind": region.kind,
            "parent": region.parent.code if region.parent_id else None}


@router.get("/regions", response=list[RegionOut], summary="Regions the caller may see")
def list_regions(request, level: str | None = None, parent: str | None = None):
    regions = selectors.regions_visible(actor=request.auth, level=level, parent_code=parent)
    return [_region_out(r) for r in regions]


@router.get("/regions/{code}", response=RegionOut, summary="One region")
def get_region(request, code: str):
    return _region_out(selectors.region_get(actor=request.auth, code=code))


@router.get("/units", response=list[UnitOut], summary="Member units the caller may see")
def list_units(request):
    return list(selectors.units_visible(actor=request.auth))


@router.get("/units/{code}", response=UnitOut, summary="One member unit")
def get_unit(request, code: str):
    return selectors.unit_get(actor=request.auth, code=code)
