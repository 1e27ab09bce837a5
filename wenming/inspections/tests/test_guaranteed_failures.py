"""A guarantor unit sees the failed checks at the points it guarantees (plans' oversight)."""

from wenming.inspections import services
from wenming.plans.oversight import guarantors, selectors


def test_failed_checks_show_for_the_points_guarantor_only(cast, market_visit):
    guarantors.guarantor_assign(actor=cast.office, unit=cast.education_unit,
                                point=market_visit.point)
    services.visit_start(actor=cast.inspector, visit=market_visit,
                         lat=market_visit.point.lat, lon=market_visit.point.lon)
    services.visit_answers_save(
        actor=cast.inspector,
        visit=market_visit,
        answers=[{"item": code, "answer": "fail" if code == "MARKET-01" else "pass",
                  "client_id": f"g-{code}"} for code in ("MARKET-01", "MARKET-02", "MARKET-03")],
    )
    failures = list(selectors.guaranteed_failures(cast.education_unit.pk))
    assert [(a.visit_id, a.item.code) for a in failures] == [(market_visit.pk, "MARKET-01")]
    assert not selectors.guaranteed_failures(cast.urban_unit.pk).exists()
