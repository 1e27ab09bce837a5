from django.core.management.base import BaseCommand, CommandError

from wenming.core.errors import DomainError
from wenming.core.progress import progress


class _Bar:
    """The services' progress interface (`total(n)`, then one call per subject) on a tqdm bar."""

    def __init__(self, stream):
        self.stream = stream
        self._ctx = self._advance = None

    def total(self, n):
        self._ctx = progress(n, "snapshot", stream=self.stream, unit="subjects")
        self._advance = self._ctx.__enter__()

    def __call__(self, n=1):
        if self._advance:
            self._advance(n)

    def close(self):
        if self._ctx is not None:
            self._ctx.__exit__(None, None, None)


class Command(BaseCommand):
    help = (
        "A month's scores: `snapshot --month YYYY-MM` computes it here with a progress bar "
        "(idempotent: a published month is left as it is); --publish freezes it and takes the "
        "escalation ladder's steps; --recompute --reason TEXT computes a published month again "
        "as a new version, keeping the old; --queue leaves it to the worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--publish", action="store_true")
        parser.add_argument("--recompute", action="store_true")
        parser.add_argument("--reason", default="")
        parser.add_argument("--queue", action="store_true")

    def handle(self, *args, month, publish, recompute, reason, queue, **options):
        from wenming.scoring import services
        from wenming.scoring.models import SnapshotStatus
        from wenming.scoring.tasks import snapshot_queue

        try:
            if queue:
                queued = snapshot_queue(month=month, publish=publish)
                self.stdout.write("queued" if queued else "already made or queued")
                return
            bar = _Bar(self.stderr)
            try:
                if recompute:
                    period = services.month_parse(month)
                    current = services.current_snapshot(period.first)
                    if current is None:
                        raise CommandError(f"No snapshot of {month} to recompute.")
                    snapshot = services.snapshot_recompute(
                        snapshot=current, actor=None, reason=reason, progress=bar
                    )
                else:
                    snapshot = services.snapshot_compute(month=month, progress=bar)
            finally:
                bar.close()
            if publish and snapshot.status == SnapshotStatus.DRAFT:
                snapshot = services.snapshot_publish(snapshot=snapshot)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        self.stdout.write(
            f"{month} v{snapshot.version} {snapshot.status}: {snapshot.subjects} subjects, "
            f"{snapshot.problems_due} problems due, {snapshot.visits} visits"
        )
