"""Turning what staff typed into canonical CSV values, recording every change as a `Conversion`."""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from generator.package.load import resource_by_name
from generator.package.text import neutralise

COUNT_UNITS = "家人次件个天项户年"
YEAR_PATTERN = "^20[0-9]{2}$"  # a year kept as text (rates.period)


@dataclass(frozen=True)
class Conversion:
    """One value changed on the way in."""

    sheet: str
    address: str
    old: str
    new: str
    why: str




def plain(value: object) -> str:
    """How a cell value reads to a person, for the report and for unchanged strings."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def decimal_text(number: Decimal) -> str:
    """Canonical number text: no exponent, no trailing zeros, integers without a point."""
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


CN_DIGITS = {"一": "1", "二": "2", "三": "3", "四": "4"}


def parse_month(text: str) -> str | None:
    """2025年6月, 2025/6, 2025-6, 2025.06, 202506, 2025-06-30 → 2025-06."""
    day = r"(?:[/.\-]\s*\d{1,2}\s*日?|\d{1,2}日)?"
    m = re.fullmatch(r"(20\d\d)\s*[年/.\-]\s*(\d{1,2})\s*(?:月份?)?" + day, text)
    if not m:
        m = re.fullmatch(r"(20\d\d)(\d\d)", text)
    if m and 1 <= int(m.group(2)) <= 12:
        return f"{m.group(1)}-{int(m.group(2)):02d}"
    return None


def parse_quarter(text: str) -> str | None:
    """2025年第二季度, 2025年2季度, 2025-Q2, 2025 q2 → 2025Q2."""
    quarter = r"(?:[qQ]([1-4])|([1-4一二三四])\s*季度?)"
    m = re.fullmatch(r"(20\d\d)\s*(?:年|-)?\s*(?:第)?\s*" + quarter, text)
    if not m:
        return None
    digit = m.group(2) or CN_DIGITS.get(m.group(3), m.group(3))
    return f"{m.group(1)}Q{digit}"


def parse_half(text: str) -> str | None:
    """2025年上半年, 2025-H1, 2025 h2 → 2025H1 / 2025H2."""
    m = re.fullmatch(r"(20\d\d)\s*(?:年|-)?\s*(?:([hH])([12])|(上|下)半年(?:度)?)", text)
    if not m:
        return None
    half = m.group(3) or ("1" if m.group(4) == "上" else "2")
    return f"{m.group(1)}H{half}"


def parse_year(text: str) -> str | None:
    """2025年, 2025年度, 2025 → 2025."""
    m = re.fullmatch(r"(20\d\d)\s*(?:年度?)?", text)
    return m.group(1) if m else None


def parse_date(text: str) -> str | None:
    """2025年6月30日, 2025/6/30, 2025.6.30, 2025-6-30, 20250630 → 2025-06-30."""
    m = re.fullmatch(r"(20\d\d)\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?", text)
    if not m:
        m = re.fullmatch(r"(20\d\d)(\d\d)(\d\d)", text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


DAY = r"20\d\d[年/.\-]\d{1,2}[月/.\-]\d{1,2}日?|20\d{6}"
RANGE = re.compile(rf"({DAY})(?:零时|0时)?起?(?:至|到|~|-|—|–|/)({DAY})(?:24时|二十四时)?止?")


def parse_date_range(text: str) -> tuple[str, str] | None:
    """2025-01-01至2025-12-31, 2025.1.1-2025.12.31, 2025年1月1日至2025年12月31日 → the two
    dates as YYYY-MM-DD; None when it is not two valid dates (spaces and full-width ignored)."""
    norm = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    m = RANGE.fullmatch(norm)
    if not m:
        return None
    start, end = parse_date(m.group(1)), parse_date(m.group(2))
    return (start, end) if start and end else None


def parse_number(text: str) -> tuple[Decimal, list[str]] | None:
    """A number typed by a person → (value, what was done), or None when it is not a number."""
    done: list[str] = []
    norm = unicodedata.normalize("NFKC", text)
    if norm != text:
        done.append("全角字符转半角")
    norm = re.sub(r"\s+", "", norm)
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?%?(万元|万|元)?", norm):
        norm = norm.replace(",", "")
        done.append("去掉千位分隔符")
    scale = Decimal(1)
    if norm.endswith("%"):
        norm, scale = norm[:-1], Decimal("0.01")
        done.append("百分数")
    elif norm.endswith("‰"):
        norm, scale = norm[:-1], Decimal("0.001")
        done.append("千分数")
    elif norm.endswith(("万元", "万")):
        norm, scale = norm.removesuffix("元").removesuffix("万"), Decimal(10000)
        done.append("数值带“万”,×10000 换算为元")
    elif norm and norm[-1] in COUNT_UNITS + "元" and len(norm) > 1:
        done.append(f"去掉单位“{norm[-1]}”")
        norm = norm[:-1]
    try:
        return Decimal(norm) * scale, done
    except InvalidOperation:
        return None


class Normaliser:
    """Turns cell values into canonical CSV text for one resource, recording what it changed."""

    def __init__(self, descriptor: dict, resource: dict, root: Path):
        self.fields = {f["name"]: f for f in resource["schema"]["fields"]}
        self.codes = reference_codes(descriptor, resource, root)

    def convert(self, field_name: str, value: object, unit: str | None, number_format: str):
        """(canonical text, reason or None). Unparseable values pass through for the validator."""
        f = self.fields[field_name]
        if value is None or (isinstance(value, str) and not value.strip()):
            return "", None
        if field_name in self.codes:
            return self.code(field_name, value)
        kind = f["type"]
        if kind in {"integer", "number"}:
            return self.number(f, value, unit, number_format)
        if kind == "date":
            return self.date(value)
        pattern = f.get("constraints", {}).get("pattern", "")
        if "H[12]" in pattern:
            return self.period(value, parse_half, "评估轮次统一为 YYYYH1/YYYYH2")
        if "Q[1-4]" in pattern:
            return self.period(value, parse_quarter, "季度统一为 YYYYQn")
        if "(0[1-9]|1[0-2])" in pattern:
            return self.period(value, parse_month, "月份统一为 YYYY-MM")
        if pattern == YEAR_PATTERN:
            return self.period(value, parse_year, "年度统一为 YYYY")
        if pattern or f.get("constraints", {}).get("enum"):
            return self.token(value)
        return str(value).strip().replace("\r\n", "\n"), None

    def date_range(self, start: str, end: str, value: object) -> tuple[str, str, str]:
        """A date range cell split into (start, end, why); ValueError, in Chinese, when it is
        not two dates or the end comes before the start."""
        text = plain(value).strip()
        parsed = parse_date_range(text)
        if parsed is None:
            raise ValueError(f"“{text}”不是起止日期,应写成“2025-01-01至2025-12-31”这样的两个日期")
        if parsed[1] < parsed[0]:
            raise ValueError(f"“{text}”的止期 {parsed[1]} 早于起期 {parsed[0]},请检查是否写反")
        titles = [self.fields[name].get("title", name) for name in (start, end)]
        return *parsed, f"起止日期拆分为{titles[0]}和{titles[1]}"

    def token(self, value: object):
        text = plain(value)
        new = unicodedata.normalize("NFKC", text).strip()
        return new, ("全角字符转半角、去掉空格" if new != text else None)

    def code(self, field_name: str, value: object):
        text = unicodedata.normalize("NFKC", plain(value)).strip()
        table = self.codes[field_name]
        first = text.split()[0] if text.split() else text
        for key, why in ((text, "名称转为代码"), (first, "“代码 名称”取代码")):
            code = table.get(key.lower())
            if code is not None:
                return code, (None if code == plain(value) else why)
        return text, None

    def number(self, f: dict, value: object, unit: str | None, number_format: str):
        reasons: list[str] = []
        if isinstance(value, bool) or isinstance(value, dt.date):
            return plain(value), None
        if isinstance(value, (int, float)):
            number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
            if "%" in number_format:
                number *= 100
                reasons.append("百分比格式单元格")
                if not is_percent_field(f):
                    number /= 100
        else:
            parsed = parse_number(str(value))
            if parsed is None:
                return str(value).strip(), None
            number, reasons = parsed
            if "百分数" in reasons and is_percent_field(f):
                number *= 100
            if "千分数" in reasons and is_permille_field(f):
                number *= 1000
        if unit in {"万元", "万"} and is_yuan_field(f):
            number *= 10000
            reasons.append("表头单位为万元,×10000 换算为元")
        text = decimal_text(number)
        if f["type"] == "integer" and "." in text:
            return plain(value), None
        return text, ("、".join(reasons) or None) if text != plain(value) else None

    def date(self, value: object):
        if isinstance(value, dt.datetime | dt.date):
            day = value.date() if isinstance(value, dt.datetime) else value
            return day.isoformat(), "Excel 日期单元格"
        if isinstance(value, (int, float)) and 20000 < value < 80000:
            from openpyxl.utils.datetime import from_excel

            return from_excel(value).date().isoformat(), "Excel 日期序号转为日期"
        text = unicodedata.normalize("NFKC", plain(value)).strip()
        new = parse_date(text)
        if new is None:
            return text, None
        return new, ("日期统一为 YYYY-MM-DD" if new != plain(value) else None)

    def period(self, value: object, parse: Callable[[str], str | None], why: str):
        if isinstance(value, dt.datetime | dt.date) and parse is parse_month:
            return f"{value.year}-{value.month:02d}", "Excel 日期单元格,取年月"
        text = unicodedata.normalize("NFKC", plain(value)).strip()
        new = parse(text)
        if new is None:
            return text, None
        return new, (why if new != plain(value) else None)


def is_yuan_field(f: dict) -> bool:
    return "单位:元" in f.get("description", "")


def header_text(f: dict) -> str:
    """The column header (template, XLSX download): the field's Chinese title, with its unit
    for amounts."""
    title = neutralise(f.get("title", f["name"]))
    return f"{title}(元)" if is_yuan_field(f) else title


def is_permille_field(f: dict) -> bool:
    """Fields kept in ‰ (rates): 1.2‰ there means 1.2."""
    return "‰" in f.get("title", "")


def is_percent_field(f: dict) -> bool:
    """Fields kept on a 0–100 scale (weights, scores): 25% there means 25."""
    return f.get("constraints", {}).get("maximum") == 100


def reference_codes(descriptor: dict, resource: dict, root: Path) -> dict[str, dict[str, str]]:
    """For each single-field foreign key: code, name, short name (lower case) → code."""
    tables: dict[str, dict[str, str]] = {}
    for fk in resource["schema"].get("foreignKeys", []):
        if not isinstance(fk["fields"], str):
            continue
        ref = resource_by_name(descriptor, fk["reference"]["resource"])
        path = root / ref["path"]
        if not path.is_file():
            continue
        table: dict[str, str] = {}
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                code = row[fk["reference"]["fields"]]
                for key in (row.get("name"), row.get("short_name"), code):
                    if key:
                        table.setdefault(unicodedata.normalize("NFKC", key).lower(), code)
        tables[fk["fields"]] = table
    return tables


