"""The 费率 page: filed rates and the realised average premiums equal what this test reads and
computes from site_small's rates.csv and coverage.csv."""

import csv
from pathlib import Path

from openpyxl import load_workbook
from test_pages import render_page

from generator.package.load import load_package
from generator.site import downloads


def _rows(root: Path, name: str) -> list[dict]:
    with open(root / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _names(root: Path) -> dict[str, str]:
    """Industry code → name, in display order."""
    rows = sorted(_rows(root, "industries.csv"), key=lambda r: int(r["display_order"]))
    return {r["code"]: r["name"] for r in rows}


def _signed(value: str) -> str:
    number = float(value)
    return f"+{abs(number):g}%" if number > 0 else f"−{abs(number):g}%"


def test_rates_page_shows_the_latest_year_per_industry_and_realised_averages(
        tmp_path, fixture_package):
    root = fixture_package("site_small")
    text = render_page(tmp_path, root, "rates.md")
    names = _names(root)
    short = {r["code"]: r["short_name"] for r in _rows(root, "insurers.csv")}
    rates = _rows(root, "rates.csv")
    year = max(r["period"] for r in rates)
    coverage = _rows(root, "coverage.csv")
    month = max(r["period"] for r in coverage if r["period"].startswith(year + "-"))
    assert f"备案的{year}年费率" in text
    averages = {}
    filing = {r["industry_code"] for r in rates if r["period"] == year}
    # an industry no insurer filed rates for (fireworks in site_small) has no row and no section
    unfiled = [n for c, n in names.items() if c not in filing]
    assert unfiled and [n for n in unfiled if f"## {n}\n" in text or f"| {n} |" in text] == []
    names = {code: name for code, name in names.items() if code in filing}
    for code, name in names.items():
        filed = [r for r in rates if r["period"] == year and r["industry_code"] == code]
        rows = [r for r in coverage if r["period"] == month and r["industry_code"] == code]
        premium = sum(float(r["premium_ytd"]) for r in rows)
        per_unit = premium / sum(int(r["units_insured"]) for r in rows)
        per_employee = premium / sum(int(r["employees_covered"]) for r in rows)
        low = min(float(r["base_rate_min"]) for r in filed)
        high = max(float(r["base_rate_max"]) for r in filed)
        assert (f"| {name} |{low:.2f} 至 {high:.2f} |{per_unit:,.0f} |{per_employee:,.0f} |"
                in text)
        averages[name] = per_employee
        section = text.split(f"## {name}\n", 1)[1].split("\n## ", 1)[0]
        for r in filed:
            assert (f"| [{short[r['insurer_code']]}](insurers/{r['insurer_code'].lower()}.md) | "
                    f"{float(r['base_rate_min']):.2f} | {float(r['base_rate_max']):.2f} | "
                    f"{_signed(r['float_min'])} 至 {_signed(r['float_max'])} |") in section
        assert section.count("](insurers/") == len(filed)  # earlier years are not mixed in
    shown = {name: f"{value:,.0f}元" for name, value in averages.items()}
    top = shown[max(averages, key=averages.get)]
    tied = [name for name in names.values() if shown[name] == top]
    finding = (f"最高的是{tied[0]}({top})" if len(tied) == 1
               else f"{'、'.join(tied)}并列最高,均为{top}")
    when = f"{month[:4]}年{int(month[5:])}月"
    assert f"{when}各行业每名从业人员平均保费:{finding}" in text


def test_rates_page_explains_differential_and_floating_rates(tmp_path, fixture_package):
    text = render_page(tmp_path, fixture_package("site_small"), "rates.md")
    assert "**差别费率**:不同行业风险不同" in text
    assert "**浮动费率**:同一行业内" in text


def test_rates_are_in_the_data_dictionary_and_the_downloads(tmp_path, fixture_package):
    root = fixture_package("site_small")
    text = render_page(tmp_path / "docs", root, "dictionary.md")
    assert "## 费率(rates)" in text
    assert "| base&#95;rate&#95;min | 基准费率下限(‰) | 数字 | 是 |" in text
    assert "| employees&#95;total | 从业人员总数 | 整数 | 是 |" in text
    package = load_package(root)
    downloads.write_downloads(package, tmp_path / "site", tmp_path / "cache")
    sheet = load_workbook(tmp_path / "site" / "downloads" / "rates.xlsx").active
    assert [c.value for c in sheet[1]] == [
        "执行年度", "行业代码", "行业名称", "保险机构代码", "保险机构名称", "基准费率下限(‰)",
        "基准费率上限(‰)", "浮动范围下限(%)", "浮动范围上限(%)"]
    first = _rows(root, "rates.csv")[0]
    insurers = {r["code"]: r["name"] for r in _rows(root, "insurers.csv")}
    assert [c.value for c in sheet[2]] == [
        first["period"], first["industry_code"], _names(root)[first["industry_code"]],
        first["insurer_code"], insurers[first["insurer_code"]],
        float(first["base_rate_min"]), float(first["base_rate_max"]),
        int(first["float_min"]), int(first["float_max"])]
