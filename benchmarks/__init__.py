"""Benchmarks run by `make bench`: each `bench_*.py` module has `main(argv) -> int`."""

import os


def database_targets(folder: str) -> list[tuple[str, str]]:
    """(label, database URL) to measure on: a fresh SQLite file in `folder`, and PostgreSQL
    when WENMING_BENCH_PG_URL names a database (said aloud when it does not)."""
    targets = [("SQLite", f"sqlite:///{folder}/bench.sqlite3")]
    pg = os.environ.get("WENMING_BENCH_PG_URL")
    if pg:
        targets.append(("PostgreSQL", pg))
    else:
        print("(PostgreSQL skipped: set WENMING_BENCH_PG_URL to include it)")
    return targets
