"""The 执法与整改 page: its figures equal sums this test takes from site_small's enforcement.csv."""

import csv
from pathlib import Path

from test_pages import render_page

COUNTS = ["units_checked", "units_found_uninsured", "orders_issued", "orders_complied"]


def _sums(root: Path, key: str, value: str | None = None, period: str | None = None) -> dict:
    with open(root / "enforcement.csv", encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle)
                if (value is None or r[key] == value) and (period is None or r["period"] == period)]
    sums = {c: sum(int(r[c]) for r in rows) for c in COUNTS + ["penalty_cases"]}
    sums["penalty_amount"] = sum(float(r["penalty_amount"]) for r in rows)
    return sums


def _cells(s: dict) -> str:
    issued = s["orders_issued"]
    share = f"{100 * s['orders_complied'] / issued:.1f}%" if issued else "—"
    return (" | ".join(str(s[c]) for c in COUNTS) + f" | {share} | {s['penalty_cases']} | "
            f"{s['penalty_amount'] / 10_000:.2f} |")


def test_enforcement_page_sums_each_quarter_county_and_industry(tmp_path, fixture_package):
    root = fixture_package("site_small")
    text = render_page(tmp_path, root, "enforcement.md")
    assert "| 2025年第三季度 | " + _cells(_sums(root, "period", "2025Q3")) in text
    assert "| 2025年第四季度 | " + _cells(_sums(root, "period", "2025Q4")) in text
    assert "## 2025年第四季度各县区" in text
    assert ("| [驻马店市城乡一体化示范区](regions/4117a3.md) | "
            + _cells(_sums(root, "region_code", "4117A3", "2025Q4"))) in text
    assert ("| [交通运输](industries/transport.md) | "
            + _cells(_sums(root, "industry_code", "transport", "2025Q4"))) in text
