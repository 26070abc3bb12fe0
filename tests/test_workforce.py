"""The workforce of the units required to insure (coverage.employees_total): the covered share of
employees on 投保进展, the county pages and the home page equals sums this test takes from
site_small's coverage.csv."""

import csv
from pathlib import Path

from test_pages import render_page


def _rows(root: Path, name: str) -> list[dict[str, str]]:
    with open(root / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _sums(root: Path, key: str | None = None, value: str | None = None) -> tuple[int, int]:
    """(employees covered, workforce) in the latest month, of the rows where `key` is `value`."""
    coverage = _rows(root, "coverage.csv")
    latest = max(r["period"] for r in coverage)
    rows = [r for r in coverage if r["period"] == latest and (key is None or r[key] == value)]
    return (sum(int(r["employees_covered"]) for r in rows),
            sum(int(r["employees_total"]) for r in rows))


def _share(covered: int, total: int) -> str:
    return f"{100 * covered / total:.1f}%"


def test_coverage_page_shows_the_covered_share_overall_and_per_industry(tmp_path, fixture_package):
    root = fixture_package("site_small")
    text = render_page(tmp_path, root, "coverage/index.md")
    covered, total = _sums(root)
    assert (f"应投保企业共有从业人员 {total:,} 人,保单覆盖 {covered:,} 人,"
            f"占 **{_share(covered, total)}**") in text
    for industry in _rows(root, "industries.csv"):
        code = industry["code"]
        covered, total = _sums(root, "industry_code", code)
        assert (f"| [{industry['name']}](../industries/{code}.md) | {total:,} | {covered:,} | "
                f"{_share(covered, total)} |") in text


def test_county_pages_show_the_covered_share(tmp_path, fixture_package):
    root = fixture_package("site_small")
    index = render_page(tmp_path / "index", root, "regions/index.md")
    assert "| 从业人员总数 | 覆盖从业人员 | 从业人员覆盖比例 |" in index
    for region in _rows(root, "regions.csv"):  # a county and a zone
        code = region["code"]
        covered, total = _sums(root, "region_code", code)
        assert f"| {total:,} | {covered:,} | {_share(covered, total)} |" in index, code
        text = render_page(tmp_path / code, root, f"regions/{code.lower()}.md")
        assert (f"覆盖从业人员 {covered:,} 人,占应投保企业从业人员总数 {total:,} 人的 "
                f"{_share(covered, total)}") in text, code


def test_home_shows_the_workforce_and_its_covered_share(tmp_path, fixture_package):
    root = fixture_package("site_small")
    text = render_page(tmp_path, root, "index.md")
    covered, total = _sums(root)
    assert f"| 应投保企业从业人员总数 | {total:,} 人 |" in text
    assert f"| 从业人员覆盖比例 | {_share(covered, total)} |" in text
