"""The XLSX downloads: one sheet, a bold frozen header row, fitted column widths, numbers as
numbers and every text as a plain inline string, never a formula or a link.

Written here a column at a time rather than by a library a cell at a time: XlsxWriter (3.2,
constant-memory mode) spent about 5 µs of Python per cell, 50 s of a province build's 137 s CPU.
A column's cells are made as one joined string, escaped and split at once, and a value that
repeats (codes, names, months, counts) is made once; a row is then one join of its row number
and its cells' texts. A cell costs a few tenths of a microsecond, and deflating it about half
as much (zlib-ng, generator.site.archive). The cells are the ones XlsxWriter wrote (same inline
strings, same `_xHHHH_` escapes, same number format, same truncation at 32,767 UTF-16 units),
and the sheet's other elements too; the package around them is the least Excel, WPS and
LibreOffice open. Rows are written in blocks to a temporary file (the sheet's dimension, before
them, needs the last row), then deflated into the zip; fixed dates keep the bytes stable from
one build to the next.
"""

from __future__ import annotations

import io
import math
import operator
import re
import tempfile
from collections.abc import Callable, Iterable
from functools import partial
from itertools import chain, compress, repeat
from typing import IO

import numpy

from generator.package.text import CELL_FORBIDDEN, neutralise
from generator.site.archive import Archive

CELL_CHARACTERS = 32767  # the longest text an Excel cell holds, in UTF-16 units
# characters XML 1.0 cannot carry (neutralise has replaced most of them already)
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
ESCAPE_LIKE = re.compile("(_x[0-9a-fA-F]{4}_)")  # read back as a character unless escaped
CONTROL = re.compile("([\x00-\x08\x0b-\x1f])")  # written as _xHHHH_ (\r would read as \n)
SPACE_AT_EDGE = re.compile(r"^\s|\s$")
# a column of text without these (nor "_x", nor a space at a cell's edge, nor a cell longer than
# half the limit) needs only &<> escaped; one character class is scanned fastest
SLOW_TEXT = re.compile(CELL_FORBIDDEN.pattern.replace("\t]", "\t\r]"))
LONGEST = 10 ** 15  # an integer below it in size is written as "{:.16G}" writes it
SEPARATOR = "\x00"  # between the cells of a joined column; never in a neutralised text
SPACE_AFTER_SEPARATOR = re.compile(r"\x00\s")  # reversed: a space before it

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
CONTENT_TYPES = HEAD + (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
    'package.core-properties+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
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
    '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')
SHEET_END = ('</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" '
             'header="0.3" footer="0.3"/></worksheet>')


def text(value: str) -> str:
    """Cell text made safe: neutralised, only characters XML carries, at most a cell's length."""
    value = NOT_XML.sub("\ufffd", neutralise(value, line=False))[:CELL_CHARACTERS]
    if len(value) > CELL_CHARACTERS // 2:  # a character above U+FFFF takes two units
        units = 0
        for index, character in enumerate(value):
            units += 2 if ord(character) > 0xFFFF else 1
            if units > CELL_CHARACTERS:
                return value[:index]
    return value


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _text_tail(value: str) -> str:
    """What follows `<t` in a text cell: the whitespace attribute, `>`, the escaped text."""
    value = text(value)
    space = ' xml:space="preserve"' if SPACE_AT_EDGE.search(value) else ""
    value = CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", ESCAPE_LIKE.sub(r"_x005F\1", value))
    return f"{space}>{_escape(value)}"


def _text_tails(values: list[str]) -> str:
    """`_text_tail` of each value, joined by SEPARATOR; a column with nothing to neutralise (the
    usual case) is escaped as one joined string."""
    joined = SEPARATOR.join(values)
    plain = joined.replace(SEPARATOR, "")  # every forbidden character is unprintable
    edged = f"{SEPARATOR}{joined}{SEPARATOR}"
    if joined.count(SEPARATOR) != len(values) - 1 or "_x" in joined or \
            not plain.isprintable() and SLOW_TEXT.search(plain) or \
            max(map(len, values)) > CELL_CHARACTERS // 2 or \
            SPACE_AFTER_SEPARATOR.search(edged) or SPACE_AFTER_SEPARATOR.search(edged[::-1]):
        return SEPARATOR.join(map(_text_tail, values))
    return ">" + _escape(joined).replace(SEPARATOR, f"{SEPARATOR}>")


def _numbers(values: list[int | float]) -> str:
    """The finite numbers `values` as Excel holds them (16 significant digits), joined by
    SEPARATOR; integers of at most 15 digits are their own text, made faster."""
    if set(map(type, values)) == {int} and -LONGEST < min(values) and max(values) < LONGEST:
        return SEPARATOR.join(map(str, values))
    return SEPARATOR.join(map("{:.16G}".format, values))


def _wrap(values: list, texts: Callable[[list], str], opening: str, closing: str) -> list[str]:
    """The text of each value between `opening` and `closing`; `texts`: the texts of values
    joined by SEPARATOR."""
    if not values:
        return []
    joined = texts(values).replace(SEPARATOR, closing + SEPARATOR + opening)
    return f"{opening}{joined}{closing}".split(SEPARATOR)


def each_distinct(convert: Callable[[list], list], values: list) -> list:
    """`convert(values)`, each distinct value converted once when most of them repeat (codes,
    names, months, counts)."""
    distinct = dict.fromkeys(values)
    if len(distinct) * 2 > len(values):
        return convert(values)
    made = dict(zip(distinct, convert(list(distinct)), strict=True))
    return list(map(made.__getitem__, values))


def _cells(values: list, texts: Callable[[list], str], opening: str, closing: str, empty: str,
           share: bool = True) -> list[str]:
    """Each value's text (`texts`: the texts of values joined by SEPARATOR) between `opening`
    and `closing`, or `empty` for None; when equal values have equal texts (`share`), each
    distinct value's is made once (`each_distinct`)."""
    def made(values: list) -> list[str]:
        if None not in values:
            return _wrap(values, texts, opening, closing)
        present = list(map(operator.is_not, values, repeat(None)))
        cells = numpy.full(len(values), empty, dtype=object)
        cells[numpy.array(present)] = _wrap(list(compress(values, present)), texts, opening,
                                            closing)
        return cells.tolist()

    return each_distinct(made, values) if share else made(values)


def _cell(reference: str, value) -> str:
    """One cell's XML: a number, else a text (None: no cell)."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return f'<c r="{reference}"><v>{value:.16G}</v></c>'
    return f'<c r="{reference}" t="inlineStr"><is><t{_text_tail(str(value))}</t></is></c>'


def _column(letter: str, rows: list[str], values: list, after: str) -> list[str | list[str]]:
    """The XML of a column's cells in `rows`, each followed by `after`, as pieces to be zipped
    (`_lists`): lists with one piece of every row, or a text the same in every row; an empty
    cell is `after` alone. Made without a Python step per cell; a column without an empty
    cell starts with the text that opens each of its cells, so that it can end the cells of
    the column before it."""
    kinds = set(map(type, values))
    present = list(map(operator.is_not, values, repeat(None))) if type(None) in kinds else None
    kinds.discard(type(None))
    if kinds <= {int, float} and all(map(math.isfinite, values if present is None else
                                         compress(values, present))):
        # 0 == -0.0, but -0.0 is written "-0": a column of floats with a 0 shares no text
        cells = _cells(values, _numbers, '"><v>', f"</v></c>{after}", after,
                       share=float not in kinds or 0 not in values)
    elif kinds == {str}:
        cells = _cells(values, _text_tails, '" t="inlineStr"><is><t', f"</t></is></c>{after}",
                       after)
    else:
        return [[_cell(f"{letter}{n}", v) + after for n, v in zip(rows, values, strict=True)]]
    opening = f'<c r="{letter}'
    if present is None:
        return [opening, rows, cells]
    return [list(map(operator.mul, _wrap(rows, SEPARATOR.join, opening, ""), present)), cells]


def _lists(pieces: list[str | list[str]], size: int) -> list[list[str]]:
    """Pieces of `size` rows as lists to be zipped."""
    return [[piece] * size if isinstance(piece, str) else piece for piece in pieces]


def interleave(columns: list[list[str]]) -> str:
    """The texts of `columns` (lists of one length) row by row: the first of each, then the
    second of each, joined; placed in one list by slices rather than zipped into tuples."""
    width = len(columns)
    texts = [""] * (width * len(columns[0])) if columns else []
    for number, column in enumerate(columns):
        texts[number::width] = column  # a column of another length raises ValueError
    return "".join(texts)


def column_letter(number: int) -> str:
    """0 → A, 26 → AA."""
    letters = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _widths(widths: list[float]) -> str:
    """The <cols> element as XlsxWriter writes it: a width in whole pixels of Calibri 11 (7 a
    digit, 5 of padding), adjacent columns of one width as one range."""
    pixels = [int(w * 12 + 0.5) if w < 1 else int(w * 7 + 0.5) + 5 for w in widths]
    ranges: list[list[int]] = []
    for column, width in enumerate(pixels):
        if ranges and ranges[-1][2] == width and ranges[-1][1] == column - 1:
            ranges[-1][1] = column
        else:
            ranges.append([column, column, width])
    return "<cols>" + "".join(f'<col min="{a + 1}" max="{b + 1}" width='
                              f'"{(w * 256 // 7) / 256:.16g}" customWidth="1"/>'
                              for a, b, w in ranges) + "</cols>"


def _sheet_data(header: list[str], blocks: Iterable[list[list]], out: IO[bytes]) -> int:
    """Write the rows of <sheetData> to `out`: the bold `header`, then the rows of `blocks`
    (each a list of columns, a column a list of values, None for an empty cell); the number
    of the last row with a cell."""
    letters = [column_letter(n) for n in range(len(header))]
    bold = ["".join(chain.from_iterable(_lists(_column(a, ["1"], [v], ""), 1)))
            .replace('" t="', '" s="1" t="', 1) for a, v in zip(letters, header, strict=True)]
    out.write(f'<row r="1">{"".join(bold)}</row>'.encode())
    first = last = 1
    for block in blocks:
        size = len(block[0]) if block else 0
        rows = list(map(str, range(first + 1, first + 1 + size)))
        first += size
        every_row = size and None not in block[0]  # every row has a cell, in column A
        # right to left, so that the text opening a column's cells ends the cells before it
        after = "</row>" if every_row else ""
        pieces: list[str | list[str]] = []
        for letter, values in reversed(list(zip(letters, block, strict=True))):
            column = _column(letter, rows, values, after)
            opening, after = column[0], ""
            if isinstance(opening, str):
                column, after = column[1:], opening
            pieces[:0] = column
        if every_row:  # joined without a loop
            out.write(interleave(_lists(['<row r="', rows, '">' + after, *pieces], size))
                      .encode("utf-8"))
            last = first
            continue
        lines = []
        for n, cells in zip(rows, map("".join, zip(*_lists(pieces, size), strict=True)),
                            strict=True):
            if cells:
                lines.append(f'<row r="{n}">{cells}</row>')
                last = int(n)
        out.write("".join(lines).encode("utf-8"))
    return last


def workbook(title: str, header: list[str], blocks: Iterable[list[list]],
             widths: list[float]) -> bytes:
    """A one-sheet workbook titled `title`: the frozen bold `header`, then the rows of `blocks`
    (each a list of columns of one block of rows; None: an empty cell)."""
    with tempfile.TemporaryFile() as data:
        last = _sheet_data(header, blocks, data)
        data.seek(0)
        corner = f"{column_letter(len(header) - 1)}{last}"
        sheet = HEAD + (
            f'<worksheet xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><dimension ref="A1'
            f'{":" + corner if corner != "A1" else ""}"/><sheetViews><sheetView tabSelected="1" '
            'workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
            'state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/>{_widths(widths)}<sheetData>')
        book = HEAD + (f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets>'
                       f'<sheet name="{_escape(text(title)).replace(chr(34), "&quot;")}" '
                       'sheetId="1" r:id="rId1"/></sheets></workbook>')
        buffer = io.BytesIO()
        with Archive(buffer) as archive:
            for name, xml in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", PACKAGE_RELS),
                              ("docProps/core.xml", CORE), ("xl/workbook.xml", book),
                              ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
                              ("xl/styles.xml", STYLES)):
                archive.add(name, [xml.encode("utf-8")])
            archive.add("xl/worksheets/sheet1.xml", chain(
                [sheet.encode("utf-8")], iter(partial(data.read, 1 << 20), b""),
                [SHEET_END.encode()]))
    return buffer.getvalue()
