from django.core.management.base import BaseCommand, CommandError

from wenming.core.audit import audit_verify


class Command(BaseCommand):
    help = "Audit log tools. `audit verify` recomputes the hash chain and reports the first break."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, action, **options):
        verdict = audit_verify()
        if verdict.ok:
            self.stdout.write(self.style.SUCCESS(f"OK: {verdict.checked} audit entries verified."))
            return
        raise CommandError(
            f"BROKEN at entry #{verdict.broken_seq}: {verdict.reason} "
            f"({verdict.checked} entries verified before it)."
        )
