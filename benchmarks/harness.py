"""What every per-app benchmark shares: run itself once per database in a child process, and
in the child, Django on a throw-away database (a temporary PostgreSQL database is created
beside `WENMING_BENCH_PG_URL` and dropped afterwards).

A benchmark module then reads:

    def main(argv):                       # called by `python -m benchmarks NAME`
        return run_per_database(argv, module="benchmarks.bench_NAME", repeat=30)

    def run(*, repeat):                   # in the child, Django set up on a fresh database
        ...

    if __name__ == "__main__":
        sys.exit(child_or_main(run, main, repeat=30))

Integer options beyond `--repeat` are declared once in `options` ({"entries": 100_000}) and
reach `run` as keyword arguments.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from benchmarks import database_targets
from benchmarks.bench_points import _pg_temp_database

ROOT = Path(__file__).resolve().parent.parent


def _parser(prog: str, repeat: int, options: dict[str, int]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("--repeat", type=int, default=repeat)
    for name, default in options.items():
        parser.add_argument(f"--{name}", type=int, default=default)
    return parser


def run_per_database(
    argv: list[str], *, module: str, repeat: int, options: dict[str, int] | None = None
) -> int:
    """Run `python -m module --worker URL …` once per target database; OR of the exit codes."""
    options = options or {}
    name = module.rsplit(".", 1)[-1]
    parser = _parser(name, repeat, options)
    parser.add_argument("--db", choices=["both", "sqlite", "postgresql"], default="both")
    args, _rest = parser.parse_known_args(argv)
    status = 0
    with tempfile.TemporaryDirectory(prefix=f"wenming-{name}-") as folder:
        for label, url in database_targets(folder):
            if args.db not in ("both", label.lower()):
                continue
            print(f"--- {label} ---", flush=True)
            command = [
                sys.executable,
                "-m",
                module,
                "--worker",
                url,
                "--media",
                f"{folder}/media-{label}",
                "--repeat",
                str(args.repeat),
            ]
            for option in options:
                command += [f"--{option}", str(getattr(args, option))]
            status |= subprocess.run(command, cwd=ROOT, check=False).returncode
    return status


@contextmanager
def django_on(url: str, *, media: str | None = None):
    """Django set up on `url` (a fresh temporary database when it is PostgreSQL)."""
    dropper = None
    if url.startswith("postgres"):
        url, dropper = _pg_temp_database(url)
    os.environ["WENMING_DATABASE_URL"] = url
    if media:
        os.environ["WENMING_MEDIA_ROOT"] = media
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenming.settings")
    import django

    django.setup()
    try:
        yield
    finally:
        if dropper:
            dropper()


def child_or_main(
    run: Callable[..., object],
    main: Callable[[list[str]], int],
    *,
    repeat: int,
    options: dict[str, int] | None = None,
) -> int:
    """A module's `__main__`: the child's run when called with `--worker`, else `main`."""
    if "--worker" not in sys.argv:
        return main(sys.argv[1:])
    options = options or {}
    parser = _parser("worker", repeat, options)
    parser.add_argument("--worker", required=True)
    parser.add_argument("--media", default="")
    args = parser.parse_args()
    with django_on(args.worker, media=args.media or None):
        run(repeat=args.repeat, **{name: getattr(args, name) for name in options})
    return 0
