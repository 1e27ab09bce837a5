"""`wenming standards import FILE` / `wenming standards export FILE [--system CODE]`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from wenming.core.errors import DomainError
from wenming.core.progress import progress
from wenming.standards import selectors
from wenming.standards.models import EvaluationSystem
from wenming.standards.services import ImportRefused, workbook_import
from wenming.standards.workbook import export_row_count, export_workbook, workbook_row_count


class Command(BaseCommand):
    help = "Import or export a whole evaluation system as one Excel workbook."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser(
            "import", help="import a workbook (all rows valid, or nothing written)"
        )
        imp.add_argument("file")
        exp = sub.add_parser("export", help="export a system with point types, checklists, points")
        exp.add_argument("file")
        exp.add_argument("--system", help="system code (default: the one in force)")
        for p in (imp, exp):
            p.add_argument(
                "--language",
                default="zh-hans",
                choices=["zh-hans", "en"],
                help="language of headers and messages",
            )

    def handle(self, *args, action, file, language, **options):
        with translation.override(language):
            if action == "import":
                return self._import(Path(file))
            return self._export(Path(file), options.get("system"))

    def _import(self, path: Path):
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            total = workbook_row_count(path)
            with path.open("rb") as handle, progress(total, f"Checking {path.name}") as advance:
                system = workbook_import(file=handle, actor=None, progress=advance)
        except ImportRefused as exc:
            for error in exc.details.get("errors", []):
                where = " ".join(
                    str(x) for x in (error["sheet"], error["row"] or "", error["column"] or "") if x
                )
                self.stderr.write(f"{where}: {error['message']}")
            raise CommandError(str(exc.message)) from exc
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {system.code} ({system.standards.count()} standards, "
                f"{system.checklist_items.count()} checklist items)."
            )
        )

    def _export(self, path: Path, code: str | None):
        if code:
            system = EvaluationSystem.objects.filter(code=code).first()
            if system is None:
                raise CommandError(f"No evaluation system with code {code}.")
        else:
            system = selectors.system_current(actor=_Everyone())
            if system is None:
                raise CommandError("There is no evaluation system to export.")
        with progress(export_row_count(system), f"Writing {path.name}") as advance:
            export_workbook(system, str(path), actor=_Everyone(), progress=advance)
        self.stdout.write(self.style.SUCCESS(f"Exported {system.code} to {path}."))


class _Everyone:
    """The command line acts for the office: it reads every row."""

    is_authenticated = True
    is_active = True
    role = "office_admin"
    region_id = None
    unit_id = None
