"""Staff intake: read an Excel sheet or a CSV, normalise it to the canonical CSV of one resource,
merge it into the package by primary key, validate the result in a staging copy and only then
replace `data/<resource>.csv`.

Every value that is changed on the way in is recorded as a `Conversion` (sheet, cell, old, new,
why), so staff can see exactly what the tool did to their sheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from generator.package.load import read_descriptor, resource_by_name
from generator.package.names import primary_key
from generator.site.manifest import data_files

# Sheets of our own template that never hold data.
INSTRUCTIONS_SHEET = "填写说明"
LISTS_SHEET = "代码表"
# Words staff commonly use as a column header for a code of a reference table (besides the
# table's own titles, which are taken from the schema).
REFERENCE_ALIASES = {
    "regions": ["县区", "县(区)", "地区", "区县"],
    "industries": ["行业"],
    "insurers": ["保险公司", "承保机构"],
    "assessors": ["评估单位"],
}
TOTAL_WORDS = ("合计", "总计", "小计")
NOTE_PREFIXES = ("注", "备注", "说明", "填报", "填表", "制表", "审核", "联系")
COUNT_UNITS = "家人次件个天项户年"
HEADER_SCAN_ROWS = 30


class IntakeError(Exception):
    """The file cannot be turned into rows at all (no header, missing columns, unreadable)."""


class IntakeUsageError(Exception):
    """A wrong command line: unknown sheet, unsupported file type."""


@dataclass(frozen=True)
class Conversion:
    """One value changed on the way in."""

    sheet: str
    address: str
    old: str
    new: str
    why: str


@dataclass(frozen=True)
class Column:
    """A source column matched to a schema field."""

    index: int  # 0-based column index in the sheet
    header: str  # the header text as written
    field: str
    unit: str | None

    @property
    def letter(self) -> str:
        return column_letter(self.index + 1)


@dataclass
class Grid:
    """One sheet as a rectangle of values; merged ranges carry their value into every cell."""

    name: str
    values: list[list[object]]
    formats: list[list[str]]

    def value(self, row: int, col: int) -> object:
        if row < len(self.values) and col < len(self.values[row]):
            return self.values[row][col]
        return None

    def number_format(self, row: int, col: int) -> str:
        if row < len(self.formats) and col < len(self.formats[row]):
            return self.formats[row][col]
        return "General"


@dataclass
class SourceRow:
    """A canonical row and the sheet row (1-based) it came from."""

    values: dict[str, str]
    sheet_row: int


@dataclass
class Intake:
    """What was read from the file: the header, the rows, and every conversion made."""

    sheet: str
    header_rows: tuple[int, int]
    columns: list[Column]
    ignored: list[tuple[str, str]]
    rows: list[SourceRow]
    conversions: list[Conversion] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    unknown: list[tuple[str, str, str]] = field(default_factory=list)  # address, value, field

    def cell(self, field_name: str, sheet_row: int) -> str:
        """The cell address (C12) of `field_name` in `sheet_row`, or the row alone ("第 12 行")."""
        for column in self.columns:
            if column.field == field_name:
                return f"{column.letter}{sheet_row}"
        return f"第 {sheet_row} 行"


def column_letter(number: int) -> str:
    """Spreadsheet column name of a 1-based column number: 1 → A, 27 → AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# ---------------------------------------------------------------- reading


def read_grid(path: Path, sheet: str | None) -> Grid:
    """Read an .xlsx sheet or a CSV file into a Grid."""
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return read_xlsx(path, sheet)
    if suffix in {".csv", ".txt"}:
        return read_csv(path)
    raise IntakeUsageError(f"不支持的文件类型 {path.suffix}:请另存为 .xlsx 或 .csv")


def read_xlsx(path: Path, sheet: str | None) -> Grid:
    """Read one worksheet; the named one, else the first visible sheet that is not ours."""
    import openpyxl

    check_extent(path)
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise IntakeError(f"{path.name}:无法作为 Excel 文件打开({exc})") from None
    if sheet is not None:
        if sheet not in book.sheetnames:
            names = "、".join(book.sheetnames)
            raise IntakeUsageError(f"{path.name} 中没有工作表「{sheet}」(有:{names})")
        ws = book[sheet]
    else:
        candidates = [
            ws for ws in book.worksheets
            if ws.sheet_state == "visible" and ws.title not in {INSTRUCTIONS_SHEET, LISTS_SHEET}
        ]
        if not candidates:
            raise IntakeError(f"{path.name}:没有可导入的工作表")
        ws = candidates[0]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    formats = [[c.number_format for c in row] for row in ws.iter_rows()]
    for merged in ws.merged_cells.ranges:
        top = values[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row - 1, merged.max_row):
            for c in range(merged.min_col - 1, merged.max_col):
                values[r][c] = top
    return Grid(ws.title, values, formats)


MAX_ROWS, MAX_COLUMNS = 100_000, 200  # a sheet staff fill in is far smaller
MAX_SHEET_BYTES = 256 << 20  # uncompressed XML of one worksheet
EXTENT = re.compile(rb'<(?:\w+:)?(?:c|dimension|mergeCell)\b[^>]*?\b(?:r|ref)='
                    rb'"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')


def check_extent(path: Path) -> None:
    """IntakeError, before openpyxl loads anything, when a worksheet reaches beyond MAX_ROWS or
    MAX_COLUMNS: by a cell, its declared range (XFD1048576) or a merged range. Without this,
    openpyxl would build every cell of the range and run out of memory."""
    import zipfile

    from openpyxl.utils.cell import range_boundaries

    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return  # openpyxl reports the damaged file
    with archive:
        for info in archive.infolist():
            if not re.fullmatch(r"xl/worksheets/[^/]+\.xml", info.filename):
                continue
            if info.file_size > MAX_SHEET_BYTES:
                raise IntakeError(f"{path.name}:工作表过大(解压后超过 {MAX_SHEET_BYTES >> 20} MB),"
                                  "请只保留要导入的数据")
            for match in EXTENT.finditer(archive.read(info)):
                ref = match.group(1).decode()
                _, _, last_col, last_row = range_boundaries(ref if ":" in ref else f"{ref}:{ref}")
                if last_row > MAX_ROWS or last_col > MAX_COLUMNS:
                    raise IntakeError(
                        f"{path.name}:工作表的范围到达 {ref.split(':')[-1]},超过 {MAX_ROWS} 行或 "
                        f"{MAX_COLUMNS} 列的上限(多半是整行整列的格式或合并单元格)。请把要导入的"
                        "数据复制到一个新工作簿后再导入")


def decode_text(data: bytes, name: str) -> str:
    """Decode a CSV: UTF-8 (with or without BOM), else what charset-normalizer finds (GB18030…)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from generator.package.encoding import detect

    encoding = detect(data)
    try:
        return data.decode(encoding or "")
    except (UnicodeDecodeError, LookupError):
        raise IntakeError(f"{name}:无法识别文件编码,请在 Excel 中另存为“CSV UTF-8”") from None


def read_csv(path: Path) -> Grid:
    """Read a CSV in UTF-8, UTF-8 with BOM or GB18030/GBK; delimiter sniffed (comma, tab, ;)."""
    text = decode_text(path.read_bytes(), path.name)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    values: list[list[object]] = [list(r) for r in csv.reader(io.StringIO(text), dialect)]
    formats = [["General"] * len(r) for r in values]
    return Grid(path.name, values, formats)


# ---------------------------------------------------------------- header


def normalise_label(text: object) -> tuple[str, str | None]:
    """Header text → (label, unit): NFKC, no spaces or * marks; unit from a trailing (…)."""
    label = unicodedata.normalize("NFKC", str(text or ""))
    label = re.sub(r"\s+", "", label).strip("*").lower()
    match = re.fullmatch(r"(.*?)[(\[【](?:单位[::])?([^()\[\]【】]*)[)\]】]", label)
    if match and match.group(1):
        return match.group(1), match.group(2) or None
    return label, None


def header_names(descriptor: dict, resource: dict) -> dict[str, str]:
    """Every label a column of `resource` may carry → field name (ambiguous aliases dropped)."""
    names: dict[str, str] = {}
    aliases: dict[str, set[str]] = {}
    fields = resource["schema"]["fields"]
    for f in fields:
        names[normalise_label(f["name"])[0]] = f["name"]
        names[normalise_label(f.get("title", f["name"]))[0]] = f["name"]
    for fk in resource["schema"].get("foreignKeys", []):
        if not isinstance(fk["fields"], str):
            continue
        ref = resource_by_name(descriptor, fk["reference"]["resource"])
        ref_titles = [ref.get("title", "")] + REFERENCE_ALIASES.get(ref["name"], [])
        ref_titles += [f.get("title", "") for f in ref["schema"]["fields"] if f["name"] == "name"]
        for title in ref_titles:
            aliases.setdefault(normalise_label(title)[0], set()).add(fk["fields"])
    for label, targets in aliases.items():
        if len(targets) == 1 and label not in names:
            names[label] = targets.pop()
    return names


def match_columns(grid: Grid, top: int, depth: int, names: dict[str, str]):
    """Columns of the header at row `top` (0-based) spanning `depth` rows, and ignored headers."""
    width = max((len(r) for r in grid.values[top: top + depth]), default=0)
    columns: list[Column] = []
    ignored: list[tuple[str, str]] = []
    seen: set[str] = set()
    for c in range(width):
        parts = [grid.value(top + d, c) for d in range(depth)]
        texts = [str(p).strip() for p in parts if p not in (None, "")]
        candidates = []
        if depth == 2 and len(texts) == 2 and texts[0] != texts[1]:
            candidates = [texts[0] + texts[1], texts[1], texts[0]]
        elif texts:
            candidates = [texts[-1]]
        for text in candidates:
            label, unit = normalise_label(text)
            name = names.get(label)
            if name and name not in seen:
                columns.append(Column(c, text, name, unit))
                seen.add(name)
                break
        else:
            if texts:
                ignored.append((column_letter(c + 1), "".join(dict.fromkeys(texts))))
    return columns, ignored


def find_header(grid: Grid, names: dict[str, str]):
    """The header (0-based top row, depth 1 or 2) that matches most fields; ties → the first."""
    best = None
    for top in range(min(len(grid.values), HEADER_SCAN_ROWS)):
        for depth in (1, 2):
            columns, ignored = match_columns(grid, top, depth, names)
            if best is None or len(columns) > len(best[2]):
                best = (top, depth, columns, ignored)
    if best is None or len(best[2]) < 2:
        raise IntakeError(
            f"{grid.name}:前 {HEADER_SCAN_ROWS} 行中找不到表头。表头应使用字段的中文名称"
            "(如“统计月份”“已投保企业数”),可用 azx template 生成模板"
        )
    return best


# ---------------------------------------------------------------- values


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
        if pattern or f.get("constraints", {}).get("enum"):
            return self.token(value)
        return str(value).strip().replace("\r\n", "\n"), None

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


# ---------------------------------------------------------------- rows


def skip_reason(texts: list[str]) -> str | None:
    """Why a sheet row is not data: a total row or a note under the table."""
    filled = [t for t in texts if t]
    if not filled:
        return ""
    if any(t.replace(" ", "") in TOTAL_WORDS for t in filled):
        return "合计行,不导入(合计由网站计算)"
    if filled[0].startswith(NOTE_PREFIXES) and len(filled) <= 2:
        return "表格下方的说明文字,不导入"
    return None


def read_rows(grid: Grid, top: int, depth: int, columns: list[Column], normaliser: Normaliser):
    """Data rows under the header → canonical rows, conversions and skipped rows."""
    rows: list[SourceRow] = []
    conversions: list[Conversion] = []
    skipped: list[tuple[str, str]] = []
    unknown: list[tuple[str, str, str]] = []
    names = list(normaliser.fields)
    for r in range(top + depth, len(grid.values)):
        texts = [plain(grid.value(r, c.index)).strip() for c in columns]
        reason = skip_reason(texts)
        if reason == "":
            continue
        if reason:
            first = next(c for c, t in zip(columns, texts, strict=True) if t)
            skipped.append((f"{first.letter}{r + 1}", reason))
            continue
        values = dict.fromkeys(names, "")
        for c in columns:
            raw = grid.value(r, c.index)
            new, why = normaliser.convert(c.field, raw, c.unit, grid.number_format(r, c.index))
            values[c.field] = new
            codes = normaliser.codes.get(c.field)
            if codes and new and new not in codes.values():
                unknown.append((f"{c.letter}{r + 1}", new, c.field))
            if why:
                address = f"{c.letter}{r + 1}"
                conversions.append(Conversion(grid.name, address, plain(raw), new, why))
        rows.append(SourceRow(values, r + 1))
    return rows, conversions, skipped, unknown


def read_intake(path: Path, resource_name: str, root: Path, sheet: str | None = None) -> Intake:
    """Read `path` as rows of `resource_name`; raises IntakeError when it has no usable table."""
    descriptor = read_descriptor(root)
    resource = resource_by_name(descriptor, resource_name)
    grid = read_grid(path, sheet)
    top, depth, columns, ignored = find_header(grid, header_names(descriptor, resource))
    found = {c.field for c in columns}
    missing = [
        f"{f.get('title', f['name'])}({f['name']})"
        for f in resource["schema"]["fields"]
        if f.get("constraints", {}).get("required") and f["name"] not in found
    ]
    if missing:
        raise IntakeError(
            f"{grid.name} 第 {top + 1} 行的表头缺少必填列:{'、'.join(missing)}。"
            "请补上这些列(表头写中文名称即可)"
        )
    normaliser = Normaliser(descriptor, resource, root)
    rows, conversions, skipped, unknown = read_rows(grid, top, depth, columns, normaliser)
    return Intake(grid.name, (top + 1, top + depth), columns, ignored, rows, conversions, skipped,
                  unknown)


# ---------------------------------------------------------------- merge and write


def sort_key(resource: dict) -> Callable[[dict[str, str]], tuple]:
    """Primary-key order; integer fields numerically."""
    kinds = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
    key = primary_key(resource)

    def order(row: dict[str, str]) -> tuple:
        parts = []
        for name in key:
            text = row.get(name, "")
            if kinds[name] == "integer" and re.fullmatch(r"-?\d+", text):
                parts.append((0, int(text), ""))
            else:
                parts.append((1, 0, text))
        return tuple(parts)

    return order


def column_decimals(resource: dict, rows: list[dict[str, str]]) -> dict[str, int]:
    """Number columns whose existing values all have the same count of decimals (60810.30)."""
    places: dict[str, int] = {}
    for f in resource["schema"]["fields"]:
        if f["type"] != "number":
            continue
        found = {
            len(m.group(1))
            for row in rows if row.get(f["name"])
            for m in [re.fullmatch(r"-?\d+\.(\d+)", row[f["name"]])] if m
        }
        filled = [row[f["name"]] for row in rows if row.get(f["name"])]
        if len(found) == 1 and all("." in v for v in filled):
            places[f["name"]] = found.pop()
    return places


def in_file_style(row: dict[str, str], places: dict[str, int]) -> dict[str, str]:
    """`row` with its numbers written with as many decimals as the file already uses."""
    styled = dict(row)
    for name, n in places.items():
        try:
            styled[name] = format(Decimal(row[name]), f".{n}f") if row.get(name) else ""
        except InvalidOperation:
            pass  # not a number: left for the validator to report
    return styled


@dataclass
class Merge:
    """The merged table and where each of its rows came from (sheet row, or None when kept)."""

    header: list[str]
    rows: list[dict[str, str]]
    origins: list[int | None]
    replaced_scope: list[str]
    kept: int
    replaced: int  # existing rows the import replaced
    removed: list[dict[str, str]]  # existing rows of the replaced periods the file lacks


def read_table(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    if not path.is_file():
        return [], []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def merge_rows(resource: dict, existing: list[dict[str, str]], incoming: list[SourceRow]) -> Merge:
    """Replace the existing rows of every period (first key field) the file contains; keep others.

    For a single-field key (reference tables) rows are replaced one by one. The result is sorted
    by primary key, stably, so duplicate keys keep their order for the validator to report.
    """
    key = primary_key(resource)
    header = [f["name"] for f in resource["schema"]["fields"]]
    scope = key[0]
    removed = []
    if len(key) > 1:
        scopes = {row.values[scope] for row in incoming}
        kept = [row for row in existing if row.get(scope, "") not in scopes]
        arriving = {tuple(row.values.get(k, "") for k in key) for row in incoming}
        removed = [row for row in existing if row.get(scope, "") in scopes
                   and tuple(row.get(k, "") for k in key) not in arriving]
    else:
        keys = {row.values[scope] for row in incoming}
        kept = [row for row in existing if row.get(scope, "") not in keys]
    places = column_decimals(resource, existing)
    tagged = [(row, None) for row in kept]
    tagged += [(in_file_style(row.values, places), row.sheet_row) for row in incoming]
    order = sort_key(resource)
    tagged.sort(key=lambda pair: order(pair[0]))
    return Merge(
        header=header,
        rows=[{name: row.get(name, "") for name in header} for row, _ in tagged],
        origins=[origin for _, origin in tagged],
        replaced_scope=sorted({row.values[scope] for row in incoming}) if len(key) > 1 else [],
        kept=len(kept),
        replaced=len(existing) - len(kept),
        removed=removed,
    )


def csv_text(header: list[str], rows: list[dict[str, str]]) -> str:
    """The bundled CSV style: UTF-8, "\\n" line ends, minimal quoting, schema column order."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


# ---------------------------------------------------------------- validate and commit


@dataclass
class ImportResult:
    intake: Intake
    merge: Merge
    target: Path
    problems: list  # validator Problems (errors and warnings)
    errors: int
    written: bool
    unchanged: bool
    removed_keys: list[str] = field(default_factory=list)  # refused: rows the import would drop

    @property
    def failed(self) -> bool:
        """True when nothing was written because of errors or rows the import would remove."""
        return bool(self.errors or self.removed_keys)


def refuse_unsafe_paths(root: Path) -> None:
    """IntakeError before any file is read or copied when a resource path leads outside the
    package (`../`, absolute, a URL, a link out of the folder)."""
    from generator.package.safe import UnsafeFile, check_package_file

    for resource in read_descriptor(root)["resources"]:
        try:
            check_package_file(root, resource.get("path"))
        except FileNotFoundError:
            continue
        except UnsafeFile as exc:
            raise IntakeError(f"资源 {resource.get('name')} 的路径 {resource.get('path')!r} "
                              f"不安全:{exc}。请先运行 azx validate 并改正") from None


def stage_package(root: Path, staging: Path) -> None:
    """Copy the files of the package at `root` into `staging`."""
    for path in data_files(root):
        if path.is_file():
            shutil.copy2(path, staging / path.relative_to(root))


def key_labels(descriptor: dict, resource: dict, root: Path, rows: list[dict[str, str]]
               ) -> list[str]:
    """Each row's primary key as staff read it: "2025-06 西平县 建筑施工" (codes as names)."""
    names: dict[str, dict[str, str]] = {}
    for fk in resource["schema"].get("foreignKeys", []):
        if not isinstance(fk["fields"], str):
            continue
        ref = resource_by_name(descriptor, fk["reference"]["resource"])
        _, table = read_table(root / ref["path"])
        names[fk["fields"]] = {
            row.get(fk["reference"]["fields"], ""): row.get("short_name") or row.get("name", "")
            for row in table}
    key = primary_key(resource)
    return [" ".join(names.get(k, {}).get(row.get(k, ""), row.get(k, "")) or row.get(k, "")
                     for k in key) for row in rows]


def import_file(
    path: Path, resource_name: str, root: Path, sheet: str | None = None,
    replace_periods: bool = False,
) -> ImportResult:
    """Read, normalise, merge, validate in a staging copy, and replace the CSV only if valid.

    An import that would remove existing rows of the periods it contains, rows the file does
    not hold, is refused (nothing validated or written) unless `replace_periods` is true.
    """
    refuse_unsafe_paths(root)
    intake = read_intake(path, resource_name, root, sheet)
    from generator.validate.pipeline import (
        validate_package,  # the validator imports the whole rule set
    )

    descriptor = read_descriptor(root)
    resource = resource_by_name(descriptor, resource_name)
    target = root / resource["path"]
    _, existing = read_table(target)
    merge = merge_rows(resource, existing, intake.rows)
    removed_keys = key_labels(descriptor, resource, root, merge.removed) \
        if merge.removed and not replace_periods else []
    text = csv_text(merge.header, merge.rows)
    unchanged = target.is_file() and target.read_bytes() == text.encode("utf-8")
    with tempfile.TemporaryDirectory(prefix="azx-import-") as tmp:
        staging = Path(tmp)
        stage_package(root, staging)
        (staging / resource["path"]).write_text(text, encoding="utf-8", newline="")
        report = validate_package(staging)
    errors = len(report.errors)
    written = False
    if errors == 0 and not unchanged and not removed_keys:
        partial = target.with_name(f".{target.name}.azx-import")
        partial.write_text(text, encoding="utf-8", newline="")
        os.replace(partial, target)
        written = True
    return ImportResult(intake, merge, target, list(report.problems), errors, written, unchanged,
                        removed_keys)


# ---------------------------------------------------------------- report


def problem_origin(problem, result: ImportResult) -> int | None:
    """The sheet row a problem's CSV line came from, None when it is not an imported row."""
    row = problem.row
    if Path(str(problem.file or "")).name != result.target.name or not isinstance(row, int):
        return None
    if 2 <= row < len(result.merge.origins) + 2:
        return result.merge.origins[row - 2]
    return None


def problem_place(problem, result: ImportResult) -> str:
    """Where to fix a problem: the sheet cell of a row from the file, else the CSV row."""
    name = Path(str(problem.file or "")).name
    row = problem.row
    origin = problem_origin(problem, result)
    if origin is not None:
        return f"{result.intake.sheet}!{result.intake.cell(str(problem.column or ''), origin)}"
    place = name or "数据包"
    if row:
        place += f" 第 {row} 行"
    if problem.column:
        place += f" {problem.column} 列"
    return place + "(不是本次导入的行)" if name else place


def report_lines(result: ImportResult, source: Path, data_label: str) -> list[str]:
    """The conversion report, then the validation outcome, as printed by `azx import`."""
    intake = result.intake
    lines = [f"导入 {source.name}(工作表「{intake.sheet}」)→ {data_label}/{result.target.name}"]
    first, last = intake.header_rows
    span = f"第 {first} 行" if first == last else f"第 {first}–{last} 行"
    lines.append(f"表头:{span};数据 {len(intake.rows)} 行")
    for column in intake.columns:
        lines.append(f"  {column.letter} 列「{column.header}」→ {column.field}")
    for letter, header in intake.ignored:
        lines.append(f"  {letter} 列「{header}」不是 {result.target.stem} 的字段,已忽略")
    lines.append(f"转换的值({len(intake.conversions)} 处):")
    for c in intake.conversions:
        lines.append(f"  {c.sheet}!{c.address}  {c.old} → {c.new}  ({c.why})")
    for address, why in intake.skipped:
        lines.append(f"  跳过 {intake.sheet}!{address}:{why}")
    for address, value, name in intake.unknown:
        lines.append(f"  未识别 {intake.sheet}!{address}:“{value}”不是已有的代码、名称或简称"
                     f"({name}),请从模板的下拉列表中选择")
    merge = result.merge
    scope = "、".join(merge.replaced_scope)
    if not result.removed_keys:
        lines.append(
            f"合并:{'替换 ' + scope + ' 的数据,' if scope else ''}原有 {merge.replaced} 行被"
            f"本次导入的 {len(intake.rows)} 行取代,保留其他 {merge.kept} 行,"
            f"合并后共 {len(merge.rows)} 行"
        )
    errors = [p for p in result.problems if p.severity == "error"]
    warnings = [p for p in result.problems if p.severity != "error"]
    if errors:
        lines.append(f"校验未通过:{len(errors)} 个错误。{data_label}/ 下的文件没有任何改动。")
        lines.append("请在原文件中改正以下单元格后重新导入:")
        lines += [f"  错误 {problem_place(p, result)}:{p.message}" for p in errors]
    mine = [p for p in warnings if problem_origin(p, result) is not None]
    lines += [f"  提醒 {problem_place(p, result)}:{p.message}" for p in mine]
    if len(warnings) > len(mine):
        lines.append(f"  另有 {len(warnings) - len(mine)} 条提醒与本次导入的行无关"
                     f"(azx validate {data_label} 可查看)")
    if result.removed_keys:
        lines += removal_lines(result, data_label, after_errors=bool(errors))
    elif not errors:
        if result.unchanged:
            lines.append(f"校验通过;{data_label}/{result.target.name} 内容没有变化。")
        else:
            lines.append(f"校验通过,已写入 {data_label}/{result.target.name}。")
    return lines


SHOWN_KEYS = 5


def removal_lines(result: ImportResult, data_label: str, after_errors: bool) -> list[str]:
    """Why an import that would drop existing rows stopped, and the two ways on."""
    keys = result.removed_keys
    scope = "、".join(result.merge.replaced_scope)
    lines = [f"导入已停止:文件含有 {scope} 的数据,按期间整体替换会删除 "
             f"{data_label}/{result.target.name} 中 {len(keys)} 行文件里没有的已有数据:"]
    lines += [f"  {key}" for key in keys[:SHOWN_KEYS]]
    if len(keys) > SHOWN_KEYS:
        lines.append(f"  …… 另有 {len(keys) - SHOWN_KEYS} 行")
    if not after_errors:
        lines.append(f"{data_label}/ 下的文件没有任何改动。")
    lines.append("如果只想更新文件里的这些行,请把上面这些行也放进文件(可从现有数据复制);"
                 "如果确实要用本文件替换这些期间的全部数据,请加上 --replace-periods 重新导入。")
    return lines
