"""The accountability tables on a phone (375×812): the home page's county table for the 考核, the
费率 page's comparison of industries and an insurer's promised-vs-delivered table. The page does
not scroll sideways, every cell of the table can be brought fully onto the screen (a wide table
scrolls inside its own box, which stays on the screen), and the rows read exactly the figures
this test computes from the CSVs."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest

from .conftest import read_resource

pytestmark = pytest.mark.e2e

# Every table of the article: its cells' text by row, and whether each cell can be brought onto
# the screen. The box that scrolls a table is the nearest of the table and its ancestors whose
# content overflows it with overflow-x auto or scroll; without one, the table must fit as it is.
TABLES_JS = """() => {
  const width = Math.min(window.innerWidth, document.documentElement.clientWidth);
  const article = document.querySelector('article');
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX)
    && el.scrollWidth > el.clientWidth + 1;
  const edges = (table) => {
    const cells = [...table.querySelectorAll('th, td')].map(c => c.getBoundingClientRect());
    return [Math.min(...cells.map(r => r.left)), Math.max(...cells.map(r => r.right))];
  };
  const tables = [...article.querySelectorAll('table')].map(table => {
    let box = table;
    while (box && box !== article && !scrolls(box)) box = box.parentElement;
    if (box === article) box = null;
    const frame = box ? box.getBoundingClientRect() : {left: 0, right: width};
    const before = box ? box.scrollLeft : 0;
    if (box) box.scrollLeft = 0;
    const [left] = edges(table);
    if (box) box.scrollLeft = box.scrollWidth;
    const [, right] = edges(table);
    if (box) box.scrollLeft = before;
    return {
      rows: [...table.rows].map(
        r => [...r.cells].map(c => c.innerText.replace(/\\s+/g, ' ').trim())),
      scrolls: Boolean(box),
      onScreen: frame.left >= -1 && frame.right <= width + 1,
      firstCellShown: left >= Math.max(frame.left, 0) - 1,
      lastCellShown: right <= Math.min(frame.right, width) + 1,
    };
  });
  return {pageWidth: document.scrollingElement.scrollWidth, width, tables};
}"""


def shown(value: float, digits: int = 0) -> str:
    """`value` as the site shows it: halves rounded up, thousands separated."""
    exact = Decimal(repr(round(value, 9))).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
    return f"{exact:,.{digits}f}"


def percent(part: float, whole: float) -> str:
    return shown(100 * part / whole, 1) + "%"


def month_zh(period: str) -> str:
    return f"{period[:4]}年{int(period[5:])}月"


def table_on_a_phone(phone, url: str, header: list[str]) -> list[list[str]]:
    """The rows (header included) of the one table of `url` with this header, after checking
    that at phone width neither the page nor any cell of the table is out of reach."""
    phone.goto(url, wait_until="load")
    seen = phone.evaluate(TABLES_JS)
    assert seen["pageWidth"] <= seen["width"], f"{url} 页面横向滚动"
    found = [t for t in seen["tables"] if t["rows"] and t["rows"][0] == header]
    assert len(found) == 1, [t["rows"][0] for t in seen["tables"]]
    table = found[0]
    assert table["onScreen"], f"{url} 表格的滚动容器超出屏幕"
    assert table["firstCellShown"] and table["lastCellShown"], f"{url} 表格有列无法移入屏幕"
    return table["rows"]


def test_the_county_table_for_the_assessment_reads_on_a_phone(phone, base_url):
    due = {r["code"]: r["due_date"][:7] for r in read_resource("industries")}
    sums: dict = defaultdict(lambda: [0, 0])
    for r in read_resource("coverage"):
        cell = sums[(r["region_code"], r["industry_code"], r["period"])]
        cell[0] += int(r["units_insured"])
        cell[1] += int(r["units_required"])
    latest = max(p for *_, p in sums)
    orders: dict = defaultdict(lambda: [0, 0])
    for r in read_resource("enforcement"):
        orders[r["region_code"]][0] += int(r["orders_issued"])
        orders[r["region_code"]][1] += int(r["penalty_cases"])
    expected = [["县区", "截止日覆盖率", "未按期实现的行业数", f"{month_zh(latest)}覆盖率",
                 "尚未投保企业数", "执法措施(累计)"]]
    for region in read_resource("regions"):
        code = region["code"]
        at_due = [sums[(code, i, m)] for i, m in due.items() if (code, i, m) in sums]
        now = [v for (c, _, p), v in sums.items() if c == code and p == latest]
        insured, required = sum(i for i, _ in at_due), sum(q for _, q in at_due)
        insured_now, required_now = sum(i for i, _ in now), sum(q for _, q in now)
        expected.append([
            region["name"], percent(insured, required), str(sum(i < q for i, q in at_due)),
            percent(insured_now, required_now), shown(required_now - insured_now),
            f"责令整改 {shown(orders[code][0])} 件、行政处罚 {shown(orders[code][1])} 件"])
    assert table_on_a_phone(phone, base_url, expected[0]) == expected


def test_the_rates_comparison_reads_on_a_phone(phone, base_url):
    rates = read_resource("rates")
    year = max(r["period"] for r in rates)
    coverage = read_resource("coverage")
    month = max(r["period"] for r in coverage if r["period"].startswith(year + "-"))
    paid: dict = defaultdict(lambda: [0.0, 0, 0])
    for r in coverage:
        if r["period"] == month:
            paid[r["industry_code"]][0] += float(r["premium_ytd"])
            paid[r["industry_code"]][1] += int(r["units_insured"])
            paid[r["industry_code"]][2] += int(r["employees_covered"])
    expected = [["行业", "备案基准费率(‰)", "每家企业平均保费(元)", "每名从业人员平均保费(元)"]]
    for industry in read_resource("industries"):
        filed = [r for r in rates if r["period"] == year and r["industry_code"] == industry["code"]]
        if not filed:
            continue
        premium, units, employees = paid[industry["code"]]
        low = min(float(r["base_rate_min"]) for r in filed)
        high = max(float(r["base_rate_max"]) for r in filed)
        expected.append([industry["name"], f"{shown(low, 2)} 至 {shown(high, 2)}",
                         shown(premium / units), shown(premium / employees)])
    assert len(expected) > 2
    assert table_on_a_phone(phone, base_url + "rates/", expected[0]) == expected


def _weighted_days(insurer: str, year: str) -> dict[str, tuple[float, float] | None]:
    """Per industry: the days to decide and to pay of `year`, weighted by claims settled."""
    sums: dict = defaultdict(lambda: [0, 0.0, 0.0])
    for r in read_resource("claims"):
        if r["insurer_code"] == insurer and r["period"].startswith(year):
            settled = int(r["claims_settled"])
            if settled:
                sums[r["industry_code"]][0] += settled
                sums[r["industry_code"]][1] += settled * float(r["avg_days_to_decide"])
                sums[r["industry_code"]][2] += settled * float(r["avg_days_to_pay"])
    return {code: (d / n, p / n) for code, (n, d, p) in sums.items()}


def test_an_insurers_promised_and_delivered_table_reads_on_a_phone(phone, base_url):
    # the insurer whose latest assessment found the fewest services delivered of those agreed
    rounds = read_resource("assessments")
    last = max(r["round"] for r in rounds)
    assessed = min((r for r in rounds if r["round"] == last),
                   key=lambda r: int(r["services_delivered"]) / int(r["services_contracted"]))
    code = assessed["insurer_code"]
    contracted = int(assessed["services_contracted"])
    delivered = int(assessed["services_delivered"])
    assert delivered < contracted
    promises = {r["industry_code"]: r for r in read_resource("commitments")
                if r["insurer_code"] == code}
    prevention = max((r for r in read_resource("prevention") if r["insurer_code"] == code),
                     key=lambda r: r["year"])
    visits = int(prevention["services_delivered"]) / int(prevention["units_served"])
    least = min(int(r["visits_per_year"]) for r in promises.values())
    claims_year = max(r["period"] for r in read_resource("claims"))[:4]
    days = _weighted_days(code, claims_year)

    def verdict(kept: bool) -> str:
        return "已兑现" if kept else "未兑现"

    half = "上半年" if last.endswith("H1") else "下半年"
    expected = [
        ["项目", "承诺或约定", "实际", "结果"],
        [f"合同约定服务次数({last[:4]}年{half}评估)", f"{contracted:,} 次", f"{delivered:,}",
         verdict(delivered >= contracted)],
        [f"平均每户服务次数({prevention['year']}年)", f"不少于 {least} 次", shown(visits, 1),
         verdict(float(shown(visits, 1)) >= least)],
    ]
    for industry in read_resource("industries"):
        promise = promises.get(industry["code"])
        if promise is None:
            continue
        actual = days.get(industry["code"])
        for index, (label, column) in enumerate((("核定赔付时限", "decide_days"),
                                                 ("支付赔款时限", "pay_days"))):
            limit = int(promise[column])
            value = shown(actual[index], 1) if actual else "—"
            result = verdict(float(value) <= limit) if actual else "无数据"
            expected.append([f"{industry['name']}:{label}({claims_year}年平均)",
                             f"不超过 {limit} 日", value, result])
    rows = table_on_a_phone(phone, base_url + f"insurers/{code.lower()}/", expected[0])
    assert rows == expected
    assert "未兑现" in {row[3] for row in rows}
