"""Demo organisation: Dalian's real districts with generated streets and communities.

District names and division codes are Dalian's own; streets and communities below them are
generated (marked `is_demo`) so that no real address is implied.
"""

import random

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from wenming.core.progress import progress

from .models import LEVEL_OF_KIND, Person, Region, RegionKind, Unit
from .roles import Role
from .services import region_path

CITY = ("210200", "大连市", "Dalian", 38.914, 121.614)

# (code, name, English, kind, centre lat, centre lon, street stems)
DISTRICTS = [
    ("210202", "中山区", "Zhongshan District", RegionKind.DISTRICT, 38.918, 121.644,
     ["人民路", "青泥洼桥", "桃源", "老虎滩", "葵英", "海军广场", "昆明", "桂林"]),
    ("210203", "西岗区", "Xigang District", RegionKind.DISTRICT, 38.915, 121.612,
     ["人民广场", "白云", "北京", "八一路", "日新", "香炉礁"]),
    ("210204", "沙河口区", "Shahekou District", RegionKind.DISTRICT, 38.905, 121.585,
     ["黑石礁", "李家", "马栏", "白山路", "春柳", "南沙河口", "星海湾", "中山公园"]),
    ("210211", "甘井子区", "Ganjingzi District", RegionKind.DISTRICT, 38.953, 121.560,
     ["周水子", "甘井子", "泉水", "红旗", "凌水", "大连湾", "椒金山", "机场", "南关岭", "中华路", "兴华", "营城子"]),
    ("210212", "旅顺口区", "Lüshunkou District", RegionKind.DISTRICT, 38.851, 121.262,
     ["得胜", "光荣", "登峰", "市场", "水师营", "龙王塘", "铁山", "双岛湾"]),
    ("210213", "金州区", "Jinzhou District", RegionKind.DISTRICT, 39.050, 121.782,
     ["拥政", "友谊", "光明", "先进", "董家沟", "大魏家", "杏树", "七顶山"]),
    ("210214", "普兰店区", "Pulandian District", RegionKind.DISTRICT, 39.395, 121.963,
     ["铁西", "太阳", "南山", "丰荣", "皮口", "城子坦"]),
    ("210224", "长海县", "Changhai County", RegionKind.COUNTY, 39.272, 122.588,
     ["大长山岛", "小长山岛", "獐子岛", "广鹿", "海洋"]),
    ("210281", "瓦房店市", "Wafangdian", RegionKind.COUNTY_CITY, 39.627, 122.008,
     ["祝华", "共济", "岗店", "文兰", "长兴", "复州城", "李官", "得利寺"]),
    ("210283", "庄河市", "Zhuanghe", RegionKind.COUNTY_CITY, 39.681, 122.967,
     ["城关", "新华", "兴达", "昌盛", "明阳", "青堆", "黑岛", "大营"]),
    ("210271", "高新技术产业园区", "Hi-tech Industrial Zone", RegionKind.PILOT_AREA, 38.870, 121.530,
     ["七贤岭", "黄泥川", "凌海", "龙王塘湾"]),
]
RURAL = {"210214", "210224", "210281", "210283"}
COMMUNITY_STEMS = [
    "春华", "和平", "友好", "东风", "新兴", "民主", "长江", "黄河", "延安", "胜利", "幸福", "光明",
    "阳光", "海景", "福佳", "锦绣", "华乐", "百合", "星海", "绿波", "文苑", "秀月", "桃园", "虹港",
]

# (code, name, English, kind); the first five are the units the commission's statements name.
UNITS = [
    ("EDU", "市教育局", "Education Bureau", "government"),
    ("PSB", "市公安局", "Public Security Bureau", "government"),
    ("AGRI", "市农业农村局", "Agriculture and Rural Affairs Bureau", "government"),
    ("URBAN", "市城市管理局", "Urban Management Bureau", "government"),
    ("WOMEN", "市妇联", "Women's Federation", "peoples_org"),
    ("PROPAGANDA", "市委宣传部", "Publicity Department", "party"),
    ("CIVIL", "市民政局", "Civil Affairs Bureau", "government"),
    ("CULTURE", "市文化和旅游局", "Culture and Tourism Bureau", "government"),
    ("HEALTH", "市卫生健康委", "Health Commission", "government"),
    ("TRANSPORT", "市交通运输局", "Transport Bureau", "government"),
    ("TRAFFIC", "市公安局交警支队", "Traffic Police Detachment", "government"),
    ("HOUSING", "市住房和城乡建设局", "Housing and Urban-Rural Development Bureau", "government"),
    ("ECO", "市生态环境局", "Ecology and Environment Bureau", "government"),
    ("MARKET", "市市场监督管理局", "Market Supervision Administration", "government"),
    ("COMMERCE", "市商务局", "Commerce Bureau", "government"),
    ("NATRES", "市自然资源局", "Natural Resources Bureau", "government"),
    ("WATER", "市水务局", "Water Affairs Bureau", "government"),
    ("EMERGENCY", "市应急管理局", "Emergency Management Bureau", "government"),
    ("SPORT", "市体育局", "Sports Bureau", "government"),
    ("JUSTICE", "市司法局", "Justice Bureau", "government"),
    ("GOVSERVICE", "市营商环境建设局", "Business Environment Bureau", "government"),
    ("YOUTH", "共青团大连市委", "Communist Youth League", "peoples_org"),
    ("UNION", "市总工会", "Federation of Trade Unions", "peoples_org"),
    ("DISABLED", "市残联", "Disabled Persons' Federation", "peoples_org"),
    ("NETINFO", "市委网信办", "Cyberspace Affairs Office", "party"),
    ("RAIL", "大连站（铁路）", "Dalian Railway Station", "enterprise"),
    ("BUS", "大连公交集团", "Dalian Bus Group", "enterprise"),
    ("POWER", "国网大连供电公司", "State Grid Dalian Power Supply", "enterprise"),
    ("ICBC", "工商银行大连分行", "ICBC Dalian Branch", "central_prov"),
    ("CMCC", "中国移动大连分公司", "China Mobile Dalian", "central_prov"),
    ("POST", "大连市邮政分公司", "China Post Dalian", "central_prov"),
]

DEMO_USERS = [
    {"username": "office", "role": Role.OFFICE_ADMIN, "display_name": "文明办 王敏",
     "role_label": "Civilization Office admin"},
    {"username": "leader", "role": Role.LEADER, "display_name": "市领导 陈建国",
     "role_label": "Leader"},
    {"username": "zhongshan", "role": Role.REGION_OFFICER, "region": "210202",
     "display_name": "中山区 李娜", "role_label": "Zhongshan District officer"},
    {"username": "ganjingzi", "role": Role.REGION_OFFICER, "region": "210211",
     "display_name": "甘井子区 赵磊", "role_label": "Ganjingzi District officer"},
    {"username": "urban", "role": Role.UNIT_OFFICER, "unit": "URBAN",
     "display_name": "城管局 孙强", "role_label": "Urban Management Bureau officer"},
    {"username": "education", "role": Role.UNIT_OFFICER, "unit": "EDU",
     "display_name": "教育局 周静", "role_label": "Education Bureau officer"},
    {"username": "inspector", "role": Role.INSPECTOR, "display_name": "督查员 刘洋",
     "role_label": "Inspector"},
    {"username": "evaluator", "role": Role.EVALUATOR, "display_name": "第三方测评 吴桐",
     "role_label": "Third-party evaluator"},
]


def _jitter(rng: random.Random, value: float, spread: float) -> float:
    return round(value + rng.uniform(-spread, spread), 6)


def _region(code, name, name_en, kind, parent, lat, lon) -> Region:
    return Region(code=code, name=name, name_en=name_en, kind=kind, level=LEVEL_OF_KIND[kind],
                  parent=parent, path=region_path(code=code, parent=parent),
                  center_lat=lat, center_lon=lon, is_demo=True)


def _load_regions(rng: random.Random, stdout) -> int:
    city = Region.objects.filter(code=CITY[0]).first()
    if city is None:
        city = _region(CITY[0], CITY[1], CITY[2], RegionKind.CITY, None, CITY[3], CITY[4])
        city.save()
    count = 0
    with progress(len(DISTRICTS), str(_("Demo regions")), unit="districts") as advance:
        for code, name, name_en, kind, lat, lon, stems in DISTRICTS:
            district = _region(code, name, name_en, kind, city, lat, lon)
            district.save()
            rural = code in RURAL
            for s_index, stem in enumerate(stems, start=1):
                s_kind = RegionKind.TOWN if rural and s_index > 2 else RegionKind.STREET
                suffix = "镇" if s_kind == RegionKind.TOWN else "街道"
                s_lat, s_lon = _jitter(rng, lat, 0.03), _jitter(rng, lon, 0.04)
                street = _region(f"{code}{s_index:03d}", f"{stem}{suffix}",
                                 f"{name_en} {'Town' if s_kind == RegionKind.TOWN else 'Street'} {s_index} (demo)",
                                 s_kind, district, s_lat, s_lon)
                street.save()
                c_kind = RegionKind.VILLAGE if s_kind == RegionKind.TOWN else RegionKind.COMMUNITY
                stems_here = rng.sample(COMMUNITY_STEMS, rng.randint(8, 14))
                communities = [
                    _region(f"{street.code}{c_index:03d}",
                            f"{c_stem}{'村' if c_kind == RegionKind.VILLAGE else '社区'}",
                            f"{street.name_en.removesuffix(' (demo)')}, {'Village' if c_kind == RegionKind.VILLAGE else 'Community'} {c_index} (demo)",
                            c_kind, street, _jitter(rng, s_lat, 0.008), _jitter(rng, s_lon, 0.01))
                    for c_index, c_stem in enumerate(stems_here, start=1)
                ]
                Region.objects.bulk_create(communities)
                count += 2 + len(communities)
            advance(1)
    return count


def load(*, scale: str = "small", stdout=None) -> None:
    """Create the demo city, its units and the demo logins (idempotent: skips what exists)."""
    rng = random.Random(20260101)
    with transaction.atomic():
        if not Region.objects.filter(code=DISTRICTS[0][0]).exists():
            _load_regions(rng, stdout)
        for code, name, name_en, kind in UNITS:
            Unit.objects.get_or_create(code=code, defaults={
                "name": name, "name_en": name_en, "kind": kind, "is_demo": True})
        for spec in DEMO_USERS:
            if Person.objects.filter(username=spec["username"]).exists():
                continue
            person = Person(
                username=spec["username"], role=spec["role"], display_name=spec["display_name"],
                region=Region.objects.get(code=spec["region"]) if spec.get("region") else None,
                unit=Unit.objects.get(code=spec["unit"]) if spec.get("unit") else None,
                is_demo=True, is_staff=spec["role"] == Role.OFFICE_ADMIN,
                is_superuser=spec["role"] == Role.OFFICE_ADMIN,
            )
            person.set_password(settings.WENMING_DEMO_PASSWORD)
            person.save()


def reset(*, stdout=None) -> None:
    """Remove demo people, units and regions (leaves real data alone)."""
    with transaction.atomic():
        Person.objects.filter(is_demo=True).delete()
        Unit.objects.filter(is_demo=True).delete()
        for level in ("community", "street", "district", "city"):
            Region.objects.filter(is_demo=True, level=level).delete()
