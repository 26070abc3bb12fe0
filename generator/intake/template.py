"""Excel templates for staff: one sheet with the Chinese headers, dropdowns and number formats,
a hidden code list, and an instructions sheet (填写说明) generated from the schema."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from generator.intake.normalise import header_text, is_yuan_field
from generator.intake.sheet import INSTRUCTIONS_SHEET, LISTS_SHEET
from generator.package.load import read_descriptor, resource_by_name
from generator.package.names import TYPE_NAMES
from generator.package.text import neutralise, sheet_title, text_cells

DATA_ROWS = 1000
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def number_format(f: dict) -> str:
    if f["type"] == "integer":
        return "0"
    if f["type"] == "number":
        return "#,##0.00" if is_yuan_field(f) else "0.##"
    if f["type"] == "date":
        return "yyyy-mm-dd"
    return "@"  # text: stops Excel turning 2025-06 or 411702 into a date or a number


def constraint_text(f: dict) -> str:
    """The field's constraints in plain Chinese, for the instructions sheet."""
    c = f.get("constraints", {})
    parts = []
    if "enum" in c:
        parts.append("只能填:" + "、".join(c["enum"]))
    if "minimum" in c:
        parts.append(f"不小于 {c['minimum']}")
    if "maximum" in c:
        parts.append(f"不大于 {c['maximum']}")
    if "maxLength" in c:
        parts.append(f"不超过 {c['maxLength']} 个字")
    if "pattern" in c and "enum" not in c:
        parts.append(f"格式(正则表达式):{c['pattern']}")
    if f["type"] == "date":
        parts.append("日期,如 2025-06-30")
    return ";".join(parts)


def code_choices(root: Path, descriptor: dict, reference: str, key: str) -> list[str]:
    """'code name' entries of a reference table, e.g. '411702 驿城区'."""
    ref = resource_by_name(descriptor, reference)
    path = root / ref["path"]
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [f"{row[key]} {row.get('name', '')}".strip() for row in csv.DictReader(handle)]


def add_lists(book: Workbook, root: Path, descriptor: dict, resource: dict) -> dict[str, str]:
    """Fill the hidden 代码表 sheet; returns field → list range formula for each foreign key."""
    lists = book.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    ranges: dict[str, str] = {}
    column = 0
    for fk in resource["schema"].get("foreignKeys", []):
        if not isinstance(fk["fields"], str):
            continue
        ref = fk["reference"]
        choices = code_choices(root, descriptor, ref["resource"], ref["fields"])
        if not choices:
            continue
        column += 1
        letter = get_column_letter(column)
        lists.cell(1, column, fk["fields"])
        for i, choice in enumerate(choices, start=2):
            lists.cell(i, column, choice)
        last = len(choices) + 1
        ranges[fk["fields"]] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${last}"
    return ranges


def validation_for(f: dict, list_range: str | None) -> DataValidation | None:
    """A dropdown for codes and enums, a range check for numbers."""
    c = f.get("constraints", {})
    if list_range:
        dv = DataValidation(type="list", formula1=f"={list_range}", allow_blank=True)
        dv.error = "请从下拉列表中选择"
    elif "enum" in c:
        dv = DataValidation(type="list", formula1='"' + ",".join(c["enum"]) + '"', allow_blank=True)
        dv.error = "只能填:" + "、".join(c["enum"])
    elif f["type"] in {"integer", "number"} and "minimum" in c:
        kind = "whole" if f["type"] == "integer" else "decimal"
        if "maximum" in c:
            dv = DataValidation(type=kind, operator="between",
                                formula1=str(c["minimum"]), formula2=str(c["maximum"]))
        else:
            dv = DataValidation(type=kind, operator="greaterThanOrEqual",
                                formula1=str(c["minimum"]))
        dv.error = constraint_text(f)
    else:
        return None
    dv.errorTitle = "填写有误"
    dv.showErrorMessage = True
    return dv


def add_instructions(book: Workbook, resource: dict) -> None:
    """The 填写说明 sheet: how to fill in, then one row per column."""
    ws = book.create_sheet(INSTRUCTIONS_SHEET)
    ws.append([f"{resource.get('title', resource['name'])}({resource['name']})填写说明"])
    ws.append([neutralise(resource.get("description", ""))])
    ws.append(["每行填一条记录;不要合并单元格,不要加合计行。金额单位为元,"
               "表头写“(万元)”时导入会自动乘以 10000。代码列可从下拉列表选择“代码 名称”。"])
    ws.append(["导入命令:azx import 本文件.xlsx --resource " + resource["name"]])
    ws.append([])
    ws.append(["列", "表头", "字段名", "说明", "类型", "必填", "要求"])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for i, f in enumerate(resource["schema"]["fields"], start=1):
        required = "是" if f.get("constraints", {}).get("required") else "否"
        ws.append([get_column_letter(i), header_text(f), f["name"], f.get("description", ""),
                   TYPE_NAMES.get(f["type"], f["type"]), required, constraint_text(f)])
    for letter, width in zip("ABCDEFG", (6, 24, 20, 60, 8, 6, 40), strict=True):
        ws.column_dimensions[letter].width = width


def build_template(root: Path, name: str) -> Workbook:
    """The template workbook for resource `name` of the package at `root`."""
    descriptor = read_descriptor(root)
    resource = resource_by_name(descriptor, name)
    book = Workbook()
    ws = book.active
    ws.title = sheet_title(resource.get("title", name))
    ranges = add_lists(book, root, descriptor, resource)
    for i, f in enumerate(resource["schema"]["fields"], start=1):
        letter = get_column_letter(i)
        head = ws.cell(1, i, header_text(f))
        head.font = Font(bold=True)
        head.fill = HEADER_FILL
        head.alignment = Alignment(wrap_text=True, vertical="center")
        width = 28 if f["name"] in ranges else max(12, len(header_text(f)) * 2 + 2)
        ws.column_dimensions[letter].width = min(width, 50)
        for row in range(2, DATA_ROWS + 2):
            ws.cell(row, i).number_format = number_format(f)
        dv = validation_for(f, ranges.get(f["name"]))
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{DATA_ROWS + 1}")
    ws.freeze_panes = "A2"
    add_instructions(book, resource)
    text_cells(book)
    return book


def write_template(root: Path, name: str, out: Path) -> Path:
    """Write the template for `name` to `out` (.xlsx); returns the path written."""
    out.parent.mkdir(parents=True, exist_ok=True)
    build_template(root, name).save(out)
    return out
