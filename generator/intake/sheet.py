"""Reading one sheet of an .xlsx file, or a CSV file in whatever encoding Excel saved it, as a
rectangle of values."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from generator.errors import IntakeError, IntakeUsageError

# Sheets of our own template that never hold data.
INSTRUCTIONS_SHEET = "填写说明"
LISTS_SHEET = "代码表"





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




def column_letter(number: int) -> str:
    """Spreadsheet column name of a 1-based column number: 1 → A, 27 → AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters




def read_grid(path: Path, sheet: str | None) -> Grid:
    """Read an .xlsx sheet or a CSV file into a Grid."""
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return read_xlsx(path, sheet)
    if suffix in {".csv", ".txt"}:
        return read_csv(path)
    raise IntakeUsageError(f"不支持的文件类型 {path.suffix}:请另存为 .xlsx 或 .csv")


def read_xlsx(path: Path, sheet: str | None) -> Grid:
    """Read one worksheet; the named one, else the first visible sheet that is not ours.
    Read-only mode streams the sheet's XML: only the cells that exist are read, never its
    declared range."""
    import openpyxl

    check_size(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise IntakeError(f"{path.name}:无法作为 Excel 文件打开({exc})") from None
    try:
        ws = pick_sheet(book, path.name, sheet)
        try:
            return sheet_grid(ws, path.name)
        except (ValueError, KeyError, IndexError, TypeError) as exc:  # a damaged sheet
            raise IntakeError(f"{path.name}:无法作为 Excel 文件打开({exc})") from None
    finally:
        book.close()


def pick_sheet(book, name: str, sheet: str | None):
    if sheet is not None:
        if sheet not in book.sheetnames:
            names = "、".join(book.sheetnames)
            raise IntakeUsageError(f"{name} 中没有工作表「{sheet}」(有:{names})")
        return book[sheet]
    candidates = [
        ws for ws in book.worksheets
        if ws.sheet_state == "visible" and ws.title not in {INSTRUCTIONS_SHEET, LISTS_SHEET}
    ]
    if not candidates:
        raise IntakeError(f"{name}:没有可导入的工作表")
    return candidates[0]


MAX_ROWS, MAX_COLUMNS = 100_000, 200  # a sheet staff fill in is far smaller
MAX_MERGED_CELLS = 1_000_000  # cells covered by merged ranges, all ranges together
MAX_SHEET_BYTES = 256 << 20  # uncompressed XML of one worksheet, as the archive declares it


def too_large(name: str, where: str) -> IntakeError:
    return IntakeError(
        f"{name}:工作表的范围到达{where},超过 {MAX_ROWS} 行或 {MAX_COLUMNS} 列的上限"
        "(多半是整行整列的格式或合并单元格)。请把要导入的数据复制到一个新工作簿后再导入")


def sheet_grid(ws, name: str) -> Grid:
    """The cells that exist, row by row, stopping at the first one beyond MAX_ROWS or MAX_COLUMNS;
    merged ranges (each within the caps, MAX_MERGED_CELLS in all) carry their top-left value."""
    from openpyxl.utils.cell import range_boundaries

    refs = merged_ranges(ws)
    merged = [range_boundaries(ref) for ref in refs]
    for ref, (_, _, last_col, last_row) in zip(refs, merged, strict=True):
        if last_row > MAX_ROWS or last_col > MAX_COLUMNS:
            raise too_large(name, " " + ref.split(":")[-1])
    covered = sum((c2 - c1 + 1) * (r2 - r1 + 1) for c1, r1, c2, r2 in merged)
    if covered > MAX_MERGED_CELLS:
        raise IntakeError(f"{name}:合并单元格共覆盖 {covered} 个单元格,"
                          f"超过 {MAX_MERGED_CELLS} 的上限。请取消合并后再导入")
    ws.reset_dimensions()  # the declared range (<dimension ref="A1:XFD1048576">) is not trusted
    values: list[list[object]] = []
    formats: list[list[str]] = []
    for number, row in enumerate(ws.iter_rows(), start=1):
        if number > MAX_ROWS:
            raise too_large(name, f"第 {number} 行")
        if len(row) > MAX_COLUMNS:
            raise too_large(name, f" {column_letter(len(row))}{number}")
        values.append([c.value for c in row])
        formats.append([c.number_format or "General" for c in row])
    for first_col, first_row, last_col, last_row in merged:
        top = values[first_row - 1][first_col - 1] if first_row <= len(values) and \
            first_col <= len(values[first_row - 1]) else None
        values.extend([] for _ in range(len(values), last_row))
        for r in range(first_row - 1, last_row):
            values[r].extend(None for _ in range(len(values[r]), last_col))
            values[r][first_col - 1:last_col] = [top] * (last_col - first_col + 1)
    return Grid(ws.title, values, formats)


def merged_ranges(ws) -> list[str]:
    """The merged ranges (A1:I1) of a read-only worksheet, which openpyxl does not expose: one
    streamed pass over the sheet's XML, each element dropped once read."""
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    tag = f"{{{SHEET_MAIN_NS}}}mergeCell"
    refs = []
    with ws._get_source() as source:  # the sheet's XML in the archive, as openpyxl reads it
        for _, element in iterparse(source):
            if element.tag == tag:
                refs.append(element.get("ref", ""))
            element.clear()
    return refs


def check_size(path: Path) -> None:
    """IntakeError when a worksheet's XML would unpack beyond MAX_SHEET_BYTES (a zip bomb); the
    archive's directory says so without unpacking anything."""
    import zipfile

    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return  # openpyxl reports the damaged file
    with archive:
        for info in archive.infolist():
            if re.fullmatch(r"xl/worksheets/[^/]+\.xml", info.filename) \
                    and info.file_size > MAX_SHEET_BYTES:
                raise IntakeError(f"{path.name}:工作表过大(解压后超过 {MAX_SHEET_BYTES >> 20} MB),"
                                  "请只保留要导入的数据")


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


