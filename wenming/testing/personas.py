"""The cast every test uses (architecture.md): who acts is always named.

A small city: Zhongshan and Ganjingzi districts, each with one street and one community;
the Urban Management, Education and Public Security bureaus; one person per role.
"""

from dataclasses import dataclass

from django.conf import settings

from wenming.org.models import Person, Region, RegionKind, Unit
from wenming.org.roles import Role

from .factories import PersonFactory, RegionFactory, UnitFactory

PASSWORD = settings.WENMING_DEMO_PASSWORD


@dataclass
class Cast:
    city: Region
    zhongshan_district: Region
    zhongshan_street: Region
    zhongshan_community: Region
    ganjingzi_district: Region
    ganjingzi_street: Region
    ganjingzi_community: Region
    urban_unit: Unit
    education_unit: Unit
    police_unit: Unit
    office: Person
    leader: Person
    zhongshan: Person
    ganjingzi: Person
    urban: Person
    education: Person
    inspector: Person
    evaluator: Person
    citizen: None = None  # citizens never log in; an anonymous request stands for them

    @property
    def everyone(self) -> list[Person]:
        return [self.office, self.leader, self.zhongshan, self.ganjingzi, self.urban,
                self.education, self.inspector, self.evaluator]


def build_cast() -> Cast:
    city = RegionFactory(code="210200", name="大连市", name_en="Dalian", kind=RegionKind.CITY)
    zs = RegionFactory(code="210202", name="中山区", name_en="Zhongshan District", parent=city)
    zs_street = RegionFactory(code="210202001", name="青泥洼桥街道", name_en="Qingniwaqiao Street",
                              kind=RegionKind.STREET, parent=zs)
    zs_comm = RegionFactory(code="210202001001", name="天津街社区", name_en="Tianjin Street Community",
                            kind=RegionKind.COMMUNITY, parent=zs_street)
    gjz = RegionFactory(code="210211", name="甘井子区", name_en="Ganjingzi District", parent=city)
    gjz_street = RegionFactory(code="210211001", name="周水子街道", name_en="Zhoushuizi Street",
                               kind=RegionKind.STREET, parent=gjz)
    gjz_comm = RegionFactory(code="210211001001", name="机场社区", name_en="Airport Community",
                             kind=RegionKind.COMMUNITY, parent=gjz_street)
    urban = UnitFactory(code="URBAN", name="市城市管理局", name_en="Urban Management Bureau")
    edu = UnitFactory(code="EDU", name="市教育局", name_en="Education Bureau")
    psb = UnitFactory(code="PSB", name="市公安局", name_en="Public Security Bureau")
    return Cast(
        city=city, zhongshan_district=zs, zhongshan_street=zs_street, zhongshan_community=zs_comm,
        ganjingzi_district=gjz, ganjingzi_street=gjz_street, ganjingzi_community=gjz_comm,
        urban_unit=urban, education_unit=edu, police_unit=psb,
        office=PersonFactory(username="office", role=Role.OFFICE_ADMIN, is_staff=True,
                             is_superuser=True, display_name="文明办 王敏"),
        leader=PersonFactory(username="leader", role=Role.LEADER, display_name="市领导 陈建国"),
        zhongshan=PersonFactory(username="zhongshan", role=Role.REGION_OFFICER, region=zs,
                                display_name="中山区 李娜"),
        ganjingzi=PersonFactory(username="ganjingzi", role=Role.REGION_OFFICER, region=gjz,
                                display_name="甘井子区 赵磊"),
        urban=PersonFactory(username="urban", role=Role.UNIT_OFFICER, unit=urban,
                            display_name="城管局 孙强"),
        education=PersonFactory(username="education", role=Role.UNIT_OFFICER, unit=edu,
                                display_name="教育局 周静"),
        inspector=PersonFactory(username="inspector", role=Role.INSPECTOR, display_name="督查员 刘洋"),
        evaluator=PersonFactory(username="evaluator", role=Role.EVALUATOR,
                                display_name="第三方测评 吴桐"),
    )
