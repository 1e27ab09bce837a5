"""The negative list: domains, vetoes and graded effects — services, pages, API and workbook."""

import io
from decimal import Decimal

import openpyxl
import pytest

from wenming.core.errors import Conflict, InvalidInput, NotAllowed
from wenming.standards import services
from wenming.standards.models import NegativeEffect, NegativeListEntry
from wenming.standards.services import rules
from wenming.standards.workbook import export_workbook, parse_workbook

GRADED = [
    {"grade": 1, "condition": "提名城市", "effect": "suspend_nomination"},
    {"grade": 2, "condition": "已命名城市", "effect": "suspend_title"},
    {"grade": 3, "condition": "情节特别严重", "effect": "revoke_title"},
]


def effects_of(entry) -> list[tuple]:
    return [
        (e.grade, e.condition, e.effect, e.deduction)
        for e in NegativeEffect.objects.filter(entry=entry).order_by("grade")
    ]


def test_an_entry_gets_its_domain_veto_and_graded_effects(cast, system):
    entry = services.negative_entry_create(
        system=system,
        code="V01",
        text="发生在全国有重大影响的安全生产事故",
        domain="work_safety",
        is_veto=True,
        effects=GRADED,
        actor=cast.office,
    )
    assert (entry.domain, entry.is_veto) == ("work_safety", True)
    assert [g for g, *_rest in effects_of(entry)] == [1, 2, 3]
    services.negative_effects_set(
        entry=entry,
        effects=[
            {"grade": 2, "effect": "revoke_title", "condition": "已命名城市"},
            {"grade": 1, "effect": "deduct", "deduction": "2", "condition": "首次"},
        ],
        actor=cast.office,
    )
    assert effects_of(entry) == [
        (1, "首次", "deduct", Decimal("2.00")),
        (2, "已命名城市", "revoke_title", None),
    ]


@pytest.mark.parametrize(
    "effects",
    [
        [],
        [{"grade": 1, "effect": "deduct"}],  # a deduction needs its points
        [{"grade": 1, "effect": "deduct", "deduction": "101"}],
        [{"grade": 1, "effect": "revoke_title"}, {"grade": 1, "effect": "suspend_title"}],
        [{"grade": 1, "effect": "banish"}],
    ],
)
def test_bad_effects_are_refused_and_nothing_changes(cast, system, effects):
    entry = NegativeListEntry.objects.get(system=system, code="N02")
    before = effects_of(entry)
    with pytest.raises(InvalidInput):
        services.negative_effects_set(entry=entry, effects=effects, actor=cast.office)
    assert effects_of(entry) == before


def test_only_the_office_sets_effects_and_history_is_protected(cast, system, monkeypatch):
    entry = NegativeListEntry.objects.get(system=system, code="N02")
    with pytest.raises(NotAllowed):
        services.negative_effects_set(entry=entry, effects=GRADED, actor=cast.zhongshan)
    monkeypatch.setattr(rules, "system_references", lambda system: ["problems"])
    with pytest.raises(Conflict):
        services.negative_effects_set(entry=entry, effects=GRADED, actor=cast.office)
    assert effects_of(entry) == [(1, "", "deduct", Decimal("3.00"))]


def test_api_returns_entries_with_domain_veto_and_effects_for_every_role(cast, system, api_as):
    entry = NegativeListEntry.objects.get(system=system, code="N01")
    services.negative_entry_save(
        entry=entry,
        data={"domain": "work_safety", "is_veto": True},
        effects=GRADED,
        actor=cast.office,
    )
    for person in cast.everyone:
        response = api_as(person).get("negative-list")
        assert response.status_code == 200, person
        body = response.json()
        assert [e["code"] for e in body] == ["N01", "N02"]
        veto = body[0]
        assert (veto["domain"], veto["is_veto"]) == ("work_safety", True)
        assert [(e["grade"], e["effect"]) for e in veto["effects"]] == [
            (1, "suspend_nomination"),
            (2, "suspend_title"),
            (3, "revoke_title"),
        ]
        # The mildest effect keeps the old single-penalty fields (a contract).
        assert (veto["penalty"], veto["deduction"]) == ("suspend_nomination", None)
        assert body[1]["effects"] == [
            {"grade": 1, "condition": "", "effect": "deduct", "deduction": 3.0}
        ]


def test_a_draft_s_negative_list_is_hidden_from_officers(cast, system, api_as):
    services.system_clone(
        system=system, actor=cast.office, code="T-2027", name="草案", edition_year=2027
    )
    assert api_as(cast.zhongshan).get("negative-list", system="T-2027").status_code == 404
    office = api_as(cast.office).get("negative-list", system="T-2027")
    assert office.status_code == 200 and len(office.json()) == 2


def test_office_adds_and_edits_an_entry_on_the_page(cast, system, page_as):
    client = page_as(cast.office)
    form = {
        "code": "V02",
        "text": "近12个月发生重大环境污染事件",
        "domain": "environment",
        "is_veto": "on",
        "notes": "",
        "effects-TOTAL_FORMS": "4",
        "effects-INITIAL_FORMS": "0",
        "effects-0-grade": "1",
        "effects-0-condition": "提名城市",
        "effects-0-effect": "suspend_nomination",
        "effects-1-grade": "2",
        "effects-1-condition": "已命名城市",
        "effects-1-effect": "suspend_title",
    }
    assert client.post("/standards/T-2026/negative/new/", form).status_code == 302
    entry = NegativeListEntry.objects.get(system=system, code="V02")
    assert entry.is_veto and entry.domain == "environment"
    assert [e[2] for e in effects_of(entry)] == ["suspend_nomination", "suspend_title"]

    page = client.get("/standards/T-2026/negative/").content.decode()
    assert 'data-testid="veto"' in page and "已命名城市" in page

    edit = dict(form, **{"effects-1-effect": "deduct", "effects-1-deduction": ""})
    refused = client.post("/standards/T-2026/negative/V02/edit/", edit)
    assert refused.status_code == 400
    assert [e[2] for e in effects_of(entry)] == ["suspend_nomination", "suspend_title"]
    edit["effects-1-deduction"] = "2"
    assert client.post("/standards/T-2026/negative/V02/edit/", edit).status_code == 302
    assert effects_of(entry)[1] == (2, "已命名城市", "deduct", Decimal("2.00"))

    assert page_as(cast.zhongshan).get("/standards/T-2026/negative/").status_code == 200
    assert page_as(cast.zhongshan).post("/standards/T-2026/negative/new/", form).status_code == 403


def test_workbook_round_trip_keeps_domains_vetoes_and_every_effect(cast, system):
    entry = NegativeListEntry.objects.get(system=system, code="N01")
    services.negative_entry_save(
        entry=entry,
        data={"domain": "public_security", "is_veto": True},
        effects=GRADED,
        actor=cast.office,
    )
    buffer = io.BytesIO()
    export_workbook(system, buffer, actor=cast.office)
    parsed = parse_workbook(io.BytesIO(buffer.getvalue()))
    assert parsed.problems == []
    first = parsed.spec.negative[0]
    assert (first.code, first.domain, first.is_veto) == ("N01", "public_security", True)
    assert [(e.grade, e.condition, e.effect) for e in first.effects] == [
        (g["grade"], g["condition"], g["effect"]) for g in GRADED
    ]
    second = parsed.spec.negative[1]
    assert [(e.grade, e.effect, e.deduction) for e in second.effect_specs()] == [
        (1, "deduct", Decimal("3.00"))
    ]


def _workbook(system, cast, edit) -> io.BytesIO:
    buffer = io.BytesIO()
    export_workbook(system, buffer, actor=cast.office)
    workbook = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    info = workbook["测评体系"]
    info["A2"] = "T-2030"  # a new code and a draft, so the import is not refused for those
    headers = [c.value for c in info[1]]
    info.cell(row=2, column=headers.index("状态") + 1, value="draft")
    edit(workbook)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


def test_a_workbook_without_the_effects_sheet_still_imports(cast, system):
    def drop(workbook):
        del workbook["负面清单处罚"]

    imported = services.workbook_import(file=_workbook(system, cast, drop), actor=cast.office)
    entry = NegativeListEntry.objects.get(system=imported, code="N02")
    assert effects_of(entry) == [(1, "", "deduct", Decimal("3.00"))]
    assert entry.domain == "mechanism" and not entry.is_veto


def test_bad_effect_rows_are_named(cast, system):
    def spoil(workbook):
        sheet = workbook["负面清单处罚"]
        sheet.append(["N99", 1, "", "扣分", 1])  # no such entry
        sheet.append(["N02", 1, "", "撤销称号", None])  # grade 1 twice
        sheet.append(["N01", 2, "", "扣分", None])  # deduction without points

    with pytest.raises(InvalidInput) as refused:
        services.workbook_import(file=_workbook(system, cast, spoil), actor=cast.office)
    errors = [e for e in refused.value.details["errors"] if e["sheet"] == "负面清单处罚"]
    assert sorted((e["row"], e["column"]) for e in errors) == [(4, "A"), (5, "B"), (6, "E")]
    assert not NegativeListEntry.objects.filter(system__code="T-2030").exists()
