"""A streaming XLSX writer for the downloads: one sheet, a bold frozen header row, fitted column
widths, numbers as numbers and every text as an inline string, never a formula.

Written out directly because a per-cell object (openpyxl) cost most of a cold build's download
time. The parts are the least that Excel, WPS and LibreOffice open: content types, relationships,
core properties (fixed dates, so the bytes are stable), the workbook, a style sheet with a plain
and a bold font, and the sheet.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape, quoteattr

from generator.package.text import neutralise

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
CELL_CHARACTERS = 32767  # the longest text an Excel cell holds
# characters XML 1.0 cannot carry (neutralise has replaced most of them already)
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

CONTENT_TYPES = HEAD + (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
    'package.core-properties+xml"/></Types>')
PACKAGE_RELS = HEAD + (
    f'<Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId1" Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{RELS}/metadata/core-properties" '
    'Target="docProps/core.xml"/></Relationships>')
CORE = HEAD + (
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>azx</dc:creator>'
    '<dcterms:created xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:modified>'
    '</cp:coreProperties>')
WORKBOOK_RELS = HEAD + (
    f'<Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{DOC_RELS}/styles" Target="styles.xml"/></Relationships>')
STYLES = HEAD + (
    f'<styleSheet xmlns="{MAIN}"><fonts count="2">'
    '<font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')


def column_letter(number: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def text(value: str) -> str:
    """Cell text made safe: neutralised, only characters XML carries, at most a cell's length."""
    return NOT_XML.sub("\ufffd", neutralise(value, line=False))[:CELL_CHARACTERS]


def _cell(ref: str, value, style: str = "") -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        value = text(str(value))
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>'
    if isinstance(value, float) and not math.isfinite(value):
        return _cell(ref, str(value), style)
    number = str(value) if isinstance(value, int) else repr(value).upper()
    return f'<c r="{ref}"{style}><v>{number}</v></c>'


def sheet_parts(header: list[str], rows: Iterable[list], widths: list[float]) -> Iterator[str]:
    """The sheet's XML in pieces: the frozen bold `header`, then `rows` (None: an empty cell)."""
    letters = [column_letter(n) for n in range(1, len(header) + 1)]
    yield HEAD + f'<worksheet xmlns="{MAIN}"><sheetViews><sheetView workbookViewId="0">'
    yield ('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
           '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
           '<sheetFormatPr defaultRowHeight="15"/><cols>')
    yield "".join(f'<col min="{n}" max="{n}" width="{w:g}" customWidth="1"/>'
                  for n, w in enumerate(widths, start=1))
    yield '</cols><sheetData><row r="1">'
    yield "".join(_cell(f"{c}1", v, ' s="1"') for c, v in zip(letters, header, strict=True))
    yield "</row>"
    for number, row in enumerate(rows, start=2):
        cells = "".join(_cell(f"{c}{number}", v) for c, v in zip(letters, row, strict=True)
                        if v is not None)
        yield f'<row r="{number}">{cells}</row>'
    yield "</sheetData></worksheet>"


def workbook(title: str, header: list[str], rows: Iterable[list], widths: list[float],
             date_time: tuple[int, int, int, int, int, int]) -> bytes:
    """A one-sheet workbook, every zip entry dated `date_time`; the sheet is streamed into the
    zip as it is written, never held whole."""
    book = HEAD + (f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets>'
                   f'<sheet name={quoteattr(text(title))} sheetId="1" r:id="rId1"/>'
                   '</sheets></workbook>')
    parts = [("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", PACKAGE_RELS),
             ("docProps/core.xml", CORE), ("xl/workbook.xml", book),
             ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS), ("xl/styles.xml", STYLES)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in [*parts, ("xl/worksheets/sheet1.xml", None)]:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with archive.open(info, "w") as entry:
                for piece in [xml] if xml is not None else sheet_parts(header, rows, widths):
                    entry.write(piece.encode("utf-8"))
    return buffer.getvalue()
