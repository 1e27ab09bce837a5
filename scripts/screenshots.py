"""Screenshots of the unit officer's phone: the ledger and a problem page, in Chinese and English.

    make run                                  # the demo city on http://127.0.0.1:8000
    .venv/bin/python scripts/screenshots.py   # → docs/screenshots/*.png
    .venv/bin/python scripts/screenshots.py --base http://127.0.0.1:8765 --out /tmp/shots

Signs in through the login form as the Urban Management Bureau's officer (`urban`, the demo
password), at 390×844 (an iPhone 12/13/14's screen, drawn at twice the pixels), opens the ledger
as it first opens, and the first problem waiting for the bureau (--status). Each picture is the
screen as the officer sees it first, without scrolling. Requests that leave the server (map
tiles) are refused, so the maps show their plain background with the notice, as on an intranet.

Needs Playwright (the test extra) and Debian's chromium; Chinese text needs a CJK font
(Debian: fonts-noto-cjk or fonts-wqy-microhei), or it is drawn as boxes.
"""

import argparse
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PHONE = {"width": 390, "height": 844}
LANGUAGES = {"zh": "zh-hans", "en": "en"}


def sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def settle(page) -> None:
    """Wait until the page's own requests are done and its maps are drawn."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('[data-wm-map]'))"
        ".every(el => el.classList.contains('leaflet-container'))"
    )
    page.evaluate("() => document.fonts.ready")


def shoot(browser, base: str, out: Path, suffix: str, language: str, args) -> list[Path]:
    # The phone's language (navigator.language) matches the page's.
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN" if language == "zh-hans" else "en-US",
    )
    context.add_cookies([{"name": "wenming_language", "value": language, "url": base}])
    # Only our own server: tiles and anything else outside fail at once, as with no internet.
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(base) else route.abort(),
    )
    page = context.new_page()
    page.set_default_timeout(30000)
    sign_in(page, base, args.username, args.password)
    page.goto(f"{base}/problems/")
    settle(page)
    ledger = out / f"phone-ledger-{suffix}.png"
    page.screenshot(path=ledger)
    # The problem: the first one waiting for the officer (by the status filter).
    page.goto(f"{base}/problems/?status={args.status}")
    settle(page)
    page.locator("[data-testid=ledger-cards] a[href*='/problems/']").first.click()
    page.wait_for_url("**/problems/*/")
    settle(page)
    problem = out / f"phone-problem-{suffix}.png"
    page.screenshot(path=problem)
    context.close()
    return [ledger, problem]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000", help="a running Wenming")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--username", default="urban")
    parser.add_argument(
        "--password", default=os.environ.get("WENMING_DEMO_PASSWORD", "wenming-demo")
    )
    parser.add_argument(
        "--status",
        default="dispatched",
        help="the ledger's status filter; its first problem is photographed",
    )
    parser.add_argument(
        "--chromium",
        default=os.environ.get("WENMING_CHROMIUM")
        or shutil.which("chromium")
        or "/usr/bin/chromium",
    )
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    base = args.base.rstrip("/")
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=args.chromium, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            for suffix, language in LANGUAGES.items():
                for path in shoot(browser, base, args.out, suffix, language, args):
                    print(
                        f"screenshots: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}"
                    )
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
