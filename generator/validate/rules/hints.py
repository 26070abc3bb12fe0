"""How to fix a cell value that staff typed the way a spreadsheet shows it."""

from __future__ import annotations

import re
import unicodedata

from generator.package.names import TYPE_NAMES

TYPE_ZH = TYPE_NAMES  # the one table of Chinese type names
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
SLASH_DATE = re.compile(r"^(\d{4})[/.年](\d{1,2})[/.月](\d{1,2})日?$")


def _plain(cell: str) -> str:
    """The value with full-width characters made half-width and surrounding space removed."""
    return unicodedata.normalize("NFKC", cell).strip()


def _number_text(value: float, integer: bool) -> str:
    return str(int(round(value))) if integer or value == int(value) else f"{value:g}"


def type_hint(cell: str, field_type: str) -> tuple[str, str]:
    """A Chinese and English suggestion for a cell that is not of `field_type`."""
    if field_type == "date":
        match = SLASH_DATE.match(_plain(cell))
        if match:
            year, month, day = match.groups()
            fixed = f"{year}-{int(month):02d}-{int(day):02d}"
            return f"日期请写成 {fixed}(年-月-日,用短横线)", f"write the date as {fixed}"
        return "日期格式应为 YYYY-MM-DD,例如 2025-07-15", "dates are YYYY-MM-DD"
    if field_type not in ("integer", "number"):
        return f"应为{TYPE_ZH.get(field_type, field_type)}", f"expected a {field_type}"
    integer = field_type == "integer"
    plain = _plain(cell)
    if plain != cell.strip() and NUMBER.match(plain.replace(",", "")):
        return (f"请用半角数字,写成 {plain.replace(',', '')}(把输入法切换到半角)",
                f"use ASCII digits: {plain.replace(',', '')}")
    if "," in plain and NUMBER.match(plain.replace(",", "")):
        fixed = plain.replace(",", "")
        return f"不要用千位分隔符,写成 {fixed}", f"no thousands separators: {fixed}"
    if plain.endswith("%") and NUMBER.match(plain[:-1].strip()):
        fixed = plain[:-1].strip()
        return f"不要带 % 号,只填数字 {fixed}", f"no % sign: {fixed}"
    wan = re.match(r"^(-?\d+(?:\.\d+)?)\s*万元?$", plain.replace(",", ""))
    if wan:
        fixed = _number_text(float(wan.group(1)) * 10000, integer)
        return f"金额以元为单位,{cell.strip()} 应填 {fixed}", f"amounts are in yuan: {fixed}"
    unit = re.match(r"^(-?\d+(?:\.\d+)?)\s*(元|人|家|个|次|件|天|日)$", plain.replace(",", ""))
    if unit:
        return f"只填数字 {unit.group(1)},不要带单位“{unit.group(2)}”", f"no unit: {unit.group(1)}"
    if integer and NUMBER.match(plain):
        return "应为整数,不能有小数", "expected a whole number"
    return f"应为{TYPE_ZH[field_type]}", f"expected a {field_type}"
