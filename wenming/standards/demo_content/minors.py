"""The demo minors' moral education system (未成年人思想道德建设), a prerequisite system.

It is scored on its own: a city below its threshold (85 by default) cannot win, whatever its
main score. Same line format as items.py; its field checks use its own point types (schools
and their surroundings, internet cafés, children's activity centres).
"""

MINORS_CODE = "DEMO-MINORS-2026"
MINORS_NAME = "未成年人思想道德建设测评体系（演示版 2026）"
THRESHOLD = "85"

ITEMS = [
    (
        "1",
        "理想信念与道德教育（演示）",
        [
            (
                "1.1",
                "学校德育",
                [
                    "M+|EDU||学校将德育纳入教学计划，每学期开展主题教育不少于4次",
                    "MF|EDU||校园设置社会主义核心价值观宣传栏，校园环境整洁",
                    "M|EDU||中小学心理健康教育教师配备率100%",
                    "Q+|EDU||学生对学校德育工作的满意度不低于90%",
                ],
            ),
            (
                "1.2",
                "主题教育实践",
                [
                    "M|YOUTH|EDU|开展“新时代好少年”学习宣传，每年评选不少于50名",
                    "MQ|EDU|YOUTH|中小学生参加志愿服务和社会实践，参与率不低于80%",
                ],
            ),
        ],
    ),
    (
        "2",
        "校园及周边环境（演示）",
        [
            (
                "2.1",
                "校园周边秩序",
                [
                    "F+|CULTURE|EDU|学校周边200米内无网吧、歌舞娱乐场所",
                    "F|TRAFFIC|EDU|上下学时段校门口设护学岗，交通秩序良好",
                    "F|MARKET|EDU|校园周边商铺不向未成年人销售烟酒",
                    "Q|EDU||家长对校园周边环境的满意度不低于85%",
                ],
            ),
            (
                "2.2",
                "网吧与文化市场",
                [
                    "F+|CULTURE|PSB|网吧不接纳未成年人，入口设置禁入标识",
                    "M|CULTURE||开展校园周边文化市场专项整治，每学期不少于1次",
                ],
            ),
        ],
    ),
    (
        "3",
        "校外活动阵地（演示）",
        [
            (
                "3.1",
                "青少年宫与儿童活动中心",
                [
                    "MF|YOUTH|EDU|青少年宫、儿童活动中心免费或低收费开放，每周开放不少于5天",
                    "F|YOUTH||活动场所安全设施完好，有专人管理",
                ],
            ),
            (
                "3.2",
                "课后服务",
                [
                    "F|CIVIL|YOUTH|社区“四点半课堂”等课后服务每周开放不少于3天",
                    "M|EDU||中小学课后服务覆盖率100%",
                ],
            ),
        ],
    ),
    (
        "4",
        "关爱保护（演示）",
        [
            (
                "4.1",
                "困境儿童关爱",
                [
                    "M|CIVIL|WOMEN|建立留守儿童、困境儿童关爱服务台账，走访率100%",
                    "Q|CIVIL||家长对未成年人关爱服务的满意度",
                ],
            ),
            (
                "4.2",
                "网络保护",
                [
                    "M|NETINFO|EDU|开展未成年人网络素养教育，学校覆盖率100%",
                    "Q|NETINFO||家长对未成年人网络保护工作的满意度",
                ],
            ),
        ],
    ),
    (
        "5",
        "家庭教育（演示）",
        [
            (
                "5.1",
                "家校社协同",
                [
                    "M|WOMEN|EDU|家长学校覆盖全部中小学和幼儿园",
                    "MQ|WOMEN||家庭教育指导服务进社区，家长参与率不低于60%",
                ],
            ),
        ],
    ),
]

# The minors' own point type; schools and internet cafés are shared with the main system.
# (code, name, English name, group, sampling weight, description, is_virtual)
POINT_TYPES = [
    (
        "CHILDREN_CENTRE",
        "青少年宫及儿童活动中心",
        "Children's activity centres",
        "minors",
        "1",
        "青少年宫、少年宫、儿童活动中心、社区儿童之家",
        False,
    ),
]

SCHOOL_WALK = {"route": 200, "spacing": 20, "note": "从校门起步行200米，每20米计一处"}
GATE_WATCH = {"minutes": 15, "note": "上学或放学时段在校门口观察15分钟"}
CAFE_CHECK = {"count": 10, "note": "抽查10名在场上网人员的身份证件"}

# Same tuple as handbook.CHECKLISTS.
CHECKLISTS = {
    "SCHOOL": [
        (
            "上下学时段校门口护学岗至少2人在岗",
            "2.1.2",
            "0.5",
            True,
            "lacking.service",
            3,
            "observation",
            "pass_fail",
            GATE_WATCH,
        ),
        (
            "校园周边200米内网吧、歌舞娱乐场所0家",
            "2.1.1",
            "1.0",
            True,
            "chaotic.street_order",
            10,
            "observation",
            "score_rate",
            SCHOOL_WALK,
        ),
        (
            "抽查周边5家商铺，向未成年人售卖烟酒的0家",
            "2.1.3",
            "0.5",
            True,
            "chaotic.market_order",
            5,
            "simulated",
            "score_rate",
            {"count": 5, "note": "由成年测评员随机询问周边5家商铺"},
        ),
        (
            "校园内核心价值观宣传栏不少于3处",
            "1.1.2",
            "0.3",
            True,
            "lacking.psa",
            5,
            "observation",
            "pass_fail",
            None,
        ),
        (
            "校园卫生死角0处，垃圾桶满溢0个",
            "1.1.2",
            "0.3",
            True,
            "dirty.sanitation",
            3,
            "observation",
            "score_rate",
            {"count": 10, "note": "抽查教学楼、操场等10处"},
        ),
    ],
    "INTERNET_CAFE": [
        (
            "入口至少1处醒目的“未成年人禁止入内”标识",
            "2.2.1",
            "0.5",
            True,
            "lacking.signage",
            3,
            "observation",
            "pass_fail",
            None,
        ),
        (
            "抽查10名上网人员，未成年人0名",
            "2.2.1",
            "1.0",
            True,
            "civil.behaviour",
            3,
            "record",
            "score_rate",
            CAFE_CHECK,
        ),
        (
            "模拟未成年人进入，工作人员当场劝离",
            "2.2.1",
            "0.5",
            False,
            "lacking.service",
            3,
            "simulated",
            "pass_fail",
            None,
        ),
    ],
    "CHILDREN_CENTRE": [
        (
            "公示开放时间和收费标准，每周开放不少于5天",
            "3.1.1",
            "0.5",
            True,
            "lacking.service",
            5,
            "record",
            "pass_fail",
            None,
        ),
        (
            "近3个月活动记录每月不少于4次",
            "3.1.1",
            "0.3",
            False,
            "lacking.service",
            5,
            "record",
            "pass_fail",
            None,
        ),
        (
            "抽查5处活动器材和消防设施，完好率100%",
            "3.1.2",
            "0.5",
            True,
            "poor.facilities",
            3,
            "observation",
            "score_rate",
            {"count": 5, "note": "抽查5处器材和消防设施"},
        ),
        (
            "“四点半课堂”每周开放不少于3天，有专人看护",
            "3.2.1",
            "0.3",
            False,
            "lacking.service",
            5,
            "record",
            "pass_fail",
            None,
        ),
    ],
}
