"""Test data for the evaluation system: a small balanced system built like an import would."""

from decimal import Decimal

from wenming.standards.models import EvaluationSystem
from wenming.standards.services import system_load
from wenming.standards.spec import (
    ChecklistSpec,
    IndicatorSpec,
    ItemSpec,
    NegativeSpec,
    PointSpec,
    PointTypeSpec,
    StandardSpec,
    SystemSpec,
    WorkbookSpec,
)


def small_spec(
    *, code: str = "T-2026", status: str = "active", year: int = 2026, with_points: bool = True
) -> WorkbookSpec:
    """Two items, three indicators, six standards (40/40/20), three point types, six checks.

    Needs the cast's regions and units (URBAN, EDU, PSB).
    """
    spec = WorkbookSpec(
        system=SystemSpec(
            code=code, name="测试测评体系", edition_year=year, status=status, description="tests"
        )
    )
    spec.items = [ItemSpec("1", "城市环境"), ItemSpec("2", "未成年人")]
    spec.indicators = [
        IndicatorSpec("1.1", "1", "市容"),
        IndicatorSpec("1.2", "1", "秩序"),
        IndicatorSpec("2.1", "2", "校园周边"),
    ]
    spec.standards = [
        StandardSpec(
            "1.1.1", "1.1", "主次干道路面干净整洁", Decimal("20"), ["field"], lead_unit="URBAN"
        ),
        StandardSpec(
            "1.1.2",
            "1.1",
            "环卫制度健全",
            Decimal("30"),
            ["material"],
            lead_unit="URBAN",
            co_units=["PSB"],
        ),
        StandardSpec(
            "1.2.1",
            "1.2",
            "无占道经营",
            Decimal("10"),
            ["field"],
            lead_unit="URBAN",
            co_units=["PSB", "EDU"],
        ),
        StandardSpec("1.2.2", "1.2", "市民满意度", Decimal("20"), ["questionnaire"]),
        StandardSpec(
            "2.1.1",
            "2.1",
            "学校周边无网吧",
            Decimal("20"),
            ["material", "field"],
            is_hard=True,
            lead_unit="EDU",
            co_units=["URBAN"],
        ),
        StandardSpec("2.1.2", "2.1", "护学岗", Decimal("0"), ["field"], lead_unit="EDU"),
    ]
    spec.negative = [
        NegativeSpec("N01", "重大安全事故", "revoke_title"),
        NegativeSpec("N02", "材料造假", "deduct", Decimal("3")),
    ]
    spec.point_types = [
        PointTypeSpec(
            "MARKET",
            "农贸市场",
            "commerce",
            name_en="Farmers' markets",
            sampling_weight=Decimal("2"),
        ),
        PointTypeSpec("SCHOOL", "中小学校及周边", "education_health", name_en="Schools"),
        PointTypeSpec("PARK", "公园", "public_space", name_en="Parks"),
    ]
    spec.checklist = [
        ChecklistSpec(
            "MARKET-01",
            "MARKET",
            "1.1.1",
            "地面无积水污物",
            Decimal("0.5"),
            default_category_code="dirty.sanitation",
            deadline_days=2,
        ),
        ChecklistSpec(
            "MARKET-02",
            "MARKET",
            "1.2.1",
            "市场周边无占道经营",
            Decimal("0.5"),
            default_category_code="chaotic.street_order",
            deadline_days=3,
        ),
        ChecklistSpec(
            "MARKET-03",
            "MARKET",
            "1.1.1",
            "公益广告不少于5处",
            Decimal("0.3"),
            photo_required=False,
            default_category_code="lacking.psa",
        ),
        ChecklistSpec(
            "SCHOOL-01",
            "SCHOOL",
            "2.1.1",
            "200米内无网吧",
            Decimal("1"),
            default_category_code="chaotic.street_order",
            deadline_days=10,
        ),
        ChecklistSpec("SCHOOL-02", "SCHOOL", "1.1.1", "校园周边整洁", Decimal("0.3")),
        ChecklistSpec("SCHOOL-03", "SCHOOL", "1.2.1", "无流动摊点", Decimal("0.5")),
    ]
    if with_points:
        spec.points = [
            PointSpec(
                "ZS-MKT-1",
                "天津街农贸市场",
                "MARKET",
                "210202001001",
                ["URBAN"],
                "中山区天津街1号",
                38.9183,
                121.6405,
            ),
            PointSpec(
                "ZS-SCH-1",
                "青泥洼桥小学",
                "SCHOOL",
                "210202001",
                ["EDU"],
                "中山区青泥洼桥2号",
                38.9150,
                121.6300,
            ),
            PointSpec(
                "GJZ-MKT-1",
                "周水子农贸市场",
                "MARKET",
                "210211001001",
                ["URBAN", "PSB"],
                "甘井子区机场路3号",
                38.9650,
                121.5400,
            ),
            PointSpec(
                "GJZ-SCH-1",
                "周水子小学",
                "SCHOOL",
                "210211001",
                ["EDU"],
                "甘井子区周水子4号",
                38.9600,
                121.5500,
                is_active=False,
            ),
        ]
    return spec


def small_system(**kwargs) -> EvaluationSystem:
    return system_load(spec=small_spec(**kwargs), actor=None)
