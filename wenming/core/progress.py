"""Progress for long work: a bar with an ETA on a terminal, one summary line elsewhere."""

import sys
from contextlib import contextmanager

from tqdm import tqdm


@contextmanager
def progress(total: int, description: str, *, stream=None, unit: str = "rows"):
    """Yield an `advance(n)` callable; draws a tqdm bar (with ETA) when writing to a terminal."""
    stream = stream or sys.stderr
    bar = tqdm(
        total=total,
        desc=description,
        unit=unit,
        file=stream,
        dynamic_ncols=True,
        disable=None,
        mininterval=0.5,
        leave=True,
    )
    done = 0

    def advance(n: int = 1) -> None:
        nonlocal done
        done += n
        bar.update(n)

    try:
        yield advance
    finally:
        bar.close()
        if bar.disable:
            stream.write(f"{description}: {done}/{total} {unit}\n")
