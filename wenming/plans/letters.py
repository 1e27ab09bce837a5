"""Letters of responsibility (责任书), made by the worker (`wenming.core.jobs`) with python-docx.

A letter lists what its holder answers for in a campaign: the standards it leads, its tasks
(led or helped) with their deadlines and milestones, and ends with a signature block for the
office and the holder. A unit's share is the tasks it leads or helps with; a region's share
is the tasks assigned to it or to a region below it. Only published tasks are listed.

One job makes one holder's letter (its file is the job's result) or all of them (the result
is a zip); either way each letter is also kept on its `Letter` row, so the office can print
it again and the signing page links it. The whole campaign's tasks are read in a few queries
up front, so 120 letters cost 120 documents, not 120 × the queries.
"""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from wenming.core.errors import InvalidInput
from wenming.core.jobs import job_start
from wenming.core.roles import require_office
from wenming.core.wordfiles import new_document
from wenming.org.models import Region, RegionLevel, Unit

from .models import Campaign, Letter, LetterHolder, Milestone, Task

JOB = "plans.letters"
FOLDER = "plans/letters"


def letters_start(*, actor, campaign: Campaign, holder: str, target_id: int | None = None):
    """Queue the letters of `campaign` for every unit (or region), or for one (`target_id`):
    one Word file, or all of them in a zip. Returns the Job (its page is `/jobs/<id>/`)."""
    require_office(actor, _("Only the Civilization Office may make letters of responsibility."))
    if holder not in LetterHolder.values:
        raise InvalidInput(_("Letters are made per unit or per region."), code="bad_holder")
    if target_id is not None:
        model = Unit if holder == LetterHolder.UNIT else Region
        if not model.objects.filter(pk=target_id).exists():
            raise InvalidInput(_("Unknown unit or region."), code="bad_target")
    title = _("Letters of responsibility: %(campaign)s") % {"campaign": campaign.name}
    return job_start(
        owner=actor,
        kind=JOB,
        params={
            "campaign": campaign.pk,
            "holder": holder,
            "target": target_id,
        },
        title=title,
    )


class Share:
    """A campaign's published tasks, read once, handed out per unit or per region."""

    def __init__(self, campaign: Campaign):
        self.campaign = campaign
        tasks = list(
            Task.objects.filter(campaign=campaign, is_published=True)
            .select_related("person_in_charge")
            .order_by("deadline", "id")
        )
        self.tasks = {t.pk: t for t in tasks}
        self.by_unit: dict[int, list[int]] = defaultdict(list)
        self.by_region: dict[int, set[int]] = defaultdict(set)
        self.standards: dict[int, list] = defaultdict(list)
        self.milestones: dict[int, list] = defaultdict(list)
        for t in tasks:
            if t.lead_unit_id:
                self.by_unit[t.lead_unit_id].append(t.pk)
        published = {"task__campaign": campaign, "task__is_published": True}
        for task_id, unit_id in Task.co_units.through.objects.filter(**published).values_list(
            "task_id", "unit_id"
        ):
            self.by_unit[unit_id].append(task_id)
        for task_id, region_id in Task.regions.through.objects.filter(**published).values_list(
            "task_id", "region_id"
        ):
            self.by_region[region_id].add(task_id)
        for task_id, code, text in Task.standards.through.objects.filter(**published).values_list(
            "task_id", "standard__code", "standard__text"
        ):
            self.standards[task_id].append((code, text))
        for m in Milestone.objects.filter(**published).order_by("deadline", "id"):
            self.milestones[m.task_id].append(m)

    def holders(self, holder: str) -> list:
        if holder == LetterHolder.UNIT:
            return list(Unit.objects.filter(pk__in=list(self.by_unit)).order_by("code"))
        regions = list(Region.objects.filter(pk__in=list(self.by_region)))
        # A district's letter covers its streets' and communities' tasks too.
        districts = {r.path.split("/")[2] for r in regions if len(r.path.split("/")) > 3}
        return list(
            Region.objects.filter(level=RegionLevel.DISTRICT, code__in=districts).order_by("code")
        )

    def tasks_of(self, holder: str, obj) -> list[Task]:
        if holder == LetterHolder.UNIT:
            ids = sorted(set(self.by_unit.get(obj.pk, ())))
        else:
            inside = set(
                Region.objects.filter(path__startswith=obj.path).values_list("pk", flat=True)
            )
            ids = sorted({t for r in inside for t in self.by_region.get(r, ())})
        return sorted((self.tasks[i] for i in ids), key=lambda t: (t.deadline, t.pk))


def letter_docx(share: Share, holder: str, obj) -> bytes:
    """One letter as .docx bytes."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    campaign = share.campaign
    tasks = share.tasks_of(holder, obj)
    doc = new_document()
    heading = doc.add_heading(_("Letter of responsibility"), level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(campaign.name).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(
        _(
            "To carry out the %(campaign)s, %(holder)s undertakes the standards and tasks "
            "below, and answers for their results by the deadlines given."
        )
        % {"campaign": _with_cycle(campaign), "holder": obj.display_name}
    )
    standards: dict[str, str] = {}
    for t in tasks:
        for code, text in share.standards.get(t.pk, ()):
            standards[code] = text
    # Standards and tasks as numbered paragraphs, not tables: python-docx finds a table's
    # cells by walking the whole table, so a long table costs the square of its rows.
    doc.add_heading(_("Standards"), level=1)
    # Numbered by hand: a paragraph given a style by name makes python-docx walk every style
    # of the document (three quarters of a letter's time).
    for n, code in enumerate(sorted(standards), start=1):
        doc.add_paragraph(f"{n}. {code}　{standards[code]}")
    if not standards:
        doc.add_paragraph(_("None."))
    doc.add_heading(_("Tasks and deadlines"), level=1)
    for n, t in enumerate(tasks, start=1):
        lead = holder == LetterHolder.REGION or t.lead_unit_id == obj.pk
        role = _("Lead") if lead else _("Co-unit")
        item = doc.add_paragraph(f"{n}. ")
        item.add_run(t.title).bold = True
        item.add_run(
            f"（{role}）　{_('Start')} {t.start.isoformat()}　{pgettext('task', 'Deadline')} "
            f"{t.deadline.isoformat()}"
        )
        for m in share.milestones.get(t.pk, ()):
            item.add_run(f"\n· {m.title}　{m.deadline.isoformat()}")
    if not tasks:
        doc.add_paragraph(_("None."))
    doc.add_heading(_("Signatures"), level=1)
    table = doc.add_table(rows=4, cols=2)
    table.style = "Table Grid"
    table.cell(0, 0).text = _("Civilization Office (seal)")
    table.cell(0, 1).text = _("%(holder)s (seal)") % {"holder": obj.display_name}
    for row, label in ((1, _("Signed by")), (2, _("Position")), (3, _("Date"))):
        # Chinese puts a full-width colon after a label; the catalogue says which.
        blank = pgettext("label of a line to fill in", "%(label)s:") % {"label": label}
        table.cell(row, 0).text = blank
        table.cell(row, 1).text = blank
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _with_cycle(campaign: Campaign) -> str:
    """The campaign's name with the years of its cycle, said once: a name often holds them
    already (大连市全国文明城市创建（2024–2026）)."""
    start, end = str(campaign.cycle_start_year), str(campaign.cycle_end_year)
    if start in campaign.name and end in campaign.name:
        return campaign.name
    return _("%(campaign)s (%(start)s–%(end)s)") % {
        "campaign": campaign.name,
        "start": start,
        "end": end,
    }


def _filename(holder: str, obj) -> str:
    return f"{_('Letter of responsibility')}-{obj.display_name}.docx".replace("/", "_")


def _keep(campaign, holder: str, obj, data: bytes) -> Letter:
    name = default_storage.save(f"{FOLDER}/{campaign.pk}/{holder}-{obj.pk}.docx", ContentFile(data))
    lookup = {"unit": obj} if holder == LetterHolder.UNIT else {"region": obj}
    with transaction.atomic():
        letter, _created = Letter.objects.select_for_update().get_or_create(
            campaign=campaign, holder=holder, **lookup, defaults={"is_demo": campaign.is_demo}
        )
        old = letter.document
        letter.document = name
        letter.generated_at = timezone.now()
        letter.save(update_fields=["document", "generated_at"])
    if old and old != name:
        default_storage.delete(old)
    return letter


def make_letters(*, job, out, progress) -> str:
    """The job's maker: one .docx, or a zip of every holder's letter."""
    params = job.params
    campaign = Campaign.objects.get(pk=params["campaign"])
    holder = params["holder"]
    share = Share(campaign)
    if params.get("target"):
        model = Unit if holder == LetterHolder.UNIT else Region
        obj = model.objects.get(pk=params["target"])
        progress.total(1)
        data = letter_docx(share, holder, obj)
        _keep(campaign, holder, obj, data)
        out.write(data)
        progress()
        return _filename(holder, obj)
    holders = share.holders(holder)
    progress.total(len(holders))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for obj in holders:
            data = letter_docx(share, holder, obj)
            _keep(campaign, holder, obj, data)
            archive.writestr(_filename(holder, obj), data)
            progress()
    return f"{_('Letters of responsibility')}-{campaign.name}.zip"
