"""Profile gunicorn's workers during the creation benchmark (a gunicorn config module).

`python -m benchmarks problems --only=create --profile-workers=DIR` starts gunicorn with
`-c python:benchmarks._gunicorn_profile`. Each worker then runs cProfile from its
`PROFILE_AFTER`-th request on (the warm-up, with the first request's imports, is left out)
until it exits, and writes `DIR/worker-<pid>-<requests>.prof`. The profile covers the whole
worker loop, gunicorn's accept, parsing and writes included, so it can be set beside a profile
of the same report made in one process (the test client): the calls per request show whether
the server runs more code, the times where it runs the same code slower.

cProfile slows Python calls several times over, so the CPU figures of a profiled run are not
the benchmark's; read the call counts and the shares. `python -m benchmarks._gunicorn_profile
DIR` prints both per request, summed over the workers.

Only the benchmark uses this file; the product's gunicorn needs no config.
"""

import cProfile
import os
import pstats
import re
import sys
from pathlib import Path

PROFILE_DIR = os.environ.get("WENMING_BENCH_PROFILE_DIR", "")
PROFILE_AFTER = int(os.environ.get("WENMING_BENCH_PROFILE_AFTER", "50"))

_state: dict = {"seen": 0, "profile": None, "started_at": 0}


def pre_request(worker, req):
    """Gunicorn hook: count requests; start the profile at the PROFILE_AFTER-th."""
    _state["seen"] += 1
    if PROFILE_DIR and _state["profile"] is None and _state["seen"] >= PROFILE_AFTER:
        _state["profile"] = cProfile.Profile()
        _state["started_at"] = _state["seen"]
        _state["profile"].enable()


def worker_exit(server, worker):
    """Gunicorn hook: write this worker's profile, named by the requests it covers."""
    profile = _state["profile"]
    if profile is None:
        return
    profile.disable()
    requests = _state["seen"] - _state["started_at"] + 1
    Path(PROFILE_DIR).mkdir(parents=True, exist_ok=True)
    profile.dump_stats(str(Path(PROFILE_DIR) / f"worker-{os.getpid()}-{requests}.prof"))


def summary(folder: str, top: int = 40) -> None:
    """Print the workers' profiles merged, per request: calls, own time, cumulative time."""
    files = sorted(Path(folder).glob("worker-*-*.prof"))
    if not files:
        print(f"no worker profiles in {folder}")
        return
    requests = sum(int(re.search(r"-(\d+)\.prof$", f.name).group(1)) for f in files)
    stats = pstats.Stats(*(str(f) for f in files))
    calls = sum(nc for (_cc, nc, _tt, _ct, _callers) in stats.stats.values())
    print(
        f"{len(files)} workers, {requests} requests profiled, {calls / requests:,.0f} Python calls"
        f" a request, {stats.total_tt * 1000 / requests:.2f} ms a request (under the profiler)"
    )
    rows = sorted(stats.stats.items(), key=lambda item: -item[1][3])[:top]
    print(f"{'calls/req':>10} {'own ms':>8} {'cum ms':>8}  function")
    for (path, line, name), (_cc, nc, tt, ct, _callers) in rows:
        where = path.split("site-packages/")[-1]
        print(
            f"{nc / requests:10.1f} {tt * 1000 / requests:8.3f} {ct * 1000 / requests:8.3f}"
            f"  {where}:{line}({name})"
        )


if __name__ == "__main__":
    summary(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 40)
