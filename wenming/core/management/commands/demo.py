import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from wenming.core.audit import audit_record
from wenming.core.demo import SCALES, demo_load, demo_reset
from wenming.core.errors import DomainError


class Command(BaseCommand):
    help = "Load the demo city (demo mode only): regions, units, people and each app's data."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=SCALES, default="small")
        parser.add_argument("--reset", action="store_true", help="remove demo data first")
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing when the database already holds regions")

    def handle(self, *args, scale, reset, if_empty, **options):
        # The org app's table, by name: the kernel imports no app (core/tests/test_app_imports.py).
        if if_empty and apps.get_model("org", "Region").objects.exists():
            self.stdout.write("The database already holds data; demo not loaded.")
            return
        started = time.monotonic()
        try:
            if reset:
                demo_reset(stdout=self.stdout)
            demo_load(scale=scale, stdout=self.stdout)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        audit_record(action="demo.load", data={"scale": scale, "reset": reset})
        self.stdout.write(self.style.SUCCESS(
            f"Demo city loaded (scale {scale}) in {time.monotonic() - started:.1f} s."))
        from wenming.cli import print_demo_logins

        print_demo_logins(self.stdout)
