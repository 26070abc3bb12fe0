"""A bulletin prints as an A4 document: Chromium's PDF of the latest bulletin of the bundled data
has exactly PRINTED_PAGES A4 pages, the issuing office and date head it, no navigation, header or
footer of the site is printed, and at the printed width no table reaches past the right edge of
the page (nothing is cut off)."""

from __future__ import annotations

import re

import pytest
import yaml

from .conftest import DATA_DIR, read_resource

pytestmark = pytest.mark.e2e

# A4 is 210 mm wide; print.css leaves 15 mm margins: 180 mm of content, at 96 px an inch.
CONTENT_PX = round(180 / 25.4 * 96)
# The latest bulletin of the bundled data (bulletins/2025-12/) as Chromium prints it: a change of
# the bulletin's content or of print.css that moves a page break changes this on purpose.
PRINTED_PAGES = 4
# What print.css hides: the site's header, tabs, navigation, search, footer and its date line.
CHROME_JS = """() => [...document.querySelectorAll(
    '.md-header, .md-tabs, .md-sidebar, .md-nav, .md-search, .md-footer, .md-top, .azx-updated')]
  .filter(e => e.getClientRects().length > 0).map(e => e.className)"""
WIDEST_JS = """() => {
  const right = document.querySelector('article').getBoundingClientRect().right;
  return [...document.querySelectorAll('article table')].map(t => ({
    over: t.getBoundingClientRect().right - right, width: t.scrollWidth,
    box: t.parentElement.clientWidth}));
}"""


def last_bulletin() -> str:
    months = sorted({r["period"] for r in read_resource("coverage")
                     if r["period"][5:] in ("03", "06", "09", "12")})
    return f"bulletins/{months[-1]}/"


def test_bulletin_prints_on_a_few_a4_pages_without_cut_tables(browser, base_url):
    context = browser.new_context(viewport={"width": CONTENT_PX, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    response = page.goto(base_url + last_bulletin())
    assert response is not None and response.status == 200
    page.emulate_media(media="print")
    tables = page.evaluate(WIDEST_JS)
    assert len(tables) == 4, "overall figures, industries and counties behind, prevention"
    assert [t for t in tables if t["over"] > 0.5 or t["width"] > t["box"] + 1] == []
    assert page.evaluate(CHROME_JS) == []
    month = last_bulletin().split("/")[1]
    issuer = yaml.safe_load((DATA_DIR / "publisher.yaml").read_text(encoding="utf-8"))["issuer"]
    last_day = {"03": 31, "06": 30, "09": 30, "12": 31}[month[5:]]
    assert page.inner_text("article .azx-bulletin__issuer") == (
        f"{issuer} · {month[:4]}年{int(month[5:])}月{last_day}日")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    context.close()
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
    print(f"{last_bulletin()}: {pages} A4 pages")
    assert pages == PRINTED_PAGES
    assert b"/MediaBox [0 0 595" in pdf or re.search(rb"/MediaBox\s*\[0 0 59[45]", pdf)
