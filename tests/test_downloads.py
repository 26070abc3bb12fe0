"""Download files: typed JSON, XLSX with Chinese titles, stable bytes, the cache, Excel's limit."""

from __future__ import annotations

import datetime as dt
import html
import json
import zipfile

from openpyxl import load_workbook

from generator.package.load import load_package
from generator.site import downloads, pages


def by_name(entries: list[dict]) -> dict[str, dict]:
    return {e["name"]: e for e in entries}


def test_every_resource_as_csv_json_xlsx_and_the_package_zip(tmp_path, fixture_package):
    package = load_package(fixture_package("site_small"))

    entries = by_name(downloads.write_downloads(package, tmp_path / "docs", tmp_path / "cache"))

    out = tmp_path / "docs" / "downloads"
    regions = entries["regions"]
    assert [f["format"] for f in regions["files"]] == ["CSV", "JSON", "XLSX"]
    assert regions["rows"] == 3 and regions["xlsx_left_out"] is None
    assert json.loads((out / "regions.json").read_text(encoding="utf-8"))[0] == {
        "code": "411702", "name": "驿城区", "kind": "区", "display_order": 1}
    sheet = load_workbook(out / "coverage.xlsx", read_only=True)["coverage"]
    header, first = list(sheet.iter_rows(max_row=2, values_only=True))
    assert header[:4] == ("统计月份", "单位代码", "行业代码", "应投保企业数")
    assert first[:4] == ("2025-04", "411702", "coal", 10)
    with zipfile.ZipFile(out / "zhumadian-ajx.zip") as bundle:
        assert "coverage.csv" in bundle.namelist()
    assert entries["package"]["rows"] == sum(
        e["rows"] for name, e in entries.items() if name != "package")


def test_a_second_build_gives_the_same_bytes_from_the_cache(tmp_path, monkeypatch, fixture_package):
    package = load_package(fixture_package("site_small"))
    first = downloads.write_downloads(package, tmp_path / "one", tmp_path / "cache")

    def no_conversion(*args):
        raise AssertionError("converted again although the data did not change")

    monkeypatch.setattr(downloads, "to_xlsx", no_conversion)
    monkeypatch.setattr(downloads, "write_json", no_conversion)
    second = downloads.write_downloads(package, tmp_path / "two", tmp_path / "cache")

    assert second == first
    for entry in first:
        for f in entry["files"]:
            assert (tmp_path / "two" / f["path"]).read_bytes() == \
                (tmp_path / "one" / f["path"]).read_bytes()


def test_a_table_longer_than_an_excel_sheet_gets_no_xlsx_and_a_note(tmp_path, monkeypatch,
                                                                   fixture_package):
    # coverage has 27 rows, the roster 100, the rest ≤ 12
    monkeypatch.setattr(downloads, "EXCEL_SHEET_ROWS", 13)
    package = load_package(fixture_package("site_small"))

    entries = by_name(downloads.write_downloads(package, tmp_path / "docs", tmp_path / "cache"))

    assert [f["format"] for f in entries["coverage"]["files"]] == ["CSV", "JSON"]
    assert entries["coverage"]["xlsx_left_out"] == 13
    assert not (tmp_path / "docs" / "downloads" / "coverage.xlsx").exists()
    assert [f["format"] for f in entries["assessment_scores"]["files"]] == ["CSV", "JSON", "XLSX"]
    site = pages.SiteData(package, downloads=list(entries.values()))
    [page] = [p for p in pages.data_pages(site) if p.path == "downloads.md"]
    pages.render([page], {}, tmp_path / "docs", lambda files: dt.date(2025, 6, 30), package)
    text = html.unescape((tmp_path / "docs" / "downloads.md").read_text(encoding="utf-8"))
    assert ("投保进展共 27 行,超过 Excel 单个工作表 13 行(含标题行)的上限,因此不提供 XLSX 格式:"
            "请下载 CSV 或 JSON 格式,用数据库、统计软件或编程工具打开"
            "(用 Excel 直接打开 CSV 只会读入前 13 行)。") in text
    assert text.count("超过 Excel 单个工作表") == 2  # coverage and the roster (100 rows)
