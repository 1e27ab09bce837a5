from django.core.management.base import BaseCommand, CommandError

from wenming.inspections import services
from wenming.inspections.models import Round, Visit


class Command(BaseCommand):
    help = (
        "Inspection rounds. `inspections redraw ROUND` prints the points the round's stored seed "
        "draws from today's registry; with --check it compares them with the visits the round "
        "holds and fails when they differ (anyone can repeat the office's draw)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["redraw"])
        parser.add_argument("round", help="the round's code")
        parser.add_argument(
            "--check", action="store_true", help="fail unless the round's visits are this draw"
        )

    def handle(self, *args, action, round, check=False, **options):
        round_ = Round.objects.filter(code=round).first()
        if round_ is None:
            raise CommandError(f"No round with code {round}.")
        drawn = services.round_sample(round_)
        self.stdout.write(f"Round {round_.code}, seed {round_.seed}: {len(drawn)} points")
        for point in drawn:
            self.stdout.write(f"  {point.point_type:<16} {point.district:<8} {point.code}")
        if not check:
            return
        held = set(Visit.objects.filter(round=round_).values_list("point__code", flat=True))
        wanted = {p.code for p in drawn}
        if held != wanted:
            raise CommandError(
                "The round's visits are not this draw: "
                f"{len(wanted - held)} drawn but not visited ({', '.join(sorted(wanted - held)[:10])}), "
                f"{len(held - wanted)} visited but not drawn ({', '.join(sorted(held - wanted)[:10])}). "
                "Points may have been added, retired or moved since the draw."
            )
        self.stdout.write(self.style.SUCCESS("The round's visits are exactly this draw."))
