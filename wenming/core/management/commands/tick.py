"""`wenming tick`: the periodic run (deadline notices, escalations, delivery retries)."""

import time

from django.core.management.base import BaseCommand, CommandError

from wenming.core.ticks import run_ticks


class Command(BaseCommand):
    help = "Run the periodic work once: registered ticks and notification retries (for cron)."

    def handle(self, *args, **options):
        started = time.monotonic()
        report = run_ticks()
        line = f"tick: {report.summary()} ({time.monotonic() - started:.1f} s)"
        if not report.ok:
            raise CommandError(line)
        self.stdout.write(line)
