"""Fetch pages of a running Wenming and check that every script and style sheet they load answers.

    python scripts/check_page_assets.py http://127.0.0.1:8000 /login/
    WENMING_CHECK_PASSWORD=… python scripts/check_page_assets.py URL --login chief / /points/

Every `<script src>` and `<link rel=stylesheet href>` of each page must answer 200 with a body,
and so must each file a style sheet names with url(…), each /static/ file a script tag names
in a data- attribute (Leaflet's images) and the icon a `<link rel=icon>` names. With
--expect-hashed, every file under /static/ must carry a content hash in its name and a
Cache-Control of a year and `immutable`, as WhiteNoise gives the collected files. --login signs
in through the login form first (password from WENMING_CHECK_PASSWORD). Standard library only,
so it runs in any fresh virtual environment. Exit status 0 when every check passed.
"""

import argparse
import http.cookiejar
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

HASHED = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+?)['\"]?\s*\)")
YEAR = 365 * 24 * 3600


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.named: list[str] = []  # /static/ files named in a script tag's data- attributes
        self.csrf = ""

    def handle_starttag(self, tag, attrs):
        attr = dict(attrs)
        if tag == "script" and attr.get("src"):
            self.scripts.append(attr["src"])
            self.named += [
                v for k, v in attrs if k.startswith("data-") and v and v.startswith("/static/")
            ]
        elif tag == "link" and "stylesheet" in (attr.get("rel") or "").lower().split():
            if attr.get("href"):
                self.styles.append(attr["href"])
        elif tag == "link" and "icon" in (attr.get("rel") or "").lower().split():
            if attr.get("href"):
                self.named.append(attr["href"])  # the favicon, a static file like the others
        elif tag == "input" and attr.get("name") == "csrfmiddlewaretoken":
            self.csrf = attr.get("value") or ""


class Checker:
    def __init__(self, base: str, *, expect_hashed: bool = False):
        self.base = base.rstrip("/")
        self.expect_hashed = expect_hashed
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.checked: dict[str, str] = {}  # asset URL -> "ok" or what is wrong

    def _open(self, url: str, data: bytes | None = None, headers=None):
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise SystemExit(f"not an http(s) URL: {url}")
        request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310
        return self.opener.open(request, timeout=30)  # noqa: S310 — the server under test

    def page(self, path: str) -> _Assets:
        url = urllib.parse.urljoin(self.base + "/", path.lstrip("/"))
        with self._open(url) as response:
            if response.status != 200:
                raise SystemExit(f"{url} answered {response.status}")
            final = response.geturl()
            parser = _Assets()
            parser.feed(response.read().decode("utf-8", "replace"))
        for src in parser.scripts + parser.styles + parser.named:
            self.asset(urllib.parse.urljoin(final, src), is_css=src in parser.styles)
        return parser

    def asset(self, url: str, *, is_css: bool = False) -> None:
        if url in self.checked:
            return
        self.checked[url] = "ok"
        try:
            with self._open(url) as response:
                body = response.read()
                status, cache = response.status, response.headers.get("Cache-Control", "")
        except urllib.error.HTTPError as exc:
            self.checked[url] = f"answered {exc.code}"
            return
        if status != 200 or not body:
            self.checked[url] = f"answered {status} with {len(body)} bytes"
            return
        path = urllib.parse.urlsplit(url).path
        if self.expect_hashed and path.startswith("/static/"):
            max_age = re.search(r"max-age=(\d+)", cache)
            if not HASHED.search(path):
                self.checked[url] = "has no content hash in its name"
            elif "immutable" not in cache or not max_age or int(max_age.group(1)) < YEAR:
                self.checked[url] = f"is cached only as {cache!r}"
        if is_css:
            for ref in CSS_URL.findall(body.decode("utf-8", "replace")):
                if not ref.startswith(("data:", "#")):
                    self.asset(urllib.parse.urljoin(url, ref))

    def login(self, username: str, password: str) -> None:
        url = f"{self.base}/login/"
        form = self.page("/login/")
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": form.csrf, "username": username, "password": password}
        ).encode()
        with self._open(url, data=data, headers={"Referer": url}) as response:
            if urllib.parse.urlsplit(response.geturl()).path.startswith("/login/"):
                raise SystemExit(f"signing in as {username!r} failed")

    def problems(self) -> list[str]:
        return [f"{url} {what}" for url, what in self.checked.items() if what != "ok"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", help="the server, e.g. http://127.0.0.1:8000")
    parser.add_argument("paths", nargs="+", help="pages to check, e.g. /login/")
    parser.add_argument(
        "--login", metavar="USERNAME", help="sign in first (password from WENMING_CHECK_PASSWORD)"
    )
    parser.add_argument(
        "--expect-hashed",
        action="store_true",
        help="static files must have hashed names and a year's immutable cache",
    )
    args = parser.parse_args(argv)
    checker = Checker(args.base, expect_hashed=args.expect_hashed)
    if args.login:
        checker.login(args.login, os.environ.get("WENMING_CHECK_PASSWORD", ""))
    pages = {path: checker.page(path) for path in args.paths}
    empty = [p for p, found in pages.items() if not found.scripts or not found.styles]
    problems = checker.problems()
    for path in empty:
        problems.append(f"{path} loads no script or no style sheet (is this the right page?)")
    if problems:
        print("assets: FAILED", *problems, sep="\n  ", file=sys.stderr)
        return 1
    kind = " (hashed names, cached a year, immutable)" if args.expect_hashed else ""
    print(
        f"assets: {len(pages)} pages, {len(checker.checked)} scripts, style sheets and the"
        f" files they name, all 200{kind}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
