"""`wenming briefing --month YYYY-MM [--out DIR] [--as USERNAME]`: the month's Word briefing and
Excel workbook, made here rather than in the worker (for cron or a shell)."""

from pathlib import Path
from types import SimpleNamespace

from django.core.management.base import BaseCommand, CommandError

from wenming.core.errors import DomainError
from wenming.core.roles import Role
from wenming.org.models import Person

from ...aggregates import aggregates_refresh
from ...briefing import make_docx, make_xlsx, selectors


class _Quiet:
    def total(self, n):
        pass

    def __call__(self, n=1):
        pass


class Command(BaseCommand):
    help = "Make the month's briefing: briefing-YYYY-MM.docx and .xlsx in --out."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--out", default=".", help="folder to write into")
        parser.add_argument("--as", dest="username", default="", help="an office admin")

    def handle(self, *args, month, out, username, **options):
        try:
            period = selectors.month_parse(month)
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        people = Person.objects.filter(role=Role.OFFICE_ADMIN, is_active=True)
        owner = (people.filter(username=username) if username else people).order_by("pk").first()
        if owner is None:
            raise CommandError("No active office admin to make the briefing as.")
        aggregates_refresh()
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        job = SimpleNamespace(owner=owner, params={"month": period.label})
        for make in (make_docx, make_xlsx):
            buffer = folder / "briefing.part"
            with buffer.open("wb") as handle:
                name = make(job=job, out=handle, progress=_Quiet())
            buffer.replace(folder / name)
            self.stdout.write(str(folder / name))
