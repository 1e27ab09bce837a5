"""What demo problems look like: titles, places, owners, sources, notes, and the sizes."""

from ..models import (
    EventKind,
    Source,
    Status,
)

SCALE_COUNTS = {"small": 20_000, "city": 200_000, "city-year": 1_000_000}
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
