"""The demo ledger: a year of problems that lived through every stage of the loop.

`load(scale="small")` makes about 20,000 problems over the past 12 months; `"city"` 200,000 and
`"city-year"` 1,000,000 (a big city's year), each with the timeline its status implies:

- every problem is *simulated*: reported at a plausible hour, registered (or dispatched at
  once by routing), accepted, rectified on time or late, verified, sometimes sent back for
  rework, returned as not ours, extended, put on hold, reopened; the simulation stops at
  "now", so recent problems are still open and a slow handler's problem is overdue;
- every transition writes the event row the services would write (same actions, statuses,
  notes and `data` keys as services/transitions.py), and the problem's per-stage timestamps,
  counters and denormalised columns (`district`, `street`, `is_open`, `is_pending`,
  `search_text`, `handling_days`, `rectified_on`, `closed_on`) are what those events imply;
- deadlines are counted with `wenming.core.calendar.add_working_days`;
- duplicates are rejected with `duplicate_of` and add to the original's "also reported"
  count; problems at a point that come back within 30 days of a close are recurrences;
- problems sit at the demo assessment points (with their checklist item and standard) when
  the points demo is loaded, otherwise near the centres of the demo communities;
- a sample of recent problems gets generated before/after photos (JPEG with EXIF time and
  GPS, stored through `wenming.core.uploads`), some of them failing the integrity checks.

Rows go in through raw `executemany` (SQLite) or `COPY` (PostgreSQL) in chronological order,
with codes, ids and the year counters allocated here. From `BULK_ROWS` problems on, the
secondary indexes and (PostgreSQL) foreign keys are dropped for the load and rebuilt after
it (performance.md: loading into an indexed table is 5–6× slower); then ANALYZE and the
full-text index rebuild. Everything generated is marked `is_demo`; `reset()` removes it.
"""

import bisect
import contextlib
import heapq
import io
import json
import random
import time
from datetime import date, datetime, timedelta
from functools import lru_cache

from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from wenming.core.calendar import add_working_days, is_working_day, working_days_between
from wenming.core.progress import progress

from .models import (
    STAGE_TIMES,
    Category,
    EventKind,
    LedgerConfig,
    PhotoKind,
    Problem,
    ProblemCounter,
    ProblemEvent,
    ProblemPhoto,
    Source,
    Status,
    status_flags,
)
from .search import search_rebuild, search_text_for

SCALE_COUNTS = {"small": 20_000, "city": 200_000, "city-year": 1_000_000}
# From this many problems on, indexes are dropped during the load and rebuilt after it.
BULK_ROWS = 100_000
PHOTO_PROBLEMS = 120  # problems that get generated before/after photos
BATCH = 10_000  # problems per INSERT batch (their events go in with them)
DAYS = 365
SEED = 20260415

S, E = Status, EventKind

# --- what problems look like ----------------------------------------------------------------


def _words(text: str, sep: str | None = None) -> list[str]:
    """Tables below are written as one string per row, which keeps this file short."""
    return text.split(sep)


# Title templates per category code (the categories seeded by migration 0003).
TITLES = {
    "dirty.appearance": _words(
        "路面有垃圾杂物 墙面乱贴小广告 人行道油污严重 路边堆积建筑垃圾 沿街立面污损"
    ),
    "dirty.sanitation": _words(
        "垃圾桶满溢未清运 公厕卫生差有异味 垃圾分类投放点脏乱 绿化带内垃圾堆积 卫生死角无人清理"
    ),
    "chaotic.street_order": _words(
        "占道经营 流动摊贩占用人行道 店外经营出店摆卖 早市占道未按时撤市 夜市烧烤占道"
    ),
    "chaotic.parking": _words(
        "机动车违停占用人行道 非机动车乱停乱放 共享单车堆放占道 消防通道被车辆占用 路口违停影响通行"
    ),
    "chaotic.advertising": _words(
        "违规设置户外广告 门头牌匾破损 乱贴乱画小广告 条幅广告未经审批 灯箱广告破损"
    ),
    "chaotic.market_order": _words(
        "商户未明码标价 市场内占道摆卖 活禽区卫生不达标 公平秤缺失 市场通道堆放杂物"
    ),
    "chaotic.traffic": _words(
        "行人闯红灯较多 机动车不礼让斑马线 渣土车抛洒 非机动车逆行 上下学时段交通拥堵无人疏导"
    ),
    "poor.facilities": _words(
        "路灯不亮 井盖破损 护栏损坏 公交站亭破损 健身器材损坏 盲道被占用破损"
    ),
    "poor.roads": _words("路面坑洼 人行道砖松动破损 道路积水 路缘石破损 检查井周边沉陷"),
    "poor.greening": _words("绿化带黄土裸露 行道树缺株 绿地被毁种菜 树木枯死未补植 绿篱缺损"),
    "poor.construction": _words(
        "施工围挡破损 工地未覆盖防尘网 围挡公益广告缺失 工地车辆带泥上路 施工占道未设警示"
    ),
    "lacking.psa": _words(
        "公益广告数量不足 公益广告破损褪色 未张贴讲文明树新风公益广告 核心价值观宣传缺失"
    ),
    "lacking.signage": _words("交通标志缺失 路名牌缺失 公厕指示牌缺失 标线模糊不清 导向标识缺失"),
    "lacking.facilities": _words(
        "垃圾桶缺失 无障碍设施缺失 缺少休息座椅 垃圾分类设施不全 缺少非机动车停放区"
    ),
    "lacking.service": _words("志愿服务岗无人值守 便民服务窗口无人 导医服务缺位 咨询台无人值守"),
    "civil.behaviour": _words("随地吐痰乱扔垃圾 遛狗不牵绳 公共场所吸烟 大声喧哗插队 乘车不排队"),
}
GENERIC_TITLES = ["存在不文明现象", "环境问题待整改", "设施问题待处理"]

# Places where problems are found when there is no assessment point: (name pattern, weight,
# categories with weights). The weights follow what inspections of such places find.
PLACE_KINDS = [
    (
        "{road}{n}号",
        25,
        "chaotic.parking:20 chaotic.street_order:15 dirty.appearance:15 chaotic.advertising:10 poor.facilities:10 poor.roads:10 lacking.psa:8 lacking.signage:5 poor.greening:5 chaotic.traffic:2",
    ),
    (
        "{road}{n}号巷",
        20,
        "dirty.sanitation:20 dirty.appearance:20 chaotic.street_order:15 chaotic.parking:10 poor.roads:10 poor.facilities:10 lacking.psa:8 lacking.facilities:5 civil.behaviour:2",
    ),
    (
        "{community}小区",
        20,
        "dirty.sanitation:20 chaotic.parking:20 poor.facilities:15 dirty.appearance:10 lacking.facilities:10 lacking.psa:10 poor.greening:10 civil.behaviour:5",
    ),
    (
        "{road}农贸市场",
        8,
        "chaotic.market_order:25 dirty.sanitation:20 chaotic.street_order:20 lacking.psa:10 chaotic.advertising:10 poor.facilities:5 civil.behaviour:10",
    ),
    (
        "{community}小学门前",
        6,
        "chaotic.traffic:20 chaotic.street_order:20 chaotic.parking:20 lacking.psa:15 lacking.signage:10 dirty.appearance:15",
    ),
    (
        "{road}公交站",
        6,
        "dirty.sanitation:15 chaotic.street_order:15 poor.facilities:20 lacking.signage:15 lacking.psa:10 civil.behaviour:15 chaotic.traffic:10",
    ),
    (
        "{community}公园",
        6,
        "dirty.sanitation:20 poor.greening:25 poor.facilities:20 civil.behaviour:15 lacking.psa:10 lacking.signage:10",
    ),
    (
        "{road}在建工地",
        4,
        "poor.construction:50 dirty.appearance:20 chaotic.traffic:15 lacking.psa:15",
    ),
    (
        "{community}便民服务中心",
        3,
        "lacking.service:30 lacking.signage:20 lacking.facilities:20 dirty.sanitation:15 civil.behaviour:15",
    ),
    (
        "{road}与{road2}交叉口",
        7,
        "chaotic.traffic:40 chaotic.parking:25 lacking.signage:20 lacking.psa:15",
    ),
]
ROADS = _words(
    "中山路 人民路 长江路 五四路 西安路 黄河路 解放路 鲁迅路 友好路 胜利路 沿海路 华北路 西南路 红旗路 东北路 昆明街 天津街 青泥街 新开路 高尔基路 民主街 和平路 振兴路 兴工街 联合路 数码路 金马路 旅顺南路 疏港路 锦绣路"
)

# The member units that own a category's kind of trouble (facilities go to the owner first).
OWNERS = {
    "dirty.appearance": _words("URBAN"),
    "dirty.sanitation": _words("URBAN"),
    "chaotic.street_order": _words("URBAN"),
    "chaotic.parking": _words("TRAFFIC URBAN"),
    "chaotic.advertising": _words("URBAN"),
    "chaotic.market_order": _words("MARKET"),
    "chaotic.traffic": _words("TRAFFIC"),
    "poor.facilities": _words("URBAN HOUSING POWER BUS"),
    "poor.roads": _words("HOUSING URBAN"),
    "poor.greening": _words("URBAN NATRES"),
    "poor.construction": _words("HOUSING"),
    "lacking.psa": _words("PROPAGANDA URBAN"),
    "lacking.signage": _words("TRANSPORT TRAFFIC URBAN"),
    "lacking.facilities": _words("URBAN CIVIL"),
    "lacking.service": _words("CIVIL GOVSERVICE"),
    "civil.behaviour": _words("PROPAGANDA PSB"),
}
DEFAULT_OWNER = ["URBAN"]

SOURCES_WORKDAY = [
    (Source.INSPECTION, 42),
    (Source.CITIZEN, 17),
    (Source.HOTLINE, 20),
    (Source.MEDIA, 2),
    (Source.LEADER, 2),
    (Source.SELF_FOUND, 14),
    (Source.OTHER, 3),
]
SOURCES_HOLIDAY = [
    (Source.INSPECTION, 8),
    (Source.CITIZEN, 40),
    (Source.HOTLINE, 40),
    (Source.MEDIA, 3),
    (Source.SELF_FOUND, 7),
    (Source.OTHER, 2),
]
SEVERITIES = [("low", 15), ("normal", 70), ("high", 12), ("urgent", 3)]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"

# Notes as people write them, one list per action.
REWORK_NOTES = _words(
    "整改不到位，现场仍有问题|整改照片与现场不符，请重新整改|问题反弹，请彻底整改|仅做表面处理，请按标准整改",
    "|",
)
RETURN_NOTES = _words(
    "非本单位职责，建议派至属地街道|该路段属其他单位管养|问题位置不在本辖区|应由产权单位负责", "|"
)
EXTENSION_NOTES = _words(
    "需协调产权单位，申请延期|材料采购周期较长|需待天气好转后施工|涉及多部门联合整治，申请延期", "|"
)
HOLD_PLANS = _words(
    "纳入年度改造计划，分批实施|涉及拆迁，待项目启动后整改|需专项资金，已列入下年度预算|待道路大修工程一并解决",
    "|",
)
RECTIFY_NOTES = _words(
    "已整改完毕|已清理完毕，现场恢复整洁|已修复|已劝离并加强巡查|已补设到位|已整改，建立长效管理机制",
    "|",
)
VERIFY_NOTES = _words("现场核查通过|经复查已整改到位|", "|")
REOPEN_NOTES = _words("市民反映问题反弹|督查回头看发现问题复现|媒体再次曝光", "|")
REJECT_NOTES = _words(
    "反映内容不属实|信息不全，无法核实|不属于文明城市创建范围|已由其他渠道处理完毕", "|"
)


class _Picker:
    """Weighted choice by bisection over cumulative weights (random.choices is slower)."""

    def __init__(self, pairs):
        self.items = [item for item, _weight in pairs]
        self.cum, total = [], 0.0
        for _item, weight in pairs:
            total += weight
            self.cum.append(total)
        self.total = total

    def __call__(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


# --- the world the problems happen in ------------------------------------------------------


class _Area:
    """A community (or a street without communities) with its ancestors."""

    __slots__ = (
        "region_id",
        "street_id",
        "district_id",
        "lat",
        "lon",
        "name",
        "street_name",
        "district_name",
        "district_code",
    )

    def __init__(self, **kw):
        for key, value in kw.items():
            setattr(self, key, value)


class _Spot:
    """An assessment point: where inspections find problems, with its checklist items."""

    __slots__ = ("point_id", "area", "lat", "lon", "name", "address", "items", "owners")

    def __init__(self, **kw):
        for key, value in kw.items():
            setattr(self, key, value)


class _World:
    """Everything the generator reads from the database, loaded once."""

    def __init__(self, rng: random.Random):
        from wenming.org.models import Person, Region, RegionLevel, Unit
        from wenming.org.roles import Role

        self.categories = {
            c["code"]: c
            for c in Category.objects.filter(is_active=True).values(
                "id", "code", "kind", "deadline_days"
            )
        }
        if not self.categories:
            raise RuntimeError("no active problem categories (migration 0003 seeds them)")
        self.units = {
            u["code"]: u for u in Unit.objects.filter(is_active=True).values("id", "code", "name")
        }
        self.unit_name = {u["id"]: u["name"] for u in self.units.values()}
        self.unit_code = {u["id"]: u["code"] for u in self.units.values()}
        regions = {
            r["id"]: r
            for r in Region.objects.values(
                "id",
                "code",
                "name",
                "level",
                "parent_id",
                "center_lat",
                "center_lon",
                "path",
                "kind",
            )
        }
        self.region_code = {r["id"]: r["code"] for r in regions.values()}
        self.region_name = {r["id"]: r["name"] for r in regions.values()}
        self.areas_by_region: dict[int, _Area] = {}
        by_district: dict[int, list[_Area]] = {}
        has_children = {r["parent_id"] for r in regions.values()}
        for r in regions.values():
            if r["level"] not in (RegionLevel.STREET, RegionLevel.COMMUNITY):
                continue
            street = r if r["level"] == RegionLevel.STREET else regions.get(r["parent_id"])
            district = regions.get(street["parent_id"]) if street else None
            if street is None or district is None:
                continue
            lat = r["center_lat"] or street["center_lat"] or district["center_lat"] or 38.914
            lon = r["center_lon"] or street["center_lon"] or district["center_lon"] or 121.614
            area = _Area(
                region_id=r["id"],
                street_id=street["id"],
                district_id=district["id"],
                lat=lat,
                lon=lon,
                name=r["name"],
                street_name=street["name"],
                district_name=district["name"],
                district_code=district["code"],
            )
            self.areas_by_region[r["id"]] = area
            if r["level"] == RegionLevel.COMMUNITY or r["id"] not in has_children:
                by_district.setdefault(district["id"], []).append(area)
        if not by_district:
            raise RuntimeError("no streets or communities: load the org demo first")
        # Urban districts report far more than counties (population, inspections, hotline).
        weight_of_kind = {"district": 3.0, "pilot_area": 1.5, "county_city": 1.2, "county": 0.5}
        self.district_picker = _Picker(
            [
                (district_id, weight_of_kind.get(regions[district_id]["kind"], 1.0))
                for district_id in sorted(by_district)
            ]
        )
        self.areas_of = by_district
        self.place_kinds = _Picker(
            [
                (
                    (
                        suffix,
                        _Picker(
                            [(c, float(n)) for c, n in (pair.split(":") for pair in cats.split())]
                        ),
                    ),
                    weight,
                )
                for suffix, weight, cats in PLACE_KINDS
            ]
        )
        self.spots = self._spots()
        self.spot_picker = _Picker([(spot, 1.0) for spot in self.spots]) if self.spots else None
        people = {
            p["username"]: p
            for p in Person.objects.filter(is_active=True).values(
                "id", "username", "role", "unit_id", "region_id"
            )
        }
        self.office = people.get("office") or next(
            (p for p in people.values() if p["role"] == Role.OFFICE_ADMIN), None
        )
        self.inspector = people.get("inspector") or next(
            (p for p in people.values() if p["role"] == Role.INSPECTOR), None
        )
        self.unit_officer = {}
        self.region_officer = {}
        for p in people.values():
            if p["role"] == Role.UNIT_OFFICER and p["unit_id"]:
                self.unit_officer.setdefault(p["unit_id"], p)
            if p["role"] == Role.REGION_OFFICER and p["region_id"]:
                self.region_officer.setdefault(p["region_id"], p)
        self.rng = rng

    def _spots(self) -> list[_Spot]:
        try:
            from wenming.points.models import Point
            from wenming.standards.models import ChecklistItem, SystemStatus
        except ImportError:  # the points app is optional for the ledger
            return []
        items: dict[int, list[tuple]] = {}
        for item in ChecklistItem.objects.filter(system__status=SystemStatus.ACTIVE).values(
            "id", "point_type_id", "standard_id", "default_category_code", "deadline_days"
        ):
            if item["default_category_code"] in self.categories:
                items.setdefault(item["point_type_id"], []).append(
                    (
                        item["id"],
                        item["standard_id"],
                        item["default_category_code"],
                        item["deadline_days"],
                    )
                )
        owners: dict[int, list[int]] = {}
        through = Point.responsible_units.through
        for point_id, unit_id in through.objects.values_list("point_id", "unit_id"):
            owners.setdefault(point_id, []).append(unit_id)
        spots = []
        for p in (
            Point.objects.filter(is_active=True)
            .values("id", "name", "address", "lat", "lon", "region_id", "point_type_id")
            .order_by("id")
        ):
            area = self.areas_by_region.get(p["region_id"])
            if area is None or not items.get(p["point_type_id"]):
                continue
            spots.append(
                _Spot(
                    point_id=p["id"],
                    area=area,
                    lat=p["lat"],
                    lon=p["lon"],
                    name=p["name"],
                    address=p["address"] or p["name"],
                    items=items[p["point_type_id"]],
                    owners=[u for u in owners.get(p["id"], []) if u in self.unit_name],
                )
            )
        return spots

    def owner_of(self, category_code: str, rng) -> int | None:
        codes = [c for c in OWNERS.get(category_code, DEFAULT_OWNER) if c in self.units]
        if not codes:
            codes = [c for c in DEFAULT_OWNER if c in self.units] or sorted(self.units)
        return self.units[rng.choice(codes)]["id"] if codes else None


# --- one problem's life ---------------------------------------------------------------------


class _Stop(Exception):
    """The simulation reached "now" (or the stage a showcase problem stops at)."""


class _P:
    """A problem being simulated: its fixed facts, then the state its events leave."""

    __slots__ = (
        "created",
        "seq",
        "kind",
        "parent",
        "id",
        "code",
        "year",
        "serial",
        "title",
        "description",
        "category",
        "source",
        "severity",
        "area",
        "point_id",
        "item_id",
        "standard_id",
        "lat",
        "lon",
        "address",
        "reporter",
        "reporter_name",
        "reporter_phone",
        "is_anonymous",
        "deadline_days",
        "owners",
        "force",
        "dup_reject_at",
        # state
        "status",
        "events",
        "unit_id",
        "region_id",
        "deadline",
        "original_deadline",
        *STAGE_TIMES,
        "handling_days",
        "rework",
        "extensions",
        "returns",
        "reopens",
        "also_reported",
        "duplicate_of",
        "recurrence_of",
        "hold_plan",
        "hold_until",
        "ext_until",
        "ext_reason",
        "hold_req_until",
        "hold_req_plan",
        "escalated_at",
        "pending_dups",
        "also_events",
        "event_ids",
        "recurrence_code",
        "held",
    )

    def __init__(self, created: datetime, seq: int, kind: str = "base"):
        self.created, self.seq, self.kind = created, seq, kind
        self.parent = None
        self.force = None
        self.status = S.NEW
        self.events = []
        self.unit_id = self.region_id = None
        self.deadline = self.original_deadline = None
        self.registered_at = self.dispatched_at = self.accepted_at = None
        self.rectified_at = self.closed_at = self.rejected_at = None
        self.held_at = self.reopened_at = self.escalated_at = None
        self.handling_days = None
        self.rework = self.extensions = self.returns = self.reopens = self.also_reported = 0
        self.duplicate_of = self.recurrence_of = None
        self.recurrence_code = None
        self.hold_plan, self.hold_until = "", None
        self.ext_until, self.ext_reason = None, ""
        self.hold_req_until, self.hold_req_plan = None, ""
        self.pending_dups = 0
        self.also_events = []
        self.held = []
        self.event_ids = None
        self.owners = ()
        self.dup_reject_at = None
        self.point_id = self.item_id = self.standard_id = None
        self.reporter = None
        self.reporter_name = self.reporter_phone = ""
        self.is_anonymous = False

    def __lt__(self, other):  # heap order: creation time, then generation order
        return (self.created, self.seq) < (other.created, other.seq)


class _Generator:
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

    # -- the lifecycle --

    def check(self, t: datetime) -> None:
        """Stop the simulation at "now": called before a step changes any state."""
        if t > self.now:
            raise _Stop

    def emit(
        self, p: _P, action, from_status, to_status, actor, t, note="", data=None, unit_id=None
    ):
        """Append an event (as the services write it)."""
        self.check(t)
        if actor is None:
            actor_id, name = None, ""
        elif isinstance(actor, str):
            actor_id, name = None, actor
        else:
            actor_id, name = actor["id"], actor["username"]
        p.events.append((action, from_status, to_status, actor_id, name, t, note, data, unit_id))
        if to_status:
            p.status = to_status

    def handler_actor(self, p: _P):
        """The person (or, without a demo login, the unit's or region's name) who acts."""
        world = self.world
        if p.unit_id is not None:
            return world.unit_officer.get(p.unit_id) or world.unit_name.get(p.unit_id, "")
        officer = world.region_officer.get(p.area.district_id)
        return officer or world.region_name.get(p.region_id, "")

    def simulate(self, p: _P) -> None:
        with contextlib.suppress(_Stop):
            self._life(p)

    def _forced(self, p: _P, status) -> None:
        if p.force == status:
            raise _Stop

    def _life(self, p: _P) -> None:
        rng, office = self.rng, self.world.office
        self.emit(
            p,
            E.CREATE,
            "",
            S.NEW,
            p.reporter,
            p.created,
            data={
                "source": p.source,
                "category": p.category["code"],
                "recurrence_of": p.recurrence_code,
            },
        )
        if p.kind == "duplicate":
            parent = p.parent
            self.emit(
                p,
                E.REJECT,
                S.NEW,
                S.REJECTED,
                office,
                p.dup_reject_at,
                note=f"与{parent.code}反映的是同一问题",
                data={"duplicate_of": parent.code},
            )
            p.rejected_at, p.duplicate_of = p.dup_reject_at, parent.id
            return
        self._forced(p, S.NEW)
        t = p.created
        auto = (
            p.source == Source.INSPECTION
            and p.force is None
            and rng.random() < 0.7
            and self.config.auto_dispatch
        )
        if not auto:
            t = self.after(t, rng.uniform(0.3, 10))
            if p.force == S.REJECTED or (p.force is None and rng.random() < 0.035):
                self.emit(
                    p,
                    E.REJECT,
                    S.NEW,
                    S.REJECTED,
                    office,
                    t,
                    note=rng.choice(REJECT_NOTES),
                    data={"duplicate_of": None},
                )
                p.rejected_at = t
                return
            self.emit(p, E.REGISTER, S.NEW, S.REGISTERED, office, t)
            p.registered_at = t
            self._forced(p, S.REGISTERED)
            # Most go out within hours; some wait in the dispatcher's queue for days.
            wait = rng.uniform(0.2, 4) if p.force or rng.random() < 0.95 else rng.uniform(8, 50)
            t = self.after(t, wait)
        t = self._dispatch(p, t, auto=auto)
        if p.force is None and rng.random() < 0.05:  # "not ours": back to the dispatcher
            t = self.after(t, rng.uniform(1, 12))
            self.check(t)
            returning = p.unit_id
            data = {"unit": self._unit_code(p.unit_id), "region": self._region_code(p.region_id)}
            actor = self.handler_actor(p)
            p.unit_id = p.region_id = p.deadline = p.accepted_at = None
            p.returns += 1
            self.emit(
                p,
                E.RETURN,
                S.DISPATCHED,
                S.REGISTERED,
                actor,
                t,
                note=rng.choice(RETURN_NOTES),
                data=data,
                unit_id=returning,
            )
            t = self._dispatch(
                p,
                self.after(t, rng.uniform(0.5, 8)),
                auto=False,
                returned_by_unit=returning is not None,
            )
        self._forced(p, S.DISPATCHED)
        t = self.after(t, rng.uniform(0.2, 6))
        self.emit(p, E.ACCEPT, S.DISPATCHED, S.IN_PROGRESS, self.handler_actor(p), t)
        p.accepted_at = t
        self._forced(p, S.IN_PROGRESS)
        t = self._handle(p, t)
        self._close(p, t)

    def _unit_code(self, unit_id):
        return self.world.unit_code.get(unit_id) if unit_id else None

    def _region_code(self, region_id):
        return self.world.region_code.get(region_id) if region_id else None

    def _dispatch(
        self, p: _P, t: datetime, *, auto: bool, returned_by_unit: bool | None = None
    ) -> datetime:
        """Route by kind: facilities to the owner first, events to the locality first."""
        rng, world = self.rng, self.world
        self.check(t)
        if returned_by_unit is None:
            to_unit = rng.random() < (0.8 if p.category["kind"] == "facility" else 0.35)
        else:  # the office corrects the route: whoever returned it was the wrong kind
            to_unit = not returned_by_unit
        unit_id = region_id = None
        if to_unit:
            unit_id = rng.choice(p.owners) if p.owners else world.owner_of(p.category["code"], rng)
        if unit_id is None:
            region_id = p.area.street_id if rng.random() < 0.85 else p.area.district_id
        p.unit_id, p.region_id = unit_id, region_id
        first = p.deadline is None
        if first:
            p.deadline = self.add_wd(t.date(), p.deadline_days)
        if p.original_deadline is None:
            p.original_deadline = p.deadline
        if p.registered_at is None:
            p.registered_at = t
        p.dispatched_at, p.accepted_at = t, None
        from_status = p.status
        note = "自动派遣（路由规则）" if auto else ""
        self.emit(
            p,
            E.DISPATCH,
            from_status,
            S.DISPATCHED,
            None if auto else self.world.office,
            t,
            note=note,
            unit_id=unit_id,
            data={
                "unit": self._unit_code(unit_id),
                "region": self._region_code(region_id),
                "deadline": p.deadline.isoformat(),
            },
        )
        return t

    def _escalate_until(self, p: _P, until: datetime) -> None:
        """The tick escalates a problem overdue by more than N working days (once)."""
        if p.escalated_at is not None or p.deadline is None:
            return
        n = self.config.escalation_working_days
        day = self.add_wd(p.deadline, n + 1)
        moment = datetime(day.year, day.month, day.day, 8, 5)
        if moment < until and moment <= self.now:
            p.escalated_at = moment
            data = {"overdue_working_days": n + 1, "deadline": p.deadline.isoformat()}
            self.emit(p, E.ESCALATE, "", "", None, moment, data=data)

    def _handle(self, p: _P, t: datetime) -> datetime:
        """Extension, hold, then the fix: on time for most, late for some, very late for a few."""
        rng, office = self.rng, self.world.office
        if p.force == "extension" or (p.force is None and rng.random() < 0.08):
            ask_day = self.add_wd(t.date(), rng.randint(0, max(0, p.deadline_days - 1)))
            ask = self.work_time(min(ask_day, p.deadline), earliest=t)
            if p.force:
                ask = self.after(t, 1)
            until = self.add_wd(p.deadline, rng.randint(3, 10))
            reason = rng.choice(EXTENSION_NOTES)
            self.emit(
                p,
                E.REQUEST_EXTENSION,
                p.status,
                p.status,
                self.handler_actor(p),
                ask,
                note=reason,
                data={"deadline": until.isoformat()},
            )
            p.ext_until, p.ext_reason = until, reason
            if p.force == "extension":
                raise _Stop
            decided = self.after(ask, rng.uniform(1, 16))
            self.check(decided)
            p.ext_until, p.ext_reason = None, ""
            if rng.random() < 0.75:
                p.deadline = until
                p.extensions += 1
                self.emit(
                    p,
                    E.APPROVE_EXTENSION,
                    p.status,
                    p.status,
                    office,
                    decided,
                    data={"deadline": until.isoformat()},
                )
            else:
                self.emit(
                    p,
                    E.DENY_EXTENSION,
                    p.status,
                    p.status,
                    office,
                    decided,
                    data={"requested": until.isoformat()},
                )
            t = decided
        slow_category = p.category["kind"] == "facility"
        if p.force == "hold_request":
            until = t.date() + timedelta(days=rng.randint(30, 200))
            self._request_hold(p, self.after(t, 1), until, rng.choice(HOLD_PLANS))
            raise _Stop
        if p.force == S.ON_HOLD or (
            p.force is None and rng.random() < (0.025 if slow_category else 0.006)
        ):
            held = self.work_time(self.add_wd(t.date(), rng.randint(1, 8)), earliest=t)
            if p.force:
                held = self.after(t, 1)
            until = held.date() + timedelta(days=rng.randint(30, 200))
            plan = rng.choice(HOLD_PLANS)
            requested = rng.random() < 0.5  # the handling unit asked for it first
            if requested:
                asked = self.after(t, rng.uniform(0.5, 4))
                self._request_hold(p, asked, until, plan)
                held = max(held, self.after(asked, rng.uniform(1, 16)))
            self._escalate_until(p, held)
            self.emit(
                p,
                E.HOLD,
                p.status,
                S.ON_HOLD,
                office,
                held,
                note=plan,
                data={"until": until.isoformat(), "requested": requested},
            )
            p.hold_req_until, p.hold_req_plan = None, ""  # the office's hold answers it
            p.held_at, p.hold_plan, p.hold_until = held, plan, until
            if p.force == S.ON_HOLD or rng.random() < 0.6:
                raise _Stop  # a long-standing case stays on the books
            resumed = self.work_time(held.date() + timedelta(days=rng.randint(10, 90)))
            deadline = self.add_wd(resumed.date(), p.deadline_days)
            self.emit(
                p,
                E.RESUME,
                S.ON_HOLD,
                S.IN_PROGRESS,
                office,
                resumed,
                data={"deadline": deadline.isoformat()},
            )
            p.deadline, p.hold_until = deadline, None
            t = resumed
        return self._rectify(p, t, first=True)

    def _request_hold(self, p: _P, asked: datetime, until: date, plan: str) -> None:
        """The handler asks the office to put the problem on the books (挂账)."""
        self.emit(
            p,
            E.REQUEST_HOLD,
            p.status,
            p.status,
            self.handler_actor(p),
            asked,
            note=plan,
            data={"until": until.isoformat()},
        )
        p.hold_req_until, p.hold_req_plan = until, plan

    def _fix_day(self, start: date, deadline: date) -> date:
        """When the handler reports the fix, relative to the deadline."""
        rng = self.rng
        left = max(0, self.wd_between(start, deadline))
        u = rng.random()
        if u < 0.62:
            return self.add_wd(start, rng.randint(0, max(0, left - 1)))
        if u < 0.85:
            return max(start, deadline)
        if u < 0.94:
            return self.add_wd(max(start, deadline), rng.randint(1, 5))
        if u < 0.98:
            return self.add_wd(max(start, deadline), rng.randint(6, 25))
        return self.add_wd(max(start, deadline), rng.randint(26, 150))  # chronic

    def _rectify(self, p: _P, t: datetime, *, first: bool) -> datetime:
        rng = self.rng
        day = (
            self._fix_day(t.date(), p.deadline)
            if first
            else self.add_wd(t.date(), rng.randint(1, 4))
        )
        done = self.work_time(day, earliest=t)
        self._escalate_until(p, done)
        if p.force == S.RECTIFIED and done > self.now:
            done = self.after(t, 1)
        self.emit(
            p,
            E.RECTIFY,
            S.IN_PROGRESS,
            S.RECTIFIED,
            self.handler_actor(p),
            done,
            note=rng.choice(RECTIFY_NOTES),
            data={"photos": []},
        )
        p.rectified_at = done
        p.handling_days = max(0, self.wd_between(p.dispatched_at.date(), done.date()))
        self._forced(p, S.RECTIFIED)
        return done

    def _close(self, p: _P, t: datetime) -> None:
        rng, office = self.rng, self.world.office
        while True:
            checked = self.after(t, rng.uniform(1, 16))
            if p.rework < 3 and rng.random() < (0.12 if p.rework == 0 else 0.2):
                self.emit(
                    p,
                    E.VERIFY_FAIL,
                    S.RECTIFIED,
                    S.IN_PROGRESS,
                    office,
                    checked,
                    note=rng.choice(REWORK_NOTES),
                    data={"deadline": None},
                )
                p.rework += 1
                t = self._rectify(p, checked, first=False)
                continue
            self.emit(
                p,
                E.VERIFY_PASS,
                S.RECTIFIED,
                S.CLOSED,
                office,
                checked,
                note=rng.choice(VERIFY_NOTES),
            )
            p.closed_at = checked
            break
        if p.reopens == 0 and rng.random() < 0.012:
            reopened = self.work_time(self.add_wd(checked.date(), rng.randint(1, 18)))
            deadline = self.add_wd(reopened.date(), p.deadline_days)
            self.emit(
                p,
                E.REOPEN,
                S.CLOSED,
                S.IN_PROGRESS,
                office,
                reopened,
                note=rng.choice(REOPEN_NOTES),
                data={"deadline": deadline.isoformat()},
            )
            p.closed_at = None
            p.reopens += 1
            p.reopened_at, p.deadline = reopened, deadline
            t = self._rectify(p, reopened, first=True)
            self._close(p, t)

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


# --- turning problems into rows ------------------------------------------------------------


def _model_fields(model, known: list[str]):
    """`known` attnames in that order, plus every other column with its default value."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    missing = [name for name in known if name not in fields]
    if missing:
        raise RuntimeError(f"{model.__name__} has no field(s) {missing}; update demo.py")
    extra = []
    for name, field in fields.items():
        if name in known:
            continue
        if field.has_default():
            value = field.get_default()
        elif field.null:
            value = None
        elif field.empty_strings_allowed:
            value = ""
        else:
            raise RuntimeError(f"{model.__name__}.{name} needs a value; update demo.py")
        if isinstance(value, dict | list):
            value = json.dumps(value)
        extra.append((field.column, value))
    columns = [fields[name].column for name in known] + [c for c, _v in extra]
    return columns, tuple(v for _c, v in extra)


PROBLEM_FIELDS = _words("""
id code code_year code_serial title description category_id source severity region_id
district_id street_id point_id checklist_item_id standard_id lat lon address responsible_unit_id
handling_region_id deadline original_deadline status is_open is_pending version created_at
updated_at registered_at dispatched_at accepted_at rectified_at closed_at rejected_at held_at
reopened_at rectified_on closed_on handling_days rework_count extension_count return_count
reopen_count also_reported_count flagged_photo_count duplicate_of_id recurrence_of_id
reported_by_id reporter_name reporter_phone is_anonymous hold_plan hold_until
extension_requested_until extension_reason hold_requested_until hold_request_plan escalated_at
due_soon_notice_for overdue_notice_for search_text is_demo
""")
EVENT_FIELDS = _words("""
id problem_id action from_status to_status actor_id actor_name created_at note data unit_id
district_id
""")


class _Rows:
    """Formats simulated problems as row tuples for the database at hand."""

    def __init__(self, gen: _Generator, vendor: str):
        self.gen = gen
        self.suffix = "+00" if vendor == "postgresql" else ""
        self.offset = gen.offset
        self.problem_columns, self.problem_tail = _model_fields(Problem, PROBLEM_FIELDS)
        self.event_columns, self.event_tail = _model_fields(ProblemEvent, EVENT_FIELDS)
        self.next_event_id = (ProblemEvent.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        self.events_written = 0
        self.dumps = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode

    def ts(self, local: datetime | None):
        if local is None:
            return None
        return (local - self.offset).isoformat(" ") + self.suffix

    @staticmethod
    def day(value: date | None):
        return value.isoformat() if value is not None else None

    def problem(self, p: _P) -> tuple:
        gen, ts, day = self.gen, self.ts, self.day
        flags = status_flags(p.status)
        pending = flags["is_pending"]
        overdue = pending and p.deadline is not None and p.deadline < gen.today
        due_soon = (
            pending
            and p.deadline is not None
            and not overdue
            and gen.wd_between(gen.today, p.deadline) <= 1
        )
        # The "also reported" bump does not touch updated_at in the services either.
        last = p.events[-1][5] if p.events else p.created
        rectified_on = p.rectified_at.date() if p.rectified_at else None
        row = (
            p.id,
            p.code,
            p.year,
            p.serial,
            p.title,
            p.description,
            p.category["id"],
            p.source,
            p.severity,
            p.area.region_id,
            p.area.district_id,
            p.area.street_id,
            p.point_id,
            p.item_id,
            p.standard_id,
            p.lat,
            p.lon,
            p.address,
            p.unit_id,
            p.region_id,
            day(p.deadline),
            day(p.original_deadline),
            p.status,
            flags["is_open"],
            pending,
            len(p.events),
            ts(p.created),
            ts(last),
            ts(p.registered_at),
            ts(p.dispatched_at),
            ts(p.accepted_at),
            ts(p.rectified_at),
            ts(p.closed_at),
            ts(p.rejected_at),
            ts(p.held_at),
            ts(p.reopened_at),
            day(rectified_on),
            day(p.closed_at.date() if p.closed_at else None),
            p.handling_days,
            p.rework,
            p.extensions,
            p.returns,
            p.reopens,
            len(p.also_events),
            0,
            p.duplicate_of,
            p.recurrence_of,
            p.reporter["id"] if p.reporter else None,
            p.reporter_name,
            p.reporter_phone,
            p.is_anonymous,
            p.hold_plan,
            day(p.hold_until),
            day(p.ext_until),
            p.ext_reason,
            day(p.hold_req_until),
            p.hold_req_plan,
            ts(p.escalated_at),
            day(p.deadline) if (due_soon or overdue) else None,
            day(p.deadline) if overdue else None,
            search_text_for(title=p.title, address=p.address),
            True,
        )
        return row + self.problem_tail

    def events(self, p: _P) -> list[tuple]:
        ts, dumps, district = self.ts, self.dumps, p.area.district_id
        events = p.events
        if p.also_events:
            events = sorted([*events, *map(tuple, p.also_events)], key=lambda e: e[5])
        rows = []
        ids = []
        event_id = self.next_event_id
        for action, from_s, to_s, actor_id, name, t, note, data, unit_id in events:
            rows.append(
                (
                    event_id,
                    p.id,
                    action,
                    from_s,
                    to_s,
                    actor_id,
                    name,
                    ts(t),
                    note,
                    dumps(data) if data else "{}",
                    unit_id,
                    district,
                )
                + self.event_tail
            )
            ids.append(event_id)
            event_id += 1
        self.events_written += event_id - self.next_event_id
        self.next_event_id = event_id
        p.events, p.event_ids = events, ids  # the photos of sampled problems link to them
        return rows


# --- writing rows ---------------------------------------------------------------------------


class _Writer:
    """Inserts row batches; drops and rebuilds secondary indexes around a big load."""

    def __init__(self, *, bulk: bool, stdout=None):
        self.vendor = connection.vendor
        self.bulk = bulk
        self.stdout = stdout
        self.saved_indexes: list[tuple[str, str]] = []
        self.saved_fks: list[tuple[str, str, str]] = []
        self.tables = [
            Problem._meta.db_table,
            ProblemEvent._meta.db_table,
            Problem.co_units.through._meta.db_table,
        ]

    def say(self, text: str) -> None:
        if self.stdout is not None:
            self.stdout.write(text)

    # The load runs outside any transaction block (each batch is its own transaction), so
    # PRAGMAs and VACUUM can run.
    def __enter__(self):
        if self.bulk:
            self._drop()
        return self

    def __exit__(self, *exc):
        if self.bulk:
            self._restore()
        return False

    def _drop(self) -> None:
        with connection.cursor() as cursor:
            if self.vendor == "sqlite":
                cursor.execute("PRAGMA foreign_keys=OFF")
                for table in self.tables:
                    cursor.execute(
                        "SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name=%s"
                        " AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%%'",
                        [table],
                    )
                    self.saved_indexes += cursor.fetchall()
                for name, _sql in self.saved_indexes:
                    cursor.execute(f'DROP INDEX "{name}"')
            elif self.vendor == "postgresql":
                for table in self.tables:
                    cursor.execute(
                        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                        "WHERE conrelid = %s::regclass AND contype = 'f'",
                        [table],
                    )
                    self.saved_fks += [(table, name, sql) for name, sql in cursor.fetchall()]
                    cursor.execute(
                        "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                        "WHERE i.tablename = %s AND i.indexname NOT IN ("
                        " SELECT c.relname FROM pg_constraint k JOIN pg_class c "
                        " ON c.oid = k.conindid WHERE k.conrelid = %s::regclass)"
                        " AND i.indexdef NOT LIKE 'CREATE UNIQUE%%'",
                        [table, table],
                    )
                    self.saved_indexes += cursor.fetchall()
                if connection.in_atomic_block:
                    # Deferred checks of rows written earlier in this transaction block any
                    # ALTER TABLE; run them now.
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for table, name, _sql in self.saved_fks:
                    cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
                for name, _sql in self.saved_indexes:
                    cursor.execute(f'DROP INDEX "{name}"')
        self.say(
            f"Dropped {len(self.saved_indexes)} indexes and {len(self.saved_fks)} "
            "foreign keys for the load.\n"
        )

    def _restore(self) -> None:
        started = time.monotonic()
        with connection.cursor() as cursor:
            if self.vendor == "sqlite":
                cursor.execute("PRAGMA cache_size=-400000")
            else:
                cursor.execute("SET maintenance_work_mem = '512MB'")
            with progress(
                len(self.saved_indexes) + len(self.saved_fks), "Rebuilding indexes", unit="indexes"
            ) as advance:
                for _name, sql in self.saved_indexes:
                    cursor.execute(sql)
                    advance(1)
                if self.saved_fks and connection.in_atomic_block:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for table, name, sql in self.saved_fks:
                    cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {sql}')
                    advance(1)
                if self.saved_fks and connection.in_atomic_block:
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            if self.vendor == "sqlite":
                cursor.execute("PRAGMA cache_size=-2000")
                cursor.execute("PRAGMA foreign_keys=ON")
        self.say(f"Rebuilt the indexes in {time.monotonic() - started:.1f} s.\n")

    def insert(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        if self.vendor == "postgresql":
            sql = f'COPY "{table}" ({quoted}) FROM STDIN'
            with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            # Table and column names come from the models, never from input.
            cursor.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})', rows)  # noqa: S608

    def finish(self) -> None:
        """Sequences, statistics and the text index after the load."""
        from django.core.management.color import no_style

        started = time.monotonic()
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                for sql in connection.ops.sequence_reset_sql(
                    no_style(), [Problem, ProblemEvent, ProblemPhoto]
                ):
                    cursor.execute(sql)
                # VACUUM also marks the pages all-visible, so COUNTs are index-only scans; it
                # cannot run inside a transaction (a test's), where ANALYZE has to do.
                verb = (
                    "VACUUM ANALYZE" if self.bulk and not connection.in_atomic_block else "ANALYZE"
                )
                cursor.execute(
                    f'{verb} "{Problem._meta.db_table}", "{ProblemEvent._meta.db_table}"'
                )
            elif self.vendor == "sqlite":
                if self.bulk:  # the load ran without foreign-key enforcement: check it now
                    for table in self.tables:
                        cursor.execute(f'PRAGMA foreign_key_check("{table}")')
                        broken = cursor.fetchall()
                        if broken:
                            raise RuntimeError(f"demo rows break foreign keys: {broken[:5]}")
                # performance.md: without statistics the planner picks poor indexes.
                cursor.execute("PRAGMA analysis_limit=2000")
                cursor.execute("ANALYZE")
                cursor.execute("PRAGMA analysis_limit=0")
        self.say(f"Statistics updated in {time.monotonic() - started:.1f} s.\n")
        started = time.monotonic()
        search_rebuild()
        self.say(f"Full-text index rebuilt in {time.monotonic() - started:.1f} s.\n")


# --- photos ---------------------------------------------------------------------------------


def _scene(rng: random.Random, *, clutter: bool, view: float = 0.0):
    """A street-like picture: sky, buildings, road; litter and posters when `clutter`."""
    from PIL import Image, ImageDraw

    width, height = 480, 360
    image = Image.new(
        "RGB",
        (width, height),
        (rng.randrange(120, 200), rng.randrange(160, 220), rng.randrange(200, 255)),
    )
    draw = ImageDraw.Draw(image)
    horizon = rng.randrange(140, 200)
    x = -int(view * 120)
    while x < width:
        w = rng.randrange(50, 130)
        top = rng.randrange(30, horizon - 10)
        colour = tuple(rng.randrange(60, 220) for _ in range(3))
        draw.rectangle((x, top, x + w, horizon), fill=colour)
        for wy in range(top + 8, horizon - 10, 18):
            for wx in range(x + 6, x + w - 10, 16):
                draw.rectangle((wx, wy, wx + 7, wy + 9), fill=(230, 230, 190))
        x += w + rng.randrange(0, 20)
    draw.rectangle((0, horizon, width, height), fill=(rng.randrange(80, 120),) * 3)
    draw.polygon(
        [
            (width * 0.3 + view * 60, height),
            (width * 0.45, horizon),
            (width * 0.55, horizon),
            (width * 0.7 + view * 60, height),
        ],
        fill=(60, 60, 65),
    )
    if clutter:
        for _ in range(rng.randrange(6, 12)):
            cx, cy = rng.randrange(0, width), rng.randrange(horizon, height)
            r = rng.randrange(15, 45)
            colour = tuple(rng.randrange(0, 256) for _ in range(3))
            draw.ellipse((cx - r, cy - r // 2, cx + r, cy + r // 2), fill=colour)
        for _ in range(rng.randrange(3, 7)):
            px, py = rng.randrange(0, width - 40), rng.randrange(40, horizon - 30)
            draw.rectangle((px, py, px + 40, py + 30), fill=(250, 250, rng.randrange(0, 255)))
    return image


def _jpeg(image, *, taken: datetime, lat: float, lon: float) -> bytes:
    from PIL import ExifTags, Image

    def dms(value: float):
        degrees = int(value)
        minutes = int((value - degrees) * 60)
        seconds = round((value - degrees - minutes / 60) * 3600, 3)
        return (float(degrees), float(minutes), seconds)

    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "WenmingDemo"
    exif[ExifTags.Base.Model] = "Demo Camera"
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    sub[ExifTags.Base.DateTimeOriginal] = taken.strftime("%Y:%m:%d %H:%M:%S")
    sub[ExifTags.Base.OffsetTimeOriginal] = "+08:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N" if lat >= 0 else "S"
    gps[ExifTags.GPS.GPSLatitude] = dms(abs(lat))
    gps[ExifTags.GPS.GPSLongitudeRef] = "E" if lon >= 0 else "W"
    gps[ExifTags.GPS.GPSLongitude] = dms(abs(lon))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80, exif=exif)
    return out.getvalue()


def _make_photos(gen: _Generator, stdout=None) -> int:
    """Before/after photos for the sampled problems, checked like real uploads."""
    from wenming.core.uploads import phash_distance, validate_image

    rng = random.Random(SEED + 7)
    sample = [p for p in gen.photo_pool if p.event_ids]
    made = 0
    with progress(len(sample), "Demo evidence photos", unit="problems") as advance:
        for p in sample:
            problem = Problem.objects.get(pk=p.id)
            before_seed = rng.randrange(1 << 30)
            before_image = _scene(random.Random(before_seed), clutter=True)
            taken = p.created - timedelta(minutes=rng.randint(2, 40))
            reporter = p.reporter or {"id": None, "username": ""}
            data = _jpeg(
                before_image,
                taken=taken,
                lat=p.lat + rng.uniform(-0.0002, 0.0002),
                lon=p.lon + rng.uniform(-0.0002, 0.0002),
            )
            before = _photo(
                problem,
                data,
                kind=PhotoKind.BEFORE,
                round_=0,
                event_id=None,
                uploaded=p.created,
                actor_id=reporter["id"],
            )
            made += 1
            attach = [(before, p.created, reporter["id"], reporter["username"])]
            rounds = [i for i, event in enumerate(p.events) if event[0] == E.RECTIFY]
            for round_, index in enumerate(rounds):
                event = p.events[index]
                done, event_id = event[5], p.event_ids[index]
                trick = rng.random()
                lat = p.lat + rng.uniform(-0.0003, 0.0003)
                lon = p.lon + rng.uniform(-0.0003, 0.0003)
                shot = done - timedelta(minutes=rng.randint(5, 90))
                if trick < 0.05:  # the before-photo handed in again: nothing was fixed
                    image = before_image.copy()
                elif trick < 0.09:  # taken somewhere else
                    image = _scene(rng, clutter=False, view=rng.uniform(0.2, 0.8))
                    lat += rng.choice([-1, 1]) * rng.uniform(0.004, 0.008)
                elif trick < 0.12 and p.dispatched_at:  # taken before the dispatch
                    image = _scene(rng, clutter=False, view=rng.uniform(0.2, 0.8))
                    shot = p.dispatched_at - timedelta(hours=rng.randint(2, 48))
                else:  # the same place, cleaned up, from a slightly different spot
                    image = _scene(
                        random.Random(before_seed), clutter=False, view=rng.uniform(0.25, 0.8)
                    )
                data = _jpeg(image, taken=shot, lat=lat, lon=lon)
                if (
                    trick >= 0.05
                    and phash_distance(validate_image(data).info.phash, before.phash) <= 3
                ):
                    image = _scene(rng, clutter=False, view=0.9)  # make the fix visible
                    data = _jpeg(image, taken=shot, lat=lat, lon=lon)
                uploaded = done - timedelta(minutes=2)
                photo = _photo(
                    problem,
                    data,
                    kind=PhotoKind.AFTER,
                    round_=round_,
                    event_id=event_id,
                    uploaded=uploaded,
                    actor_id=event[3],
                    check=True,
                )
                made += 1
                attach.append((photo, uploaded, event[3], event[4]))
                ProblemEvent.objects.filter(pk=event_id).update(data={"photos": [photo.pk]})
            _attach_events(attach, p)
            advance(1)
    return made


def _photo(problem, data, *, kind, round_, event_id, uploaded, actor_id, check=False):
    """Store one photo as `services.evidence` does, with its integrity checks if `check`."""
    from wenming.core.uploads import store_image, validate_image

    from .services.evidence import integrity_flags, photo_folder, photo_row

    validated = validate_image(data)
    stored = store_image(validated, folder=photo_folder(problem))
    photo = photo_row(
        problem,
        validated,
        stored,
        kind=kind,
        round_=round_,
        flags=integrity_flags(problem, validated.info) if check else {},
        uploaded_by_id=actor_id,
        uploaded_at=timezone.make_aware(uploaded, timezone.get_current_timezone()),
        event_id=event_id,
    )
    photo.save(force_insert=True)
    flagged = photo.is_flagged
    if flagged:
        problem.flagged_photo_count += 1
        Problem.objects.filter(pk=problem.pk).update(
            flagged_photo_count=problem.flagged_photo_count
        )
    return photo


def _attach_events(attach, p: _P) -> None:
    """The "photo added" rows of the timeline, as `services.evidence` writes them."""
    tz = timezone.get_current_timezone()
    ProblemEvent.objects.bulk_create(
        [
            ProblemEvent(
                problem_id=p.id,
                action=E.ATTACH,
                actor_id=actor_id,
                actor_name=name,
                created_at=timezone.make_aware(at, tz),
                district_id=p.area.district_id,
                data={"photo": photo.pk, "kind": photo.kind, "flags": photo.flags},
            )
            for photo, at, actor_id, name in attach
        ]
    )


# --- entry points ---------------------------------------------------------------------------


def load(
    *,
    scale: str = "small",
    stdout=None,
    count: int | None = None,
    photos: int = PHOTO_PROBLEMS,
    seed: int = SEED,
) -> None:
    """Generate the demo ledger (skipped when demo problems already exist).

    `count` overrides the scale's number of problems; `photos` is how many problems get
    generated photos (tests pass small numbers of both).
    """
    if Problem.objects.filter(is_demo=True).exists():
        if stdout is not None:
            stdout.write("Demo problems already exist; run `wenming demo --reset` to rebuild.\n")
        return
    total = count if count is not None else SCALE_COUNTS.get(scale, SCALE_COUNTS["small"])
    started = time.monotonic()
    rng = random.Random(seed)
    gen = _Generator(_World(rng), rng, count=total, now=timezone.now(), photo_quota=photos)
    rows = _Rows(gen, connection.vendor)
    writer = _Writer(bulk=total >= BULK_ROWS, stdout=stdout)
    made = _load_rows(gen, rows, writer, total)
    with transaction.atomic():
        _set_counters(gen)
    loaded = time.monotonic()
    n_photos = _make_photos(gen, stdout) if photos else 0
    if stdout is not None:
        stdout.write(
            f"Demo ledger: {made} problems, {rows.events_written} events, "
            f"{n_photos} photos in {time.monotonic() - started:.1f} s "
            f"(rows {loaded - started:.1f} s).\n"
        )


def _load_rows(gen: _Generator, rows: _Rows, writer: _Writer, total: int) -> int:
    problem_table = Problem._meta.db_table
    event_table = ProblemEvent._meta.db_table
    through = Problem.co_units.through._meta
    co_columns = [through.get_field("problem").column, through.get_field("unit").column]
    made = 0
    buffers: tuple[list, list, list] = ([], [], [])

    # (Writing in a second thread while the next batch is simulated was measured: no gain,
    # the sqlite3 and psycopg row adapters hold the GIL.)
    def flush():
        with transaction.atomic():
            writer.insert(problem_table, rows.problem_columns, buffers[0])
            writer.insert(event_table, rows.event_columns, buffers[1])
            writer.insert(through.db_table, co_columns, buffers[2])
        for buffer in buffers:
            buffer.clear()

    with writer, progress(total, "Demo problems", unit="problems") as advance:
        for p in gen.problems():
            buffers[0].append(rows.problem(p))
            buffers[1].extend(rows.events(p))
            if p.unit_id is not None and gen.rng.random() < 0.06:
                other = gen.world.owner_of("lacking.facilities", gen.rng)
                if other and other != p.unit_id:
                    buffers[2].append((p.id, other))
            made += 1
            if len(buffers[0]) >= BATCH:
                flush()
                advance(BATCH)
        pending = len(buffers[0])
        flush()
        advance(pending)
    writer.finish()
    return made


def _set_counters(gen: _Generator) -> None:
    for year, last in gen.codes_in_year.items():
        counter, _created = ProblemCounter.objects.select_for_update().get_or_create(year=year)
        if counter.last < last:
            counter.last = last
            counter.save(update_fields=["last"])


def reset(*, stdout=None) -> None:
    """Remove every demo problem with its events, photos (and their files) and links."""
    started = time.monotonic()
    paths = list(
        ProblemPhoto.objects.filter(problem__is_demo=True).values_list(
            "path", "thumb_path", "public_path"
        )
    )
    with transaction.atomic():
        removed = _delete_demo_rows()
        # Codes are never reissued, but the demo's own may be: back to the highest left.
        for counter in ProblemCounter.objects.select_for_update():
            left = (
                Problem.objects.filter(code_year=counter.year).aggregate(m=Max("code_serial"))["m"]
                or 0
            )
            if counter.last != left:
                counter.last = left
                counter.save(update_fields=["last"])
    for triple in paths:
        for path in triple:
            if path:
                with contextlib.suppress(OSError):  # already gone
                    default_storage.delete(path)
    search_rebuild()
    if stdout is not None:
        stdout.write(f"Removed {removed} demo problems in {time.monotonic() - started:.1f} s.\n")


def _delete_demo_rows() -> int:
    """Raw deletes (the ORM's collector would load a million rows first)."""
    # Real problems may point at demo ones (a duplicate of, a recurrence of): unlink them.
    Problem.objects.filter(is_demo=False, duplicate_of__is_demo=True).update(duplicate_of=None)
    Problem.objects.filter(is_demo=False, recurrence_of__is_demo=True).update(recurrence_of=None)
    own = {ProblemEvent, ProblemPhoto, Problem, Problem.co_units.through}
    for relation in Problem._meta.related_objects:  # other apps' tables that point at problems
        model = relation.related_model
        if model in own:
            continue
        if relation.many_to_many:
            through = relation.through
            field = next(
                f
                for f in through._meta.concrete_fields
                if getattr(f, "related_model", None) is Problem
            )
            through._base_manager.filter(**{f"{field.name}__is_demo": True}).delete()
            continue
        rows = model._base_manager.filter(**{f"{relation.field.name}__is_demo": True})
        if relation.on_delete is models.SET_NULL:
            rows.update(**{relation.field.name: None})
        else:
            rows.delete()
    problems = connection.ops.quote_name(Problem._meta.db_table)
    removed = Problem.objects.filter(is_demo=True).count()
    with connection.cursor() as cursor:
        for model in (ProblemPhoto, ProblemEvent, Problem.co_units.through):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(
                f"DELETE FROM {table} WHERE problem_id IN "  # noqa: S608 (model names)
                f"(SELECT id FROM {problems} WHERE is_demo = %s)",
                [True],
            )
        cursor.execute(f"DELETE FROM {problems} WHERE is_demo = %s", [True])  # noqa: S608
    return removed
