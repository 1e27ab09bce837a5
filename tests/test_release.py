"""The release's shape: where an installed server keeps its data, and static files served with
hashed names and a year's cache by a real server on the production storage.

The suite itself renders pages with plain static names (wenming/settings_test.py), so the
hashed storage is exercised here in a subprocess on wenming.settings, as a deployment runs it;
scripts/ci_wheelhouse.sh does the same from a wheelhouse, offline."""

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from wenming.settings import home_dir

ROOT = Path(__file__).resolve().parents[1]
ADMIN_PASSWORD = "Ch1ef-of-the-office!"


def _load_checker():
    spec = importlib.util.spec_from_file_location(
        "check_page_assets", ROOT / "scripts" / "check_page_assets.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_checkout_keeps_its_data_in_the_checkout():
    assert home_dir(ROOT / "wenming", {}) == ROOT


def test_wenming_home_chooses_the_data_folder(tmp_path):
    assert home_dir(ROOT / "wenming", {"WENMING_HOME": str(tmp_path)}) == tmp_path.resolve()


def test_an_installed_package_needs_wenming_home(tmp_path):
    # As in site-packages: no pyproject.toml beside the package folder.
    package = tmp_path / "site-packages" / "wenming"
    package.mkdir(parents=True)
    with pytest.raises(ImproperlyConfigured, match="WENMING_HOME is not set"):
        home_dir(package, {})
    assert home_dir(package, {"WENMING_HOME": str(tmp_path / "srv")}) == tmp_path / "srv"


def _production_env(home: Path) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("WENMING_") and k not in ("DJANGO_ALLOW_ASYNC_UNSAFE",)
    }
    env.update(
        DJANGO_SETTINGS_MODULE="wenming.settings",
        WENMING_HOME=str(home),
        WENMING_DATABASE_URL=f"sqlite:///{home}/wenming.sqlite3",
    )
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    """`wenming serve` on wenming.settings with its own WENMING_HOME: it collects the static
    files itself before serving."""
    home = tmp_path_factory.mktemp("home")
    env = _production_env(home)
    subprocess.run(
        [sys.executable, "-m", "wenming.cli", "migrate", "--no-input"],
        cwd=home,
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )
    subprocess.run(
        [sys.executable, "-m", "wenming.cli", "createadmin", "--username", "chief", "--no-input"],
        cwd=home,
        env={**env, "WENMING_ADMIN_PASSWORD": ADMIN_PASSWORD},
        check=True,
        capture_output=True,
        timeout=300,
    )
    port = _free_port()
    log = open(home / "serve.log", "w+")  # noqa: SIM115 — kept open for the server's lifetime
    process = subprocess.Popen(
        [sys.executable, "-m", "wenming.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=home,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise AssertionError(f"server exited: {log.read()}")
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError("the server did not answer /healthz") from None
                time.sleep(0.3)
        yield base, home, env
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_pages_name_hashed_static_files_that_are_cached_for_a_year(production_server):
    base, home, _env = production_server
    assert "static: collected into" in (home / "serve.log").read_text()
    checker = _load_checker()
    # Every script and style sheet of the login page (and the files the sheets name) answers
    # 200 under a hashed name with `Cache-Control: max-age=315360000, public, immutable`.
    assert checker.main([base, "/login/", "--expect-hashed"]) == 0
    with urllib.request.urlopen(f"{base}/login/") as response:  # noqa: S310
        page = response.read().decode()
    assert "/static/vendor/bootstrap/bootstrap.min." in page
    assert '/static/vendor/bootstrap/bootstrap.min.css"' not in page


def test_map_pages_name_leaflets_marker_images_by_their_hashed_names(
    production_server, monkeypatch
):
    # Leaflet cannot find its marker images in a hashed leaflet.css; core/leaflet-icons.js is
    # given them by the page. The checker fetches every /static/ file a script tag names.
    base, _home, _env = production_server
    checker = _load_checker()
    monkeypatch.setenv("WENMING_CHECK_PASSWORD", ADMIN_PASSWORD)
    assert checker.main([base, "--login", "chief", "/points/", "--expect-hashed"]) == 0
    session = checker.Checker(base)
    session.login("chief", ADMIN_PASSWORD)
    page = session.page("/points/")
    icons = [url for url in page.named if "/vendor/leaflet/images/marker-" in url]
    assert len(icons) == 3
    assert all(checker.HASHED.search(url) for url in icons)


def test_the_checker_refuses_missing_and_unhashed_files(production_server):
    base, _home, _env = production_server
    checker = _load_checker().Checker(base, expect_hashed=True)
    checker.asset(f"{base}/static/vendor/htmx/nothing-here.js")
    # The unhashed original is collected too, but only with WhiteNoise's short default cache.
    checker.asset(f"{base}/static/vendor/htmx/htmx.min.js")
    problems = checker.problems()
    assert len(problems) == 2
    assert "nothing-here.js answered 404" in problems[0]
    assert "htmx.min.js has no content hash in its name" in problems[1]


def test_a_second_collection_is_skipped_until_the_manifest_is_gone(production_server):
    _base, home, env = production_server

    def static():
        result = subprocess.run(
            [sys.executable, "-m", "wenming.cli", "static"],
            cwd=home,
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        )
        return result.stdout

    assert "unchanged since the last collection" in static()
    (home / "var" / "static" / "staticfiles.json").unlink()
    assert "static: collected into" in static()
    assert (home / "var" / "static" / "staticfiles.json").is_file()
