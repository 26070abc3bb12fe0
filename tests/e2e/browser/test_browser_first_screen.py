"""What a citizen sees first, and how long the pages are (issue 14, item 6).

The home page opens, within the first phone screen (375 × 667), with three large key figures of
the latest month (computed here from coverage.csv) and the start of the deadline verdicts; long
tables fold into a <details> with a Chinese summary; 工作进度 fits the window at desktop width
and reads as stacked rows on a phone.
"""

from __future__ import annotations

import csv
from decimal import ROUND_HALF_UP, Decimal

import pytest

from generator.history.releases import OPEN_ITEMS

from .conftest import DATA_DIR, DESKTOP, read_resource

pytestmark = pytest.mark.e2e

FIRST_SCREEN = {"width": 375, "height": 667}

KEY_FIGURES_JS = """() => {
  const body = parseFloat(getComputedStyle(document.querySelector('article p')).fontSize);
  return [...document.querySelectorAll('article dl.azx-key > div')].map(tile => {
    const value = tile.querySelector('dd');
    const box = tile.getBoundingClientRect();
    return {
      label: tile.querySelector('dt').innerText.trim(),
      value: value.innerText.replace(/\\s+/g, ''),
      top: box.top, bottom: box.bottom, left: box.left, right: box.right,
      scale: parseFloat(getComputedStyle(value).fontSize) / body,
    };
  });
}"""

SENTENCE_TOP_JS = """(start) => {
  const found = [...document.querySelectorAll('article p')]
      .find(p => p.innerText.trim().startsWith(start));
  return found ? found.getBoundingClientRect().top : null;
}"""

# The row lines a release shows open: the list items nested under its headings, up to its fold.
NEWEST_OPEN_ROWS_JS = """(heading) => {
  let rows = 0;
  for (let e = heading.nextElementSibling; e && !['H2', 'DETAILS'].includes(e.tagName);
       e = e.nextElementSibling) rows += e.querySelectorAll('li li').length;
  return rows;
}"""
# Whether anything is wider than its box: the page itself, every table of the article and the
# boxes the theme wraps it in (which scroll it sideways when it is). And, for each table, the
# height of its header row and where the cells of its first body row are.
OVERFLOW_JS = """() => {
  const wide = [];
  document.querySelectorAll('article table').forEach((table, index) => {
    for (const box of [table, table.parentElement, table.parentElement.parentElement]) {
      if (box.scrollWidth > box.clientWidth + 1)
        wide.push(`第 ${index + 1} 个表格: ${box.scrollWidth} > ${box.clientWidth}`);
    }
  });
  const rows = [...document.querySelectorAll('article table')].map(table => ({
    header: table.querySelector('thead').getBoundingClientRect().height,
    cells: [...table.querySelector('tbody tr').children].map(cell => {
      const box = cell.getBoundingClientRect();
      return {left: box.left, top: box.top, bottom: box.bottom};
    }),
  }));
  return {
    page: document.scrollingElement.scrollWidth,
    window: document.documentElement.clientWidth,
    wide, rows,
  };
}"""


def latest_month() -> tuple[str, list[dict[str, str]]]:
    with open(DATA_DIR / "coverage.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    latest = max(row["period"] for row in rows)
    return latest, [row for row in rows if row["period"] == latest]


def months() -> list[str]:
    with open(DATA_DIR / "coverage.csv", encoding="utf-8-sig", newline="") as handle:
        return sorted({row["period"] for row in csv.DictReader(handle)})


def rounded(value: Decimal, places: str) -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def key_figures() -> dict[str, str]:
    """The home page's three figures as shown, from the latest month of coverage.csv."""
    _, rows = latest_month()
    required = sum(int(row["units_required"]) for row in rows)
    insured = sum(int(row["units_insured"]) for row in rows)
    employees = sum(int(row["employees_covered"]) for row in rows)
    rate = rounded(Decimal(insured) * 100 / Decimal(required), "0.1")
    if insured < required and rate >= 100:  # short of the target never reads as met
        rate = Decimal("99.9")
    return {
        "投保覆盖率": f"{rate}%",
        "尚未投保企业": f"{required - insured:,}家",
        "覆盖从业人员": f"{rounded(Decimal(employees) / 10_000, '0.1'):,}万人",
    }


def month_zh(period: str) -> str:
    year, month = period.split("-")
    return f"{year}年{int(month)}月"


@pytest.fixture
def first_screen(browser):
    context = browser.new_context(
        viewport=FIRST_SCREEN, is_mobile=True, has_touch=True, locale="zh-CN")
    yield context.new_page()
    context.close()


def test_the_home_page_opens_with_three_large_key_figures(first_screen, base_url):
    first_screen.goto(base_url, wait_until="load")
    tiles = first_screen.evaluate(KEY_FIGURES_JS)
    assert {tile["label"]: tile["value"] for tile in tiles} == key_figures()
    for tile in tiles:
        assert 0 <= tile["top"] and tile["bottom"] <= FIRST_SCREEN["height"], tile
        assert 0 <= tile["left"] and tile["right"] <= FIRST_SCREEN["width"], tile
        assert tile["scale"] >= 1.4, f"{tile['label']} 的数字不够大:正文的 {tile['scale']:.2f} 倍"


def test_the_first_deadline_verdict_starts_in_the_first_screen(first_screen, base_url):
    industries = read_resource("industries")
    first = min(industries, key=lambda row: row["due_date"])["batch"]
    first_screen.goto(base_url, wait_until="load")
    top = first_screen.evaluate(SENTENCE_TOP_JS, f"{first}行业共")
    assert top is not None, f"首页没有以“{first}行业共”开头的段落"
    assert top + 30 <= FIRST_SCREEN["height"], f"“{first}行业共……”从 {top}px 开始,不在第一屏"


def test_the_monthly_history_is_folded_under_its_chart(desktop, base_url):
    history = months()
    desktop.goto(base_url, wait_until="load")
    folded = desktop.locator("article details.azx-data")
    assert folded.count() == 1
    summary = folded.locator("summary")
    assert summary.inner_text().startswith(f"数据表(共 {len(history)} 行):")
    table = folded.locator("table")
    assert not table.is_visible()
    summary.click()
    assert table.is_visible()
    first_column = table.locator("tbody tr td:first-child").all_inner_texts()
    assert first_column == [month_zh(period) for period in history]


def test_a_folded_table_prints_unfolded(browser, base_url):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.goto(base_url, wait_until="load")
    table = page.locator("article details.azx-data table")
    assert not table.is_visible()
    page.emulate_media(media="print")
    assert table.is_visible()
    context.close()


def test_older_releases_fold_their_details(desktop, base_url):
    desktop.goto(base_url + "updates/", wait_until="load")
    releases = desktop.locator("article h2[id^=release-]")
    count = releases.count()
    assert count >= 2, "更新记录少于两次发布,无从检查折叠"
    assert f"共 {count} 次数据发布" in desktop.locator("article").inner_text()
    # the newest release shows what changed; each older one folds it under its heading
    assert releases.nth(0).evaluate("h => h.nextElementSibling.tagName") != "DETAILS"
    # ... and no more than OPEN_ITEMS rows of it: a longer list folds below its headings
    assert releases.nth(0).evaluate(NEWEST_OPEN_ROWS_JS) <= OPEN_ITEMS
    for index in range(1, count):
        folded = releases.nth(index).locator("xpath=following-sibling::*[1]")
        assert folded.evaluate("e => e.tagName + ' ' + e.open") == "DETAILS false"
        assert folded.locator("summary").inner_text() == "查看这次发布的修改明细"


@pytest.mark.parametrize("path", ["milestones/", "validation/"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_stacked_tables_fit_without_sideways_scrolling(size, path, request, base_url):
    # 工作进度's two tables, and 数据校验报告's one table a kind of warning (under its heading)
    page = request.getfixturevalue(size)
    page.goto(base_url + path, wait_until="load")
    layout = page.evaluate(OVERFLOW_JS)
    assert layout["page"] <= layout["window"]
    assert not layout["wide"], "\n".join(layout["wide"])
    tables = 2 if path == "milestones/" else page.locator("article h2").count()
    assert len(layout["rows"]) == tables > 0
    for table in layout["rows"]:
        cells = table["cells"]
        if size == "desktop":  # a row of cells side by side under a header
            assert page.viewport_size == DESKTOP
            assert table["header"] > 0
            assert all(abs(cell["top"] - cells[0]["top"]) <= 1 for cell in cells)
        else:  # a block of lines, one per column, without the header row
            assert table["header"] == 0
            assert all(abs(cell["left"] - cells[0]["left"]) <= 1 for cell in cells)
            assert all(b["top"] >= a["bottom"] - 1 for a, b in zip(cells, cells[1:], strict=False))
