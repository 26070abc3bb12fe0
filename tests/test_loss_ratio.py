"""Loss ratio (paid ÷ premium of the same year and insurer) and spending against the budget
floor, on the pages, equal to what this test computes from the bundled CSVs."""

import csv
from pathlib import Path

from test_pages import render_page

DATA = Path(__file__).resolve().parents[1] / "data"


def _rows(name: str) -> list[dict]:
    with open(DATA / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_insurer_and_claims_pages_show_the_loss_ratio_of_each_year(tmp_path):
    premium = {(r["year"], r["insurer_code"]): float(r["premium_collected"])
               for r in _rows("prevention")}
    paid = {}
    for r in _rows("claims"):
        key = (r["period"][:4], r["insurer_code"])
        paid[key] = paid.get(key, 0.0) + float(r["amount_paid"])
    insurer_page = render_page(tmp_path, DATA, "insurers/bscx.md")
    claims_page = render_page(tmp_path, DATA, "claims.md")
    for year in ("2024", "2025"):
        p, q = premium[(year, "BSCX")], paid[(year, "BSCX")]
        cells = f"{p / 10_000:,.2f} | {q / 10_000:,.2f} | {100 * q / p:.1f}% |"
        assert f"| {year} | {cells}" in insurer_page
        assert f"| {year} | [薄山财险](insurers/bscx.md) | {cells}" in claims_page


def test_spending_under_the_budget_floor_is_flagged(tmp_path):
    row = next(r for r in _rows("prevention") if (r["year"], r["insurer_code"]) == ("2024", "BSCX"))
    share = float(row["prevention_spending"]) / float(row["prevention_budget"])
    assert share < 0.8
    text = render_page(tmp_path, DATA, "prevention.md")
    assert f"| {100 * share:.1f}% | 低于 |" in text
    assert "支出低于当年预算的 **80.0%** 时提示(本地设定" in text
