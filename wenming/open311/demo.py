"""The demo's share of Open311: one partner app ("随手拍 demo partner app") with the published
demo key, three services that ask extra questions, and a dozen requests that app posted
through the real service (so they are citizen reports waiting in the office's triage queue).
Everything is `is_demo`; `reset()` removes it (the problems go with the ledger's demo)."""

import random

from django.db import transaction

from wenming.org.models import RegionLevel
from wenming.org.selectors import REGIONS

from .keys import DEMO_KEY, demo_key_ensure
from .models import ApiKey, Open311Request, ServiceAttribute
from .selectors import public_categories
from .services import Posted, open311_request_post

SEED = 311
REQUESTS = 12
ATTRIBUTES = [
    {
        "code": "size",
        "datatype": "singlevaluelist",
        "required": True,
        "description": "问题范围有多大？",
        "datatype_description": "",
        "order": 1,
        "values": [
            {"key": "small", "name": "一处（1 平方米以内）"},
            {"key": "medium", "name": "一片（几平方米）"},
            {"key": "large", "name": "一段路或整个场所"},
        ],
    },
    {
        "code": "hazard",
        "datatype": "singlevaluelist",
        "required": False,
        "description": "是否影响通行或安全？",
        "datatype_description": "",
        "order": 2,
        "values": [{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}],
    },
    {
        "code": "count",
        "datatype": "number",
        "required": False,
        "description": "涉及几处（个）？",
        "datatype_description": "整数，例如 3",
        "order": 3,
        "values": [],
    },
]
TEXTS = [
    "小区门口的垃圾桶满了，周围有散落垃圾。",
    "人行道上有共享单车乱停，挡住了盲道。",
    "公交站牌的公益广告破损，字看不清。",
    "路边有流动摊贩占道经营。",
    "公园的路灯坏了好几天，晚上很黑。",
    "背街小巷里有乱堆的建筑垃圾。",
]


def load(*, scale: str = "small", stdout=None) -> None:
    rng = random.Random(SEED)
    demo_key_ensure()
    categories = public_categories()
    if not categories:
        return
    asking = categories[:3]
    with transaction.atomic():
        for category in asking:
            for spec in ATTRIBUTES:
                ServiceAttribute.objects.get_or_create(
                    category=category, code=spec["code"], defaults={**spec, "is_demo": True}
                )
    places = [
        r for r in REGIONS.all() if r.level == RegionLevel.COMMUNITY and r.center_lat is not None
    ]
    if not places:
        return
    for number in range(REQUESTS):
        category = rng.choice(categories)
        place = rng.choice(places)
        attributes = {}
        if category in asking:
            attributes = {"size": rng.choice(["small", "medium", "large"]), "hazard": "no"}
        posted = Posted(
            api_key=DEMO_KEY,
            service_code=category.code,
            lat=f"{place.center_lat + rng.uniform(-0.002, 0.002):.6f}",
            long=f"{place.center_lon + rng.uniform(-0.002, 0.002):.6f}",
            description=rng.choice(TEXTS),
            phone=f"1390000{number:04d}",
            first_name=rng.choice(["李", "王", "张", ""]),
            device_id=f"demo-device-{number}",
            media_url=f"https://partner.example.com/demo/{number}.jpg",
            attributes=attributes,
        )
        open311_request_post(posted=posted, is_demo=True)
    if stdout is not None:
        stdout.write(f"open311: demo partner app key and {REQUESTS} requests\n")


def reset(*, stdout=None) -> None:
    with transaction.atomic():
        Open311Request.objects.filter(is_demo=True).delete()
        ServiceAttribute.objects.filter(is_demo=True).delete()
        ApiKey.objects.filter(is_demo=True).delete()
