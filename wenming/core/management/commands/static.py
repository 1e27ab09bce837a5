from django.core.management.base import BaseCommand

from wenming.core.staticbuild import collect_static


class Command(BaseCommand):
    help = (
        "Collect the static files with hashed names for WhiteNoise, unless nothing changed"
        " since the last collection (`wenming serve` does this itself)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="collect even if unchanged")

    def handle(self, *args, force, **options):
        if not collect_static(force=force, stdout=self.stdout):
            self.stdout.write("static: unchanged since the last collection\n")
