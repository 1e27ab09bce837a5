"""The problem categories every city starts with (the office edits them afterwards).

The codes are shared with the checklist items of the standards app (`default_category_code`).
"""

from django.db import migrations

# code, Chinese name, English name, class, subject, kind, deadline (working days), after-photo
CATEGORIES = [
    ("dirty.appearance", "市容环境脏乱", "Dirty streets and surfaces", "dirty", "appearance", "event", 2, True),
    ("dirty.sanitation", "环境卫生不洁", "Poor sanitation (bins, toilets)", "dirty", "sanitation", "event", 1, True),
    ("chaotic.street_order", "占道经营、流动摊贩", "Street vending outside designated zones", "chaotic", "street_order", "event", 2, True),
    ("chaotic.parking", "车辆乱停乱放", "Disorderly parking", "chaotic", "parking", "event", 2, True),
    ("chaotic.advertising", "乱贴乱画、违规广告", "Illegal posters and advertising", "chaotic", "advertising", "event", 3, True),
    ("chaotic.market_order", "市场秩序混乱", "Disorder in markets", "chaotic", "market_order", "event", 3, True),
    ("chaotic.traffic", "交通秩序混乱", "Traffic disorder", "chaotic", "traffic", "event", 2, True),
    ("poor.facilities", "公共设施破损", "Broken public facilities", "poor", "facilities", "facility", 5, True),
    ("poor.roads", "道路破损", "Damaged roads and pavements", "poor", "roads", "facility", 7, True),
    ("poor.greening", "绿化缺损", "Damaged or neglected greenery", "poor", "greening", "facility", 5, True),
    ("poor.construction", "施工围挡不规范", "Poorly kept construction sites and hoardings", "poor", "construction", "facility", 5, True),
    ("lacking.psa", "公益广告缺失", "Missing public-service ads", "lacking", "psa", "facility", 5, True),
    ("lacking.signage", "标识标牌缺失", "Missing signs and guidance", "lacking", "signage", "facility", 7, True),
    ("lacking.facilities", "设施缺失", "Missing facilities", "lacking", "facilities", "facility", 10, True),
    ("lacking.service", "公共服务缺位", "Missing or poor public services", "lacking", "service", "event", 5, True),
    ("civil.behaviour", "不文明行为", "Uncivil behaviour", "chaotic", "civil_behaviour", "event", 2, False),
]


def seed(apps, schema_editor):
    Category = apps.get_model("problems", "Category")
    for order, (code, name, name_en, klass, subject, kind, days, photo) in enumerate(CATEGORIES):
        Category.objects.get_or_create(code=code, defaults={
            "name": name, "name_en": name_en, "problem_class": klass, "subject": subject,
            "kind": kind, "deadline_days": days, "after_photo_required": photo,
            "sort_order": (order + 1) * 10,
        })


def unseed(apps, schema_editor):
    Category = apps.get_model("problems", "Category")
    Category.objects.filter(code__in=[c[0] for c in CATEGORIES], problems__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("problems", "0002_search_index")]

    operations = [migrations.RunPython(seed, unseed)]
