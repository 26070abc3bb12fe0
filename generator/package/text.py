"""The text policy: which characters text from data may hold, and how writers neutralise the rest.

One definition for every text that reaches the public or a terminal: CSV cells, descriptor texts,
`policy.yaml` texts and commit subjects. Refused everywhere: C0 and C1 control characters and DEL
(a CSV cell may hold the line breaks CSV quoting allows), noncharacters (U+FFFE, U+FFFF,
U+FDD0–U+FDEF and their kin in every plane), lone surrogates, bidirectional embeddings, overrides
and isolates, and zero-width characters (they hide a phone number from the privacy rules and a
code from its pattern; no text of this package needs one).

`validate` refuses such text with the code point named (`forbidden`); every writer also passes its
text through `neutralise` as a second line, so a value that slipped past validation stays inert.
"""

from __future__ import annotations

import re

_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17))
_SURROGATES = "\ud800-\udfff"
_BIDI = "\u202a-\u202e\u2066-\u2069"
_ZERO_WIDTH = "\u200b-\u200d\u2060\ufeff"
_BAD = _CONTROLS + _NONCHARACTERS + _SURROGATES + _BIDI + _ZERO_WIDTH

# in a CSV cell a line break is data (quoted); elsewhere (names, titles, subjects) it is not
CELL_FORBIDDEN = re.compile(f"[{_BAD}\t]")
LINE_FORBIDDEN = re.compile(f"[{_BAD}\t\n\r]")
ZERO_WIDTH = re.compile(f"[{_ZERO_WIDTH}]")

# identifiers: codes, package and resource names, file names built from data
IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")

KINDS = (
    (re.compile(f"[{_CONTROLS}\t\n\r]"), "控制字符", "control character"),
    (re.compile(f"[{_NONCHARACTERS}{_SURROGATES}]"), "非字符", "noncharacter"),
    (re.compile(f"[{_BIDI}]"), "双向文本控制符", "bidirectional control"),
    (ZERO_WIDTH, "零宽字符", "zero-width character"),
)


def code_point(char: str) -> str:
    """`U+007F` for DEL."""
    return f"U+{ord(char):04X}"


def describe(char: str) -> tuple[str, str]:
    """The Chinese and English kind of a forbidden character: 控制字符 / control character."""
    for pattern, zh, en in KINDS:
        if pattern.match(char):
            return zh, en
    return "不允许的字符", "forbidden character"


def forbidden(text: str, line: bool = True) -> str | None:
    """The first character `text` may not hold, or None; `line=False` for a CSV cell, which
    may hold line breaks."""
    match = (LINE_FORBIDDEN if line else CELL_FORBIDDEN).search(text)
    return match.group() if match else None


def neutralise(text: object, line: bool = True) -> str:
    """`text` with every forbidden character replaced by U+FFFD (line breaks by a space where
    `line`): what a writer does with text that validation should have refused."""
    text = str(text)
    if line:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    pattern = LINE_FORBIDDEN if line else CELL_FORBIDDEN
    return pattern.sub("\ufffd", text)


def visible(text: object) -> str:
    """`text` with every forbidden character shown as its escape (`\\u007f`): how a message
    quotes a value from data."""
    return LINE_FORBIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", str(text))


def is_identifier(value: object) -> bool:
    """True for a value that may name a file, a path segment, a URL part or a link target."""
    return isinstance(value, str) and IDENTIFIER.fullmatch(value) is not None


def strings(value: object, where: str = ""):
    """Every string in a JSON/YAML value, keys included, with its place (`resources[0].title`).

    Iterative, and each container once (a YAML alias is not walked again)."""
    seen: set[int] = set()
    stack = [(value, where)]
    while stack:
        item, place = stack.pop()
        if isinstance(item, str):
            yield place, item
        elif isinstance(item, dict | list) and id(item) not in seen:
            seen.add(id(item))
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            children = []
            for key, child in pairs:
                here = f"{place}[{key}]" if isinstance(item, list) else (
                    f"{place}.{key}" if place else str(key))
                if isinstance(key, str):
                    children.append((key, here))
                children.append((child, here))
            stack.extend(reversed(children))


SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")


def text_cells(book) -> None:
    """Turn every formula cell of an openpyxl workbook into a text cell (a workbook we write
    holds no formula; a value that looks like one is text)."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def sheet_title(text: str) -> str:
    """`text` as an Excel sheet title: no character Excel refuses, at most 31 characters."""
    return SHEET_TITLE_FORBIDDEN.sub("_", neutralise(text))[:31] or "Sheet"


def terminal(text: str) -> str:
    """`text` for a terminal: each line neutralised, so no escape sequence from data runs."""
    return "\n".join(neutralise(line) for line in str(text).split("\n"))


def neutralise_all(value):
    """`value` (JSON-like: dicts, lists, tuples, strings) with every string neutralised."""
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, dict):
        return {key: neutralise_all(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(neutralise_all(item) for item in value)
    return value


def identifier(value: object) -> str:
    """`value` where it names a file, path or link: ValueError unless it is an identifier (the
    second line behind validation, which refuses such names first)."""
    if not is_identifier(value):
        raise ValueError(f"{visible(value)!r} 不能用作文件名或链接")
    return value  # type: ignore[return-value]
