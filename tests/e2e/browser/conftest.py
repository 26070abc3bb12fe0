"""Browser checks of the built site: one build, one HTTP server and one Chromium for the session.

The site is built once with `azx build` from data/ (AZX_BROWSER_DATA names another package, and
AZX_BROWSER_SITE a site already built from it, for a quick re-run). It is served from 127.0.0.1
on a free port and driven with Playwright through Debian's Chromium: Playwright never downloads a
browser of its own here.
"""

from __future__ import annotations

import csv
import functools
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
DATA_DIR = Path(os.environ.get("AZX_BROWSER_DATA", REPO_ROOT / "data")).resolve()
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = REPO_ROOT / "tools" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOT_DIR = REPO_ROOT / "screenshots"
# Flags that keep Chromium off the network on its own account: with a closed network the browser
# otherwise keeps trying Google's hosts, which is noise in the request log and slows start-up.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}

# The page types every check covers. A fixed page for the sections; for the pages generated per
# industry, region and insurer, the page of one row of the data (see `subjects`).
PAGE_TYPES = (
    "home", "industry", "region", "insurer", "coverage", "downloads", "validation", "dictionary",
)
SECTION_PAGES = {
    "home": "",
    "coverage": "coverage/",
    "downloads": "downloads/",
    "validation": "validation/",
    "dictionary": "dictionary/",
}
# The generator writes these pages under the code in lower case.
ENTITY_PAGES = {
    "industry": "industries/{code}/",
    "region": "regions/{code}/",
    "insurer": "insurers/{code}/",
}


def read_resource(name: str) -> list[dict[str, str]]:
    """Rows of one CSV resource of the data package the site is built from, in display order."""
    with open(DATA_DIR / f"{name}.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return sorted(rows, key=lambda row: int(row.get("display_order") or 0))


@pytest.fixture(scope="session")
def subjects() -> dict[str, dict[str, str]]:
    """The data row behind each per-entity page type: 危险化学品, the first region and insurer."""
    industries = [row for row in read_resource("industries") if row["name"] == "危险化学品"]
    assert industries, f"{DATA_DIR / 'industries.csv'} 中没有 危险化学品"
    return {
        "industry": industries[0],
        "region": read_resource("regions")[0],
        "insurer": read_resource("insurers")[0],
    }


@pytest.fixture(scope="session")
def page_paths(subjects) -> dict[str, str]:
    """The URL path (under the site root) of the page checked for each page type."""
    paths = dict(SECTION_PAGES)
    for kind, pattern in ENTITY_PAGES.items():
        paths[kind] = pattern.format(code=subjects[kind]["code"].lower())
    return {name: paths[name] for name in PAGE_TYPES}


# --- the site and its server ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled site, built once for the whole browser session."""
    prebuilt = os.environ.get("AZX_BROWSER_SITE")
    if prebuilt:
        return Path(prebuilt).resolve()
    root = tmp_path_factory.mktemp("browser")
    target = root / "site"
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--data", str(DATA_DIR),
         "--site-dir", str(target), "--work-dir", str(root / "work")],
        cwd=REPO_ROOT, capture_output=True, text=True, encoding="utf-8",
    )
    if result.returncode != 0:
        pytest.fail(f"azx build failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return target


class QuietHandler(SimpleHTTPRequestHandler):
    """A static file handler that does not log every request to stderr."""

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - signature of the base class
        pass


@pytest.fixture(scope="session")
def base_url(site_dir: Path):
    """The site served over HTTP on 127.0.0.1 with a free port; yields its root URL."""
    yield from serve(site_dir)


def serve(site_dir: Path):
    """Serve `site_dir` on 127.0.0.1 with a free port; yields its root URL (for a fixture)."""
    handler = functools.partial(QuietHandler, directory=str(site_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def site_pages(site_dir: Path) -> list[str]:
    """Every HTML page of the site as a URL path under the root ("" is the home page).

    404.html is left out: a server shows it for a missing URL, so its relative links only resolve
    from the site root, not from where it is served.
    """
    pages = []
    for path in sorted(site_dir.rglob("*.html")):
        rel = path.relative_to(site_dir).as_posix()
        if rel == "404.html":
            continue
        pages.append(rel.removesuffix("index.html"))
    return pages


# --- the browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the session (Playwright gives it a fresh profile)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} 不存在:请先安装 Debian 的 chromium(apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def desktop(browser):
    """A desktop-sized page with JavaScript on, shared by the tests that only read pages."""
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe_source() -> Path:
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} 不存在:请运行 `npm ci --prefix tools/browser`(make test 会自动运行)")
    return AXE_JS


# --- one crawl of the whole site -----------------------------------------------------------------


@dataclass
class PageVisit:
    """What the browser saw on one page: requests made, and what the page links to."""

    url: str
    status: int | None
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)
    broken_images: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)


COLLECT_JS = """() => ({
  links: [...document.querySelectorAll('a[href]')].map(a => a.href),
  resources: [
    ...[...document.querySelectorAll('img[src], script[src], source[src], iframe[src]')]
        .map(e => e.src),
    ...[...document.querySelectorAll('link[href]')]
        .filter(e => /\\b(stylesheet|icon|preload|modulepreload|manifest)\\b/.test(e.rel))
        .map(e => e.href),
  ],
  brokenImages: [...document.querySelectorAll('img')]
      .filter(img => img.complete && img.naturalWidth === 0).map(img => img.src),
  ids: [...document.querySelectorAll('[id], a[name]')].map(e => e.id || e.name),
})"""


def aborted(request) -> bool:
    """A request the browser cancelled itself, as when the crawl moves on to the next page."""
    return request.failure == "net::ERR_ABORTED"


@pytest.fixture(scope="session")
def crawl(browser, base_url: str, site_pages: list[str]) -> dict[str, PageVisit]:
    """Visit every page once at desktop size and record every request and every link."""
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    visits: dict[str, PageVisit] = {}
    current: list[PageVisit] = []
    context.on("request", lambda request: current[-1].requests.append(request.url))
    context.on("requestfailed", lambda request: aborted(request) or current[-1].failed.append(
        f"{request.url} ({request.failure})"))
    context.on("response", lambda response: response.status >= 400 and current[-1].failed.append(
        f"{response.url} (HTTP {response.status})"))
    for path in site_pages:
        url = base_url + path
        visit = PageVisit(url=url, status=None)
        current.append(visit)
        response = page.goto(url, wait_until="networkidle")
        visit.status = response.status if response else None
        seen = page.evaluate(COLLECT_JS)
        visit.links = seen["links"]
        visit.resources = seen["resources"]
        visit.broken_images = seen["brokenImages"]
        visit.ids = set(seen["ids"])
        visits[url] = visit
    context.close()
    return visits


@pytest.fixture(scope="session")
def url_status(base_url: str):
    """HTTP status of a local URL (HEAD request, cached): 200 for a file the server has."""

    @functools.cache
    def status(url: str) -> int:
        request = urllib.request.Request(url, method="HEAD")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    return status



# --- the figures the browser tests report ---------------------------------------------------------

REPORT_KEY = "browser_report"


def pytest_terminal_summary(terminalreporter) -> None:
    """Print the lines the browser tests recorded (weights, request counts, axe findings)."""
    lines = [
        value
        for outcome in ("passed", "failed")
        for report in terminalreporter.stats.get(outcome, [])
        for key, value in getattr(report, "user_properties", [])
        if key == REPORT_KEY
    ]
    if lines:
        terminalreporter.section("browser report")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture
def report(record_property):
    """Record a line for the browser report printed at the end of the run."""
    return lambda line: record_property(REPORT_KEY, line)


@pytest.fixture(scope="session")
def phone(browser):
    """A phone-sized page (375×812, touch, mobile viewport meta honoured) with JavaScript on."""
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def no_js(browser):
    """A desktop-sized page with JavaScript disabled."""
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()
