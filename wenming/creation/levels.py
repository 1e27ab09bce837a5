"""Who reviews whom, written once.

An applicant's first review is by "the region above" it, at the level that has a civilization
office: villages, communities, towns and streets (and whatever lies in them: a school, a family,
a service window) are reviewed by their county-level region (district, county, county-level
city); an applicant at county level or registered at the city (a member unit) is reviewed by the
city's office itself. The office's own review follows in every case.
"""

from wenming.core.roles import Role, is_office
from wenming.org.models import Region, RegionLevel

# Applicant's region level → the level of the region that reviews it first.
REVIEWER_LEVEL = {
    RegionLevel.COMMUNITY: RegionLevel.DISTRICT,
    RegionLevel.STREET: RegionLevel.DISTRICT,
    RegionLevel.DISTRICT: RegionLevel.CITY,
    RegionLevel.CITY: RegionLevel.CITY,
}


def district_of(region: Region) -> Region | None:
    """The county-level region containing `region` (itself at that level; None above it)."""
    if region.level == RegionLevel.DISTRICT:
        return region
    if region.level == RegionLevel.CITY:
        return None
    codes = region.lineage_codes()
    # The lineage is city, district, street, community: the district is the second code.
    return Region.objects.filter(code=codes[1]).first() if len(codes) > 1 else None


def reviewer_region(region: Region) -> Region:
    """The region whose officers give an applicant in `region` its first review."""
    want = REVIEWER_LEVEL[region.level]
    if region.level == want:
        return region
    codes = region.lineage_codes()
    found = Region.objects.filter(code__in=codes, level=want).first()
    if found is None:
        # A tree without that level (a city's own entries): the top of the lineage reviews.
        found = Region.objects.filter(code=codes[0]).first() or region
    return found


def may_review_first(actor, reviewer: Region) -> bool:
    """True when `actor` gives the first review for an applicant whose reviewing region is
    `reviewer`: an officer of exactly that region, or the office when the city reviews."""
    if reviewer.level == RegionLevel.CITY:
        return is_office(actor)
    return getattr(actor, "role", None) == Role.REGION_OFFICER and actor.region_id == reviewer.pk
