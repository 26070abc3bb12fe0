"""The workforce of the units required to insure (coverage.employees_total): the covered share of
employees on 投保进展, the county pages and the home page equals sums this test takes from
site_small's coverage.csv."""

import csv
from pathlib import Path

from test_pages import render_page

SITE_SMALL = Path(__file__).resolve().parent / "fixtures" / "site_small"
LATEST = "2025-06"


def _sums(key: str | None = None, value: str | None = None) -> tuple[int, int]:
    """(employees covered, workforce) in the latest month, of the rows where `key` is `value`."""
    with open(SITE_SMALL / "coverage.csv", encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle)
                if r["period"] == LATEST and (key is None or r[key] == value)]
    return (sum(int(r["employees_covered"]) for r in rows),
            sum(int(r["employees_total"]) for r in rows))


def _share(covered: int, total: int) -> str:
    return f"{100 * covered / total:.1f}%"


def test_coverage_page_shows_the_covered_share_overall_and_per_industry(tmp_path, fixture_package):
    text = render_page(tmp_path, fixture_package("site_small"), "coverage/index.md")
    covered, total = _sums()
    assert (f"应投保企业共有从业人员 {total:,} 人,保单覆盖 {covered:,} 人,"
            f"占 **{_share(covered, total)}**") in text
    covered, total = _sums("industry_code", "hazchem")
    assert (f"| [危险化学品](../industries/hazchem.md) | {total:,} | {covered:,} | "
            f"{_share(covered, total)} |") in text


def test_county_pages_show_the_covered_share(tmp_path, fixture_package):
    root = fixture_package("site_small")
    covered, total = _sums("region_code", "4117KF")
    text = render_page(tmp_path, root, "regions/index.md")
    assert f"| {total:,} | {covered:,} | {_share(covered, total)} |" in text
    assert "| 从业人员总数 | 覆盖从业人员 | 从业人员覆盖比例 |" in text
    text = render_page(tmp_path, root, "regions/4117kf.md")
    assert (f"覆盖从业人员 {covered:,} 人,占应投保企业从业人员总数 {total:,} 人的 "
            f"{_share(covered, total)}") in text


def test_home_shows_the_workforce_and_its_covered_share(tmp_path, fixture_package):
    text = render_page(tmp_path, fixture_package("site_small"), "index.md")
    covered, total = _sums()
    assert f"| 应投保企业从业人员总数 | {total:,} 人 |" in text
    assert f"| 从业人员覆盖比例 | {_share(covered, total)} |" in text
