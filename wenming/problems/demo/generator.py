"""The calendar walk: problems made day by day, simulated, and yielded in creation order."""

import heapq
import random
from datetime import date, datetime, timedelta
from functools import lru_cache

from django.db.models import Max
from django.utils import timezone

from wenming.core.calendar import add_working_days, is_working_day, working_days_between

from ..models import (
    LedgerConfig,
    Problem,
    ProblemCounter,
    Source,
)
from .content import (
    DAYS,
    GENERIC_TITLES,
    PHOTO_PROBLEMS,
    ROADS,
    SEVERITIES,
    SOURCES_HOLIDAY,
    SOURCES_WORKDAY,
    SURNAMES,
    TITLES,
    E,
    S,
)
from .simulation import (
    _P,
    _Lifecycle,
)
from .world import (
    _Picker,
    _World,
)


class _Generator(_Lifecycle):
    """Walks the calendar day by day, creating and simulating problems in creation order."""

    def __init__(
        self,
        world: _World,
        rng: random.Random,
        *,
        count: int,
        now: datetime,
        photo_quota: int = PHOTO_PROBLEMS,
    ):
        self.world, self.rng, self.count = world, rng, count
        self.photo_quota = photo_quota
        self.tz = timezone.get_current_timezone()
        self.now_utc = now
        self.now = timezone.localtime(now, self.tz).replace(tzinfo=None)
        # Asia/Shanghai has had no daylight saving since 1991, so one offset converts.
        self.offset = timezone.localtime(now, self.tz).utcoffset()
        self.today = self.now.date()
        self.start = self.today - timedelta(days=DAYS)
        self.seq = 0
        self.heap: list[_P] = []
        self.config = LedgerConfig.objects.filter(pk=1).first() or LedgerConfig()
        self.sources_work = _Picker(SOURCES_WORKDAY)
        self.sources_holiday = _Picker(SOURCES_HOLIDAY)
        self.severities = _Picker(SEVERITIES)
        self.add_wd = lru_cache(maxsize=None)(add_working_days)
        self.wd_between = lru_cache(maxsize=None)(working_days_between)
        self.is_wd = lru_cache(maxsize=None)(is_working_day)
        self.codes_in_year: dict[int, int] = dict(
            ProblemCounter.objects.values_list("year", "last")
        )
        self.next_id = (Problem.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        self.photo_pool: list[_P] = []
        # Its own generator: the ledger is the same whatever the number of photos.
        self.photo_rng = random.Random(rng.random())
        self.photo_seen = 0
        self.made = 0

    # -- time helpers (local, naive) --

    def work_time(self, day: date, earliest: datetime | None = None) -> datetime:
        """A moment in office hours on `day` (after `earliest` when that is on the same day)."""
        moment = datetime(day.year, day.month, day.day, 8, 30) + timedelta(
            seconds=self.rng.randrange(0, 9 * 3600)
        )
        if earliest is not None and moment <= earliest:
            moment = earliest + timedelta(seconds=self.rng.randrange(600, 3 * 3600))
        return moment

    def after(self, t: datetime, hours: float) -> datetime:
        """`hours` later, moved into office hours of a working day if it falls outside them."""
        moment = t + timedelta(seconds=int(hours * 3600))
        day = moment.date()
        minutes = moment.hour * 60 + moment.minute
        if self.is_wd(day) and 510 <= minutes < 1050:
            return moment
        if self.is_wd(day) and minutes < 510:
            return datetime(day.year, day.month, day.day, 8, 30) + timedelta(
                seconds=self.rng.randrange(0, 5400)
            )
        while True:
            day += timedelta(days=1)
            if self.is_wd(day):
                return datetime(day.year, day.month, day.day, 8, 30) + timedelta(
                    seconds=self.rng.randrange(0, 5400)
                )

    # -- making problems --

    def _push(self, p: _P) -> None:
        heapq.heappush(self.heap, p)

    def _new(self, created: datetime, kind: str = "base") -> _P:
        self.seq += 1
        return _P(created, self.seq, kind)

    def _place(self, p: _P, *, at_point: bool) -> None:
        rng, world = self.rng, self.world
        if at_point and world.spot_picker is not None:
            spot = world.spot_picker(rng)
            item_id, standard_id, category_code, days = rng.choice(spot.items)
            p.area, p.point_id, p.item_id, p.standard_id = (
                spot.area,
                spot.point_id,
                item_id,
                standard_id,
            )
            p.category = world.categories[category_code]
            p.deadline_days = days or p.category["deadline_days"]
            p.lat = round(spot.lat + rng.uniform(-0.0003, 0.0003), 6)
            p.lon = round(spot.lon + rng.uniform(-0.0004, 0.0004), 6)
            p.address = spot.address
            place = spot.name
            p.owners = spot.owners  # the point's responsible units: a facility's owners
        else:
            area = rng.choice(world.areas_of[world.district_picker(rng)])
            (suffix, categories) = world.place_kinds(rng)
            code = categories(rng)
            if code not in world.categories:
                code = rng.choice(sorted(world.categories))
            p.area, p.category = area, world.categories[code]
            p.deadline_days = p.category["deadline_days"]
            road, road2 = rng.sample(ROADS, 2)
            place = suffix.format(
                road=road,
                road2=road2,
                n=rng.randint(1, 399),
                community=area.name.removesuffix("社区").removesuffix("村"),
            )
            p.lat = round(area.lat + rng.uniform(-0.004, 0.004), 6)
            p.lon = round(area.lon + rng.uniform(-0.005, 0.005), 6)
            p.address = f"{area.district_name}{area.street_name}{place}"
            p.owners = ()
        template = rng.choice(TITLES.get(p.category["code"], GENERIC_TITLES))
        p.title = f"{place}{template}"[:200]

    def _reporter(self, p: _P) -> None:
        rng, world = self.rng, self.world
        source = p.source
        if source == Source.INSPECTION:
            p.reporter = world.inspector
        elif source in (Source.HOTLINE, Source.MEDIA, Source.LEADER, Source.OTHER):
            p.reporter = world.office
        elif source == Source.SELF_FOUND:
            p.reporter = world.region_officer.get(p.area.district_id)
        if source in (Source.CITIZEN, Source.HOTLINE):
            p.is_anonymous = rng.random() < 0.25
            if not p.is_anonymous:
                p.reporter_name = rng.choice(SURNAMES) + ("先生" if rng.random() < 0.5 else "女士")
                p.reporter_phone = (
                    f"1{rng.choice('3589')}{rng.randrange(10)}****{rng.randrange(10000):04d}"
                )

    def base_problem(self, created: datetime, workday: bool) -> _P:
        rng = self.rng
        p = self._new(created)
        p.source = (self.sources_work if workday else self.sources_holiday)(rng)
        at_point = (
            p.source == Source.INSPECTION
            and rng.random() < 0.85
            or (p.source in (Source.CITIZEN, Source.SELF_FOUND) and rng.random() < 0.25)
        )
        self._place(p, at_point=at_point)
        p.severity = "high" if p.source == Source.LEADER else self.severities(rng)
        self._reporter(p)
        return p

    def _describe(self, p: _P) -> None:
        labels = {
            Source.INSPECTION: "督查发现",
            Source.CITIZEN: "市民反映",
            Source.HOTLINE: "12345热线转办",
            Source.MEDIA: "媒体曝光",
            Source.LEADER: "领导批示",
            Source.SELF_FOUND: "自查发现",
            Source.OTHER: "其他渠道反映",
        }
        p.description = f"{labels.get(p.source, '')}：{p.address}，{p.title}。请按期整改并反馈。"

    def _times_of_day(self, day: date, n: int, workday: bool) -> list[datetime]:
        base = datetime(day.year, day.month, day.day)
        if workday:
            seconds = [self.rng.randrange(7 * 3600, 20 * 3600) for _ in range(n)]
        else:
            seconds = [self.rng.randrange(8 * 3600, 22 * 3600) for _ in range(n)]
        return [base + timedelta(seconds=s) for s in sorted(seconds)]

    def day_counts(self, total: int) -> list[tuple[date, int, bool]]:
        """How many base problems each day gets: weekdays, season and the campaign's rhythm."""
        days, weights = [], []
        for i in range(DAYS + 1):
            day = self.start + timedelta(days=i)
            workday = self.is_wd(day)
            season = 0.8 if day.month in (12, 1, 2) else 1.1 if day.month in (5, 6, 9, 10) else 1.0
            trend = 0.85 + 0.3 * i / DAYS  # the campaign intensifies towards the assessment
            weight = (1.0 if workday else 0.45) * season * trend
            if i == DAYS:  # today: only the hours already past
                weight *= max(0.05, (self.now.hour * 60 + self.now.minute) / 1440)
            days.append((day, workday))
            weights.append(weight)
        scale = total / sum(weights)
        result, carry = [], 0.0
        for (day, workday), weight in zip(days, weights, strict=True):
            exact = weight * scale + carry
            n = int(exact)
            carry = exact - n
            result.append((day, n, workday))
        return result

    def showcase(self) -> list[_P]:
        """A few recent problems stopped at each stage, so every status shows at any size.

        They are reported five to eight working days ago (so the stages before their stop
        have happened whatever day it is) and nobody has acted on them since.
        """
        stops = [
            S.NEW,
            S.REGISTERED,
            S.DISPATCHED,
            S.IN_PROGRESS,
            S.RECTIFIED,
            S.ON_HOLD,
            S.REJECTED,
            "extension",
            "hold_request",
        ]
        found = []
        for i, stop in enumerate(stops):
            day = self.add_wd(self.today, -(5 + i // 2))
            p = self.base_problem(self.work_time(day), True)
            p.force = stop
            found.append(p)
        return found

    # -- children: duplicates and recurrences --

    def spawn(self, p: _P) -> None:
        rng = self.rng
        if p.status == S.CLOSED and p.point_id is not None and rng.random() < 0.04:
            created = p.closed_at + timedelta(seconds=rng.randrange(86_400, 29 * 86_400))
            if created <= self.now:
                child = self._new(created, "recurrence")
                for name in (
                    "category",
                    "area",
                    "point_id",
                    "item_id",
                    "standard_id",
                    "address",
                    "deadline_days",
                    "owners",
                    "title",
                ):
                    setattr(child, name, getattr(p, name))
                child.lat = round(p.lat + rng.uniform(-0.0001, 0.0001), 6)
                child.lon = round(p.lon + rng.uniform(-0.0001, 0.0001), 6)
                child.source = rng.choice([Source.INSPECTION, Source.INSPECTION, Source.CITIZEN])
                child.severity = "high" if rng.random() < 0.3 else "normal"
                child.recurrence_of, child.recurrence_code = p.id, p.code
                self._reporter(child)
                self._push(child)
        if p.status == S.REJECTED or p.dispatched_at is None or rng.random() >= 0.035:
            return
        open_until = min(p.closed_at or self.now, self.now)
        for _i in range(1 if rng.random() < 0.8 else rng.randint(2, 3)):
            created = p.created + timedelta(seconds=rng.randrange(1_800, 120 * 3_600))
            if created >= open_until:
                continue
            child = self._new(created, "duplicate")
            for name in (
                "category",
                "area",
                "address",
                "deadline_days",
                "title",
                "point_id",
                "item_id",
                "standard_id",
            ):
                setattr(child, name, getattr(p, name))
            child.lat = round(p.lat + rng.uniform(-0.0002, 0.0002), 6)
            child.lon = round(p.lon + rng.uniform(-0.0002, 0.0002), 6)
            child.source = rng.choice([Source.CITIZEN, Source.HOTLINE])
            child.severity = "normal"
            child.parent = p
            self._reporter(child)
            reject_at = self.after(created, rng.uniform(0.5, 6))
            if reject_at <= open_until:  # rejected as a duplicate while the original was open
                child.dup_reject_at = reject_at
                p.pending_dups += 1
                event = [
                    E.ALSO_REPORTED,
                    "",
                    "",
                    self._person_id(self.world.office),
                    self._person_name(self.world.office),
                    reject_at,
                    "",
                    {"duplicate": None},
                    None,
                ]
                p.also_events.append(event)
                child.parent = (p, event)
            else:
                child.kind = "queued"  # still waiting in the office's queue
                child.force = S.NEW
            self._push(child)

    @staticmethod
    def _person_id(person):
        return person["id"] if person else None

    @staticmethod
    def _person_name(person):
        return person["username"] if person else ""

    # -- the main loop --

    def problems(self):
        """Yield simulated problems in creation order (a parent waits for its duplicates)."""
        children_share = 0.045
        base_total = max(1, round(self.count * (1 - children_share)))
        for p in self.showcase():
            self._push(p)
        for day, n, workday in self.day_counts(base_total - len(self.heap)):
            if n:
                for created in self._times_of_day(day, n, workday):
                    if created <= self.now:
                        self._push(self.base_problem(created, workday))
            day_end = datetime(day.year, day.month, day.day) + timedelta(days=1)
            while self.heap and self.heap[0].created < day_end:
                p = heapq.heappop(self.heap)
                if p.created > self.now:
                    continue
                yield from self._realise(p)

    def _realise(self, p: _P):
        self._number(p)
        self._describe(p)
        if p.kind == "duplicate":
            parent, event = p.parent
            p.parent = parent
            event[7] = {"duplicate": p.code}
            self.simulate(p)
            # The duplicate's row points at the original's: it is written after it.
            parent.held.append(p)
            parent.pending_dups -= 1
            if parent.pending_dups == 0:
                yield parent
                yield from parent.held
            return
        self.simulate(p)
        self._consider_photos(p)
        self.spawn(p)
        if p.pending_dups == 0:
            yield p

    def _number(self, p: _P) -> None:
        p.id = self.next_id
        self.next_id += 1
        year = p.created.year
        serial = self.codes_in_year.get(year, 0) + 1
        self.codes_in_year[year] = serial
        p.year, p.serial = year, serial
        p.code = f"WM{year}-{serial:06d}"
        self.made += 1

    def _consider_photos(self, p: _P) -> None:
        """Reservoir-sample recent, well-advanced problems for the generated photos."""
        if (self.now - p.created).days > 75 or p.status not in (
            S.CLOSED,
            S.RECTIFIED,
            S.IN_PROGRESS,
        ):
            return
        self.photo_seen += 1
        if len(self.photo_pool) < self.photo_quota:
            self.photo_pool.append(p)
        else:
            j = self.photo_rng.randrange(self.photo_seen)
            if j < self.photo_quota:
                self.photo_pool[j] = p
