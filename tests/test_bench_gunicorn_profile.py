"""The creation benchmark's worker profiler (benchmarks/_gunicorn_profile.py): it leaves the
warm-up out, writes one profile per worker named by the requests it covers, and its summary
reads them back per request."""

import re

from benchmarks import _gunicorn_profile as hooks


def test_profiles_from_the_nth_request_and_summarises_per_request(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(hooks, "PROFILE_DIR", str(tmp_path))
    monkeypatch.setattr(hooks, "PROFILE_AFTER", 3)
    monkeypatch.setattr(hooks, "_state", {"seen": 0, "profile": None, "started_at": 0})
    try:
        for _ in range(2):  # the warm-up: not profiled
            hooks.pre_request(None, None)
        assert hooks._state["profile"] is None
        for _ in range(4):  # requests 3 to 6 are
            hooks.pre_request(None, None)
            sorted(range(1000), key=lambda n: -n)
    finally:
        hooks.worker_exit(None, None)

    files = list(tmp_path.glob("worker-*.prof"))
    assert len(files) == 1
    assert re.fullmatch(r"worker-\d+-4\.prof", files[0].name)

    hooks.summary(str(tmp_path), top=5)
    out = capsys.readouterr().out
    assert "1 workers, 4 requests profiled" in out
    assert "calls/req" in out


def test_no_profile_without_a_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(hooks, "PROFILE_DIR", "")
    monkeypatch.setattr(hooks, "_state", {"seen": 0, "profile": None, "started_at": 0})
    for _ in range(100):
        hooks.pre_request(None, None)
    hooks.worker_exit(None, None)
    assert hooks._state["profile"] is None
    assert not list(tmp_path.iterdir())
