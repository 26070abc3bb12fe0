"""The 执法与整改 page: its figures equal sums this test takes from site_small's enforcement.csv."""

import csv
from pathlib import Path

from test_pages import render_page

SITE_SMALL = Path(__file__).resolve().parent / "fixtures" / "site_small"
COUNTS = ["units_checked", "units_found_uninsured", "orders_issued", "orders_complied"]


def _sums(key: str, value: str | None = None, period: str | None = None) -> dict:
    with open(SITE_SMALL / "enforcement.csv", encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle)
                if (value is None or r[key] == value) and (period is None or r["period"] == period)]
    sums = {c: sum(int(r[c]) for r in rows) for c in COUNTS + ["penalty_cases"]}
    sums["penalty_amount"] = sum(float(r["penalty_amount"]) for r in rows)
    return sums


def _cells(s: dict) -> str:
    share = f"{100 * s['orders_complied'] / s['orders_issued']:.1f}%"
    return (" | ".join(str(s[c]) for c in COUNTS) + f" | {share} | {s['penalty_cases']} | "
            f"{s['penalty_amount'] / 10_000:.2f} |")


def test_enforcement_page_sums_each_quarter_county_and_industry(tmp_path, fixture_package):
    text = render_page(tmp_path, fixture_package("site_small"), "enforcement.md")
    assert "| 2025年第一季度 | " + _cells(_sums("period", "2025Q1")) in text
    assert "| 2025年第二季度 | " + _cells(_sums("period", "2025Q2")) in text
    assert "## 2025年第二季度各县区" in text
    assert ("| [经济开发区](regions/4117kf.md) | "
            + _cells(_sums("region_code", "4117KF", "2025Q2"))) in text
    assert ("| [危险化学品](industries/hazchem.md) | "
            + _cells(_sums("industry_code", "hazchem", "2025Q2"))) in text
