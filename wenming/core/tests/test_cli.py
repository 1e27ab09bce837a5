"""The `wenming` command and the settings it runs with."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from wenming.org.models import Person, Region, Unit

ROOT = Path(__file__).resolve().parents[3]


def test_demo_small_loads_dalian_and_demo_logins(db, capsys, monkeypatch):
    # The organisation's share of the demo; each app tests its own share.
    monkeypatch.setattr("wenming.core.demo.DEMO_APPS", ["wenming.org"])
    call_command("demo", "--scale", "small")
    out = capsys.readouterr().out
    assert "zhongshan" in out and "wenming-demo" in out
    codes = set(Region.objects.filter(level="district").values_list("code", flat=True))
    assert {"210202", "210203", "210204", "210211", "210212", "210213", "210214", "210224",
            "210281", "210283"} <= codes and len(codes) == 11
    assert Region.objects.filter(level="community").count() > 500
    for code in ("EDU", "PSB", "AGRI", "URBAN", "WOMEN"):
        assert Unit.objects.filter(code=code).exists()
    assert Unit.objects.count() >= 25
    demo = {p.username: p for p in Person.objects.filter(is_demo=True)}
    assert set(demo) == {"office", "leader", "zhongshan", "ganjingzi", "urban", "education",
                         "inspector", "evaluator"}
    assert demo["zhongshan"].region.code == "210202" and demo["urban"].unit.code == "URBAN"
    assert demo["office"].check_password("wenming-demo")
    # Streets and communities extend their parent's code (grid coding).
    community = Region.objects.filter(level="community").select_related("parent__parent").first()
    assert community.code.startswith(community.parent.code)
    assert community.parent.code.startswith(community.parent.parent.code)


def test_demo_if_empty_leaves_existing_data_alone(cast, capsys):
    call_command("demo", "--if-empty")
    assert "not loaded" in capsys.readouterr().out
    assert not Person.objects.filter(is_demo=True).exists()


def test_demo_is_refused_in_production(db, settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="production|生产"):
        call_command("demo")


def test_createadmin_without_input(db, monkeypatch, capsys):
    monkeypatch.setenv("WENMING_ADMIN_PASSWORD", "Zhen-Shan-Mei-2026!")
    call_command("createadmin", "--username", "chief", "--no-input")
    chief = Person.objects.get(username="chief")
    assert chief.role == "office_admin" and chief.is_superuser
    with pytest.raises(CommandError):
        call_command("createadmin", "--username", "chief", "--no-input")


def test_createadmin_rejects_weak_password(db, monkeypatch):
    monkeypatch.setenv("WENMING_ADMIN_PASSWORD", "123")
    with pytest.raises(CommandError):
        call_command("createadmin", "--username", "weak", "--no-input")
    assert not Person.objects.filter(username="weak").exists()


def _clean_environ() -> dict:
    # The browser tests allow async-unsafe ORM calls in this process; a deployment never does.
    return {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _run(args, **env):
    full_env = {**_clean_environ(), **env}
    return subprocess.run([sys.executable, "-m", "wenming.cli", *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=120)


def test_cli_passes_django_commands_through():
    result = _run(["check"])
    assert result.returncode == 0, result.stderr


def test_production_settings_pass_check_deploy(tmp_path):
    result = _run(["check", "--deploy", "--fail-level", "WARNING"],
                  WENMING_PRODUCTION="1", WENMING_SECRET_KEY="x" * 60 + "Aa1!-production-key",
                  WENMING_AUDIT_KEY="test-only-audit-key",
                  WENMING_ALLOWED_HOSTS="wenming.example.cn",
                  WENMING_DATABASE_URL=f"sqlite:///{tmp_path}/prod.sqlite3")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_requires_a_secret_key(tmp_path):
    env = {k: v for k, v in _clean_environ().items() if k != "WENMING_SECRET_KEY"}
    env.update(WENMING_PRODUCTION="1", WENMING_DATABASE_URL=f"sqlite:///{tmp_path}/p.sqlite3")
    result = subprocess.run([sys.executable, "-m", "wenming.cli", "check"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "WENMING_SECRET_KEY" in result.stderr


def test_audit_verify_command_through_cli(tmp_path):
    db_url = f"sqlite:///{tmp_path}/cli.sqlite3"
    assert _run(["migrate", "--no-input"], WENMING_DATABASE_URL=db_url).returncode == 0
    result = _run(["audit", "verify"], WENMING_DATABASE_URL=db_url)
    assert result.returncode == 0 and "OK" in result.stdout
