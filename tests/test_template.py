"""`azx template`: an Excel template a person fills in imports without errors."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from fixtures.cases import write_site_small

from generator.cli import main


@pytest.fixture
def data(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    write_site_small(root)
    return root


def test_template_layout(data, tmp_path, capsys):
    out = tmp_path / "模板.xlsx"

    assert main(["template", "coverage", "--xlsx", str(out), "--data", str(data)]) == 0

    assert capsys.readouterr().out == f"已生成模板 {out}\n"
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["投保进展", "代码表", "填写说明"]
    ws, lists, notes = book["投保进展"], book["代码表"], book["填写说明"]
    assert [c.value for c in ws[1]] == [
        "统计月份", "单位代码", "行业代码", "应投保企业数", "已投保企业数", "覆盖从业人员数",
        "从业人员总数", "本年累计保费(元)", "最低每人死亡伤残限额(元)",
    ]
    assert ws.freeze_panes == "A2"
    assert lists.sheet_state == "hidden"
    with open(data / "regions.csv", encoding="utf-8", newline="") as handle:
        regions = [f"{r['code']} {r['name']}" for r in csv.DictReader(handle)]
    assert [c.value for c in lists["A"] if c.value] == ["region_code", *regions]
    industries = [c.value for c in lists["B"] if c.value][1:]
    dropdowns = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert dropdowns["B2:B1001"] == f"='代码表'!$A$2:$A${1 + len(regions)}"
    assert dropdowns["C2:C1001"] == f"='代码表'!$B$2:$B${1 + len(industries)}"
    assert ws["A2"].number_format == "@"
    assert ws["D2"].number_format == "0"
    assert ws["H2"].number_format == "#,##0.00"
    assert [c.value for c in notes[7]] == [
        "A", "统计月份", "period", "统计截至的月份,格式 YYYY-MM", "文字", "是",
        "格式(正则表达式):^20[0-9]{2}-(0[1-9]|1[0-2])$",
    ]


def test_filled_template_imports_without_errors(data, tmp_path, capsys):
    out = tmp_path / "模板.xlsx"
    main(["template", "coverage", "--xlsx", str(out), "--data", str(data)])
    book = openpyxl.load_workbook(out)
    ws = book["投保进展"]
    lists = book["代码表"]
    regions = [c.value for c in lists["A"][1:] if c.value]
    industries = [c.value for c in lists["B"][1:] if c.value]
    before = (data / "coverage.csv").read_text(encoding="utf-8").splitlines()
    kept = {(line.split(",")[1], line.split(",")[2]) for line in before[1:]}
    row = 2
    for region in regions:
        for industry in industries:  # a month after data/'s last; none where nothing is kept
            required = 10 if (region.split()[0], industry.split()[0]) in kept else 0
            values = ["2026-01", region, industry, required, required, required * 25,
                      required * 25, required * 60000, 400000 if required else None]
            for col, value in enumerate(values, start=1):
                ws.cell(row, col, value)
            row += 1
    book.save(out)

    code = main(["import", str(out), "--resource", "coverage", "--data", str(data)])

    report = capsys.readouterr().out
    assert code == 0, report
    assert f"  投保进展!B2  {regions[0]} → {regions[0].split()[0]}  (“代码 名称”取代码)" in report
    assert (f"  投保进展!C2  {industries[0]} → {industries[0].split()[0]}  (“代码 名称”取代码)"
            in report)
    lines = (data / "coverage.csv").read_text(encoding="utf-8").splitlines()
    assert lines[:len(before)] == before
    assert len(lines) == len(before) + len(regions) * len(industries)
    region, industry = regions[-1].split()[0], industries[-1].split()[0]
    assert lines[-1] == f"2026-01,{region},{industry},10,10,250,250,600000.00,400000"
