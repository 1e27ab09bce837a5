"""The demo negative list: vetoes (hard requirements) and scored entries, each with graded effects.

The hard requirements that bar a candidate (a serious violation by the Party secretary or the
mayor; a nationally influential major accident, or food, drug, security, criminal or pollution
event within 12 months) are vetoes here and nowhere else: the scored tree no longer repeats
them as standards. Their effects grow with the city's status: a nominated city loses its
nomination; a titled city has its title suspended for a year, or revoked when grave.

Each entry is (code, text, domain, is_veto, effects); each effect is
(grade, condition, effect, deduction), grade 1 the mildest.
"""

NEGATIVE = [
    (
        "V01",
        "城市党委书记或市长发生严重违纪违法问题",
        "clean_government",
        True,
        [
            (1, "提名城市", "suspend_nomination", None),
            (2, "已命名城市", "revoke_title", None),
        ],
    ),
    (
        "V02",
        "近12个月发生在全国有重大影响的重大安全生产事故",
        "work_safety",
        True,
        [
            (1, "提名城市", "suspend_nomination", None),
            (2, "已命名城市", "suspend_title", None),
            (3, "已命名城市，造成特别重大人员伤亡", "revoke_title", None),
        ],
    ),
    (
        "V03",
        "近12个月发生在全国有重大影响的食品药品安全事件",
        "work_safety",
        True,
        [
            (1, "提名城市", "suspend_nomination", None),
            (2, "已命名城市", "suspend_title", None),
        ],
    ),
    (
        "V04",
        "近12个月发生在全国有重大影响的公共安全事件或重大刑事案件",
        "public_security",
        True,
        [
            (1, "提名城市", "suspend_nomination", None),
            (2, "已命名城市", "suspend_title", None),
            (3, "已命名城市，处置严重失当", "revoke_title", None),
        ],
    ),
    (
        "V05",
        "近12个月发生在全国有重大影响的环境污染事件",
        "environment",
        True,
        [
            (1, "提名城市", "suspend_nomination", None),
            (2, "已命名城市", "suspend_title", None),
        ],
    ),
    (
        "N01",
        "测评申报材料弄虚作假",
        "integrity",
        False,
        [
            (1, "首次发现，情节较轻", "deduct", "3"),
            (2, "再次发现或组织造假", "suspend_nomination", None),
        ],
    ),
    (
        "N02",
        "中央媒体曝光并造成恶劣影响的不文明现象",
        "mechanism",
        False,
        [
            (1, "每曝光1次", "deduct", "1"),
            (2, "一年内曝光3次以上", "deduct", "3"),
        ],
    ),
    (
        "N03",
        "发生较大及以上道路交通事故",
        "work_safety",
        False,
        [
            (1, "较大事故每起", "deduct", "2"),
            (2, "重大事故", "deduct", "4"),
        ],
    ),
    (
        "N04",
        "出现大面积垃圾围城、垃圾围村现象",
        "environment",
        False,
        [(1, "经核实每处", "deduct", "2")],
    ),
    (
        "N05",
        "重大网络舆情事件处置不力",
        "public_security",
        False,
        [(1, "经核实每起", "deduct", "1")],
    ),
    (
        "N06",
        "违规举办节庆活动、铺张浪费被通报",
        "clean_government",
        False,
        [
            (1, "被省级通报", "deduct", "1"),
            (2, "被中央通报", "deduct", "3"),
        ],
    ),
    (
        "N07",
        "发生严重侵害未成年人权益事件",
        "public_security",
        False,
        [
            (1, "造成恶劣社会影响", "deduct", "2"),
            (2, "造成全国性恶劣影响", "suspend_nomination", None),
        ],
    ),
    (
        "N08",
        "创建工作滑坡，年度测评成绩明显下降",
        "mechanism",
        False,
        [
            (1, "年度测评成绩下降10分以上", "deduct", "2"),
            (2, "已命名城市连续两年滑坡", "suspend_title", None),
            (3, "暂停资格期满仍未整改到位", "revoke_title", None),
        ],
    ),
    (
        "N09",
        "政府机构被列为失信被执行人未按期履行",
        "integrity",
        False,
        [(1, "每起", "deduct", "1")],
    ),
]
