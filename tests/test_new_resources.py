"""insurer_supervision and commitments end to end outside the pages: the Excel template and its
import, the data dictionary and the downloads."""

from __future__ import annotations

import csv
import html
from pathlib import Path

import openpyxl
import pytest
from fixtures.cases import write_site_small
from test_pages import render_page

from generator.cli import main
from generator.package.load import load_package
from generator.site import downloads


def _rows(root: Path, name: str) -> list[dict[str, str]]:
    with open(root / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def data(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    write_site_small(root)
    return root


def test_supervision_template_layout(data, tmp_path, capsys):
    out = tmp_path / "监管.xlsx"

    assert main(["template", "insurer_supervision", "--xlsx", str(out), "--data", str(data)]) == 0

    assert capsys.readouterr().out == f"已生成模板 {out}\n"
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["保险机构监管", "代码表", "填写说明"]
    ws, lists, notes = book["保险机构监管"], book["代码表"], book["填写说明"]
    assert [c.value for c in ws[1]] == [
        "统计季度", "保险机构代码", "发现违规问题数", "已整改问题数", "行政处罚案件数",
        "罚款金额(元)", "未按合同提供服务数", "已补正服务数"]
    insurers = [f"{r['code']} {r['name']}" for r in _rows(data, "insurers")]
    assert [c.value for c in lists["A"]] == ["insurer_code", *insurers]
    dropdowns = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert dropdowns["B2:B1001"] == f"='代码表'!$A$2:$A${len(insurers) + 1}"
    assert ws["A2"].number_format == "@"
    assert ws["F2"].number_format == "#,##0.00"
    assert [c.value for c in notes[7]] == [
        "A", "统计季度", "period", "统计季度,格式 YYYYQ1–YYYYQ4", "文字", "是",
        "格式(正则表达式):^20[0-9]{2}Q[1-4]$"]


def test_filled_supervision_template_imports_with_quarters_and_codes_converted(
        data, tmp_path, capsys):
    out = tmp_path / "监管.xlsx"
    main(["template", "insurer_supervision", "--xlsx", str(out), "--data", str(data)])
    book = openpyxl.load_workbook(out)
    ws = book["保险机构监管"]
    insurers = [c.value for c in book["代码表"]["A"][1:]]
    # the quarter after the last one of the data: the import adds its rows at the end
    last = max(r["period"] for r in _rows(data, "insurer_supervision"))
    year, index = divmod(int(last[:4]) * 4 + int(last[-1]), 4)
    quarter = index + 1
    named = f"{year}年第{'一二三四'[quarter - 1]}季度"
    for row, insurer in enumerate(insurers, start=2):
        for col, value in enumerate([named, insurer, 3, 2, 1, 40000, 2, 1], start=1):
            ws.cell(row, col, value)
    book.save(out)

    code = main(["import", str(out), "--resource", "insurer_supervision", "--data", str(data)])

    report = capsys.readouterr().out
    assert code == 0, report
    assert f"  保险机构监管!A2  {named} → {year}Q{quarter}  (季度统一为 YYYYQn)" in report
    lines = (data / "insurer_supervision.csv").read_text(encoding="utf-8").splitlines()
    # the amount written with as many decimals as the file's amounts have (55000.00)
    assert lines[-len(insurers):] == [f"{year}Q{quarter},{insurer.split()[0]},3,2,1,40000.00,2,1"
                                      for insurer in insurers]


def test_commitments_import_refuses_a_promise_weaker_than_the_law(data, tmp_path, capsys):
    out = tmp_path / "承诺.xlsx"
    assert main(["template", "commitments", "--xlsx", str(out), "--data", str(data)]) == 0
    book = openpyxl.load_workbook(out)
    ws = book["保险机构公开承诺"]
    assert [c.value for c in ws[1]] == [
        "保险机构代码", "行业代码", "事故预防服务项目", "每户每年服务次数", "承诺核定时限",
        "承诺支付时限", "预付赔款门槛(元)", "公开日期"]
    # an insurer of the roster that has published no commitment yet, in an industry of the data
    promised = {r["insurer_code"] for r in _rows(data, "commitments")}
    insurer = next(r["code"] for r in _rows(data, "insurers") if r["code"] not in promised)
    industry = _rows(data, "industries")[0]["code"]
    for col, value in enumerate([insurer, industry, "隐患排查、安全培训", 2, 45, 7, 100000,
                                 "2025-03-01"], start=1):
        ws.cell(2, col, value)
    book.save(out)
    before = (data / "commitments.csv").read_bytes()
    capsys.readouterr()

    code = main(["import", str(out), "--resource", "commitments", "--data", str(data)])

    report = capsys.readouterr().out
    assert code == 1
    assert "承诺核定时限 45 日,长于保险法规定的 30 日。" in report
    assert (data / "commitments.csv").read_bytes() == before


def test_dictionary_lists_both_resources_with_their_fields(tmp_path, fixture_package):
    text = html.unescape(render_page(tmp_path, fixture_package("site_small"), "dictionary.md"))
    assert "## 保险机构监管(insurer_supervision)" in text
    assert "文件:insurer_supervision.csv;主键:period + insurer_code。" in text
    assert ("| violations_corrected | 已整改问题数 | 整数 | 是 | 发现的违规问题中已整改到位的个数,"
            "不大于发现违规问题数 |") in text
    assert "## 保险机构公开承诺(commitments)" in text
    assert "文件:commitments.csv;主键:insurer_code + industry_code。" in text
    assert "| published_date | 公开日期 | 日期(YYYY-MM-DD) | 是 | 承诺向社会公开的日期 |" in text


def test_downloads_name_the_insurer_and_industry_beside_each_code(tmp_path, fixture_package):
    root = fixture_package("site_small")
    package = load_package(root)
    insurers = {r["code"]: r["name"] for r in _rows(root, "insurers")}
    industries = {r["code"]: r["name"] for r in _rows(root, "industries")}
    supervised, promised = _rows(root, "insurer_supervision")[0], _rows(root, "commitments")[0]
    entries = {e["name"]: e for e in downloads.write_downloads(
        package, tmp_path / "docs", tmp_path / "cache")}
    assert [f["format"] for f in entries["insurer_supervision"]["files"]] == [
        "CSV", "JSON", "XLSX"]
    out = tmp_path / "docs" / "downloads"
    sheet = openpyxl.load_workbook(out / "insurer_supervision.xlsx").active
    assert list(sheet.iter_rows(max_row=2, values_only=True))[1][:3] == (
        supervised["period"], supervised["insurer_code"], insurers[supervised["insurer_code"]])
    sheet = openpyxl.load_workbook(out / "commitments.xlsx").active
    assert [c.value for c in sheet[1]][:4] == [
        "保险机构代码", "保险机构名称", "行业代码", "行业名称"]
    assert [c.value for c in sheet[2]][:4] == [
        promised["insurer_code"], insurers[promised["insurer_code"]],
        promised["industry_code"], industries[promised["industry_code"]]]


@pytest.mark.parametrize("name", ["enforcement", "insurer_supervision", "commitments", "rates"])
def test_each_new_resource_round_trips_through_its_excel_template(name, data, tmp_path, capsys):
    """A staff member copies the resource's rows into its template (`azx template`) as Excel
    holds them (numbers as numbers, codes and periods as text): the import maps every column
    back and the CSV is unchanged, byte for byte."""
    out = tmp_path / f"{name}.xlsx"
    assert main(["template", name, "--xlsx", str(out), "--data", str(data)]) == 0
    resource = next(r for r in load_package(data).descriptor["resources"] if r["name"] == name)
    fields = resource["schema"]["fields"]
    book = openpyxl.load_workbook(out)
    ws = book[book.sheetnames[0]]
    units = [("(元)" if f["name"] in ("penalty_amount", "advance_threshold") else "")
             for f in fields]
    assert [c.value for c in ws[1]] == [f["title"] + u for f, u in zip(fields, units, strict=True)]
    rows = _rows(data, name)
    assert rows
    convert = {"integer": int, "number": float}
    for index, row in enumerate(rows, start=2):
        for col, f in enumerate(fields, start=1):
            ws.cell(index, col, convert.get(f["type"], str)(row[f["name"]]))
    book.save(out)
    before = (data / f"{name}.csv").read_bytes()
    capsys.readouterr()

    code = main(["import", str(out), "--resource", name, "--data", str(data)])

    report = capsys.readouterr().out
    assert code == 0, report
    assert (data / f"{name}.csv").read_bytes() == before
