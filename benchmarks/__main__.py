"""Run every benchmark module (or those named on the command line) and print their figures.

Usage: python -m benchmarks [name ...]   e.g. `python -m benchmarks points problems`
Each module `benchmarks/bench_<name>.py` exposes `main(argv: list[str]) -> int`.
"""

import importlib
import pkgutil
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    names = sorted(
        m.name
        for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if m.name.startswith("bench_")
    )
    wanted = [a for a in argv if not a.startswith("-")]
    if wanted:
        names = [n for n in names if n.removeprefix("bench_") in wanted]
    status = 0
    for name in names:
        print(f"== {name} ==", flush=True)
        started = time.monotonic()
        module = importlib.import_module(f"benchmarks.{name}")
        status |= module.main([a for a in argv if a.startswith("-")]) or 0
        print(f"== {name}: {time.monotonic() - started:.1f} s ==\n", flush=True)
    if not names:
        print("no benchmarks matched")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
