"""The XLSX downloads, written by XlsxWriter in constant-memory mode: one sheet, a bold frozen
header row, fitted column widths, numbers as numbers and every text as a plain string, never a
formula or a link. openpyxl's per-cell objects cost most of a cold build's download time;
XlsxWriter streams each row to disk as it is written. A fixed creation date keeps the bytes
stable from one build to the next.
"""

from __future__ import annotations

import datetime
import io
import math
import re
from collections.abc import Iterable

import xlsxwriter

from generator.package.text import neutralise

CELL_CHARACTERS = 32767  # the longest text an Excel cell holds
# characters XML 1.0 cannot carry (neutralise has replaced most of them already)
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
CREATED = datetime.datetime(2000, 1, 1)  # also dates the zip entries: stable bytes
OPTIONS = {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
           "strings_to_urls": False}


def text(value: str) -> str:
    """Cell text made safe: neutralised, only characters XML carries, at most a cell's length."""
    return NOT_XML.sub("\ufffd", neutralise(value, line=False))[:CELL_CHARACTERS]


def workbook(title: str, header: list[str], rows: Iterable[list], widths: list[float]) -> bytes:
    """A one-sheet workbook: the frozen bold `header`, then `rows` (None: an empty cell)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, OPTIONS)
    book.set_properties({"created": CREATED, "author": "azx"})
    sheet = book.add_worksheet(text(title))
    sheet.freeze_panes(1, 0)
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)
    bold = book.add_format({"bold": True})
    for column, value in enumerate(header):
        sheet.write_string(0, column, text(value), bold)
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, int | float) and not isinstance(value, bool) \
                    and math.isfinite(value):
                sheet.write_number(number, column, value)
            else:
                sheet.write_string(number, column, text(str(value)))
    book.close()
    return buffer.getvalue()
