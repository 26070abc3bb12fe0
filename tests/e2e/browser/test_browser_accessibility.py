"""Accessibility of each page type: axe-core (from tools/browser, injected from disk) and the
basics a screen reader needs: a Chinese `<html lang>`, named charts, tables with headers."""

from __future__ import annotations

from collections import Counter

import pytest

from .conftest import PAGE_TYPES

pytestmark = pytest.mark.e2e

BLOCKING = ("serious", "critical")

RUN_AXE_JS = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
  }));
}"""

# Images that are charts (an SVG file) and the name a screen reader gives them.
CHART_NAMES_JS = """() => [...document.querySelectorAll('img')]
  .filter(img => /\\.svg($|[?#])/i.test(img.getAttribute('src') || ''))
  .map(img => {
    const labelled = (img.getAttribute('aria-labelledby') || '').split(/\\s+/)
      .map(id => document.getElementById(id)).filter(Boolean)
      .map(el => el.textContent).join(' ');
    const name = labelled || img.getAttribute('aria-label') || img.getAttribute('alt') || '';
    return {src: img.getAttribute('src'), name: name.trim()};
  })"""

TABLES_JS = """() => [...document.querySelectorAll('article table')].map((table, index) => ({
  index,
  headers: table.querySelectorAll('th').length,
}))"""


@pytest.fixture(scope="module", params=PAGE_TYPES)
def page_type(request, desktop, base_url, page_paths):
    """The shared desktop page, opened on one page of each type."""
    desktop.goto(base_url + page_paths[request.param], wait_until="load")
    return request.param


def test_no_serious_axe_violation(page_type, desktop, axe_source, report):
    desktop.add_script_tag(path=str(axe_source))
    violations = desktop.evaluate(RUN_AXE_JS)
    impacts = Counter(v["impact"] for v in violations)
    summary = ", ".join(f"{impact} {count}" for impact, count in sorted(impacts.items())) or "none"
    ids = ", ".join(sorted({v["id"] for v in violations})) or "-"
    report(f"axe {page_type}: {summary} ({ids})")
    blocking = [
        f"{v['impact']} {v['id']}: {v['help']} — {'; '.join(v['targets'])}"
        for v in violations
        if v["impact"] in BLOCKING
    ]
    assert not blocking, f"{desktop.url}\n" + "\n".join(blocking)


def test_html_lang_is_chinese(page_type, desktop):
    lang = desktop.evaluate("document.documentElement.lang")
    assert lang.lower().startswith("zh"), f"{desktop.url}: <html lang={lang!r}>"


def test_every_chart_has_an_accessible_name(page_type, desktop, report):
    charts = desktop.evaluate(CHART_NAMES_JS)
    unnamed = [chart["src"] for chart in charts if not chart["name"]]
    report(f"charts {page_type}: {len(charts)} charts, {len(unnamed)} without a name")
    assert not unnamed, f"{desktop.url}: 图表没有替代文字 (alt): {unnamed}"


def test_tables_have_headers(page_type, desktop, report):
    tables = desktop.evaluate(TABLES_JS)
    headless = [t["index"] + 1 for t in tables if not t["headers"]]
    report(f"tables {page_type}: {len(tables)} tables, {len(headless)} without headers")
    assert not headless, f"{desktop.url}: 表格没有表头 (th),第 {headless} 个"
