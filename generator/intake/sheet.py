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


