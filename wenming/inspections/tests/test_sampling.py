"""Draws that anyone can repeat from the stored seed."""

from collections import Counter

from wenming.inspections.sampling import (
    ALL,
    RANDOM,
    FramePoint,
    Plan,
    allocate,
    assign_balanced,
    assign_three_randoms,
    draw,
)


def _frame():
    points = []
    for i in range(60):
        points.append(FramePoint(f"M{i:03d}", "market", "d1" if i < 40 else "d2"))
    for i in range(10):
        points.append(FramePoint(f"S{i:03d}", "school", "d1"))
    return points


PLANS = [Plan("market", RANDOM, 12, by_district=True), Plan("school", ALL)]


def test_the_same_seed_draws_the_same_points_and_another_seed_others():
    first = draw(_frame(), PLANS, seed=4242)
    assert first == draw(list(reversed(_frame())), PLANS, seed=4242)  # order of the frame
    assert first != draw(_frame(), PLANS, seed=4243)
    assert sum(p.point_type == "school" for p in first) == 10  # "all points"
    markets = [p for p in first if p.point_type == "market"]
    # 12 stratified by district in proportion 40 : 20
    assert Counter(p.district for p in markets) == {"d1": 8, "d2": 4}
    assert len({p.code for p in markets}) == 12


def test_a_new_point_of_another_type_does_not_change_a_types_draw():
    before = [p for p in draw(_frame(), PLANS, seed=7) if p.point_type == "market"]
    frame = _frame() + [FramePoint("S999", "school", "d2")]
    after = [p for p in draw(frame, PLANS, seed=7) if p.point_type == "market"]
    assert before == after


def test_allocation_is_proportional_and_never_exceeds_a_stratum():
    assert allocate(10, {"a": 50, "b": 30, "c": 20}) == {"a": 5, "b": 3, "c": 2}
    assert allocate(5, {"a": 1, "b": 100}) == {"a": 0, "b": 5}
    assert allocate(50, {"a": 2, "b": 3}) == {"a": 2, "b": 3}
    assert sum(allocate(7, {"a": 3, "b": 3, "c": 3}).values()) == 7


def test_balanced_assignment_is_even_to_within_one_and_keeps_districts_together():
    visits = draw(_frame(), PLANS, seed=1)
    teams = ["t1", "t2", "t3"]
    assigned = assign_balanced(visits, teams)
    loads = Counter(assigned.values())
    assert max(loads.values()) - min(loads.values()) <= 1 and sum(loads.values()) == 22
    # Each team's visits span at most two districts (a cut between neighbours).
    by_team = {t: {p.district for p in visits if assigned[p.code] == t} for t in teams}
    assert all(len(d) <= 2 for d in by_team.values())


def test_three_randoms_gives_whole_streets_to_teams_reproducibly():
    visits = draw(_frame(), PLANS, seed=1)
    street_of = {p.code: f"street{int(p.code[1:]) % 4}" for p in visits}
    once = assign_three_randoms(visits, ["A", "B"], street_of, seed=99)
    assert once == assign_three_randoms(visits, ["A", "B"], street_of, seed=99)
    for street in set(street_of.values()):
        assert len({once[c] for c, s in street_of.items() if s == street}) == 1
    seeds = {
        tuple(sorted(assign_three_randoms(visits, ["A", "B"], street_of, s).items()))
        for s in range(10)
    }
    assert len(seeds) > 1
