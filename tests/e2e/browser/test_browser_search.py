"""The site's search box finds an industry, an insurer by its short name and a region by name."""

from __future__ import annotations

from urllib.parse import urldefrag

import pytest
import yaml

from .conftest import DATA_DIR, read_resource

pytestmark = pytest.mark.e2e

TOP = 3
RESULT_ITEMS = ".md-search-result__list > .md-search-result__item"
NO_RESULT = ".md-search-result__meta:has-text('没有')"


def search(page, query: str) -> list[str]:
    """Type `query` into the Material search box; the pages of the results, best first."""
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    box.press("End")  # Material reads the query on keyup
    # Either the first result or Material's "没有找到符合条件的结果" line.
    page.locator(f"{RESULT_ITEMS}, {NO_RESULT}").first.wait_for()
    # One result a page: its first link goes to the page, the others to sections of it.
    hrefs = page.locator(RESULT_ITEMS).evaluate_all(
        "items => items.map(item => item.querySelector('a.md-search-result__link').href)"
    )
    return [urldefrag(href)[0] for href in hrefs]


@pytest.mark.parametrize(
    ("kind", "field"),
    [("industry", "name"), ("insurer", "short_name"), ("region", "name")],
    ids=["industry-name", "insurer-short-name", "region-name"],
)
def test_search_finds_the_page(kind, field, desktop, base_url, subjects, page_paths):
    query = subjects[kind][field]
    desktop.goto(base_url, wait_until="networkidle")
    results = search(desktop, query)
    expected = base_url + page_paths[kind]
    top = results[:TOP]
    assert expected in top, f"搜索 {query!r}:前 {TOP} 个结果 {top} 中没有 {expected}"


@pytest.mark.parametrize("short", ["危化品", "非煤", "民爆"])
def test_a_short_name_finds_its_page_first(short, desktop, base_url):
    # data/publisher.yaml lists the short names of industries (search_aliases): 危险化学品: [危化品]
    aliases = yaml.safe_load((DATA_DIR / "publisher.yaml").read_text(encoding="utf-8"))[
        "search_aliases"]
    [full] = [name for name, shorts in aliases.items() if short in shorts]
    [code] = [row["code"] for row in read_resource("industries") if row["name"] == full]
    desktop.goto(base_url, wait_until="networkidle")
    results = search(desktop, short)
    expected = f"{base_url}industries/{code}/"
    assert results[:1] == [expected], f"搜索 {short!r}:第一个结果 {results[:1]} 不是 {expected}"


def test_the_short_name_of_the_insurance_finds_the_home_page_first(desktop, base_url):
    # 安责险 stands for 安全生产责任保险, the site's subject: its home page comes first
    desktop.goto(base_url, wait_until="networkidle")
    assert search(desktop, "安责险")[:1] == [base_url]
