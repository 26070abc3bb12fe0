"""Read a data package without trusting it: descriptor, resource paths, encoding and header.

Nothing here raises for bad data: every defect becomes a Problem, and a resource that cannot be
read safely is left out of the later stages. Only a missing package is a ConfigurationError.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator.package.encoding import CHINESE_ENCODINGS, detect
from generator.package.load import DESCRIPTOR, package_root
from generator.package.names import primary_key
from generator.package.safe import UnsafeFile, check_package_file, read_package_file
from generator.package.safe import unsafe_path_reason as unsafe_path_reason
from generator.package.text import CELL_FORBIDDEN, code_point, describe, visible
from generator.validate.report import ConfigurationError, Problem
from generator.validate.rules.base import problem
from generator.validate.rules.descriptor import (
    MAX_DEPTH,
    depth,
    descriptor_problems,
    duplicate_keys,
    too_large,
)

if TYPE_CHECKING:  # pandas is imported by `parse_rows`, so reading a header stays light
    import pandas as pd



@dataclass
class Table:
    """A resource whose file was read safely and whose header matches its schema."""

    name: str
    path: str
    fields: list[dict]
    primary_key: list[str]
    data: bytes  # the file: UTF-8 (a national roster is 372 MB so, 600 MB as Python text)


def locate_package(path: str | Path) -> Path:
    """The package folder for a folder or descriptor path; ConfigurationError when absent."""
    root = package_root(path)
    if not Path(path).exists():
        raise ConfigurationError(f"路径不存在:{path}")
    if not (root / DESCRIPTOR).is_file():
        raise ConfigurationError(f"{root} 中没有 {DESCRIPTOR},请指定数据目录或描述文件")
    return root


def read_descriptor(root: Path) -> tuple[dict | None, list[Problem]]:
    """The parsed descriptor, or None with the problems that prevent using it."""
    try:
        data = read_package_file(root, DESCRIPTOR)
    except UnsafeFile as exc:
        return None, [too_large(str(exc), "refused before reading")]
    try:
        descriptor = json.loads(data.decode("utf-8-sig"), object_pairs_hook=duplicate_keys)
    except RecursionError:
        return None, [too_large(f"嵌套超过 {MAX_DEPTH} 层", f"nests deeper than {MAX_DEPTH}")]
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f"(第 {exc.lineno} 行第 {exc.colno} 列)" if isinstance(
            exc, json.JSONDecodeError) else "(不是 UTF-8 编码)"
        hint = "文件为空" if not data.strip() else f"无法解析{where}"
        return None, [problem("descriptor-invalid-json", DESCRIPTOR, file=DESCRIPTOR, hint=hint)]
    if depth(descriptor) > MAX_DEPTH:
        return None, [too_large(f"嵌套超过 {MAX_DEPTH} 层", f"nests deeper than {MAX_DEPTH}")]
    problems = _descriptor_shape(descriptor) or descriptor_problems(descriptor)
    return (None if problems else descriptor), problems


def _descriptor_shape(descriptor: object) -> list[Problem]:
    """The structure every later stage relies on: resources with a name, a path and fields."""
    def bad(variant: str, **values) -> list[Problem]:
        return [problem("descriptor-invalid", DESCRIPTOR, variant=variant, file=DESCRIPTOR,
                        **values)]

    if not isinstance(descriptor, dict):
        return bad("not-object")
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        return bad("no-resources")
    for i, resource in enumerate(resources):
        if not isinstance(resource, dict) or not isinstance(resource.get("name"), str):
            return bad("no-name", number=i + 1)
        schema = resource.get("schema")
        fields = schema.get("fields") if isinstance(schema, dict) else None
        if not isinstance(fields, list) or not fields or not all(
                isinstance(f, dict) and isinstance(f.get("name"), str) for f in fields):
            return bad("no-fields", name=visible(resource["name"]))
    return []


CHUNK = 1 << 24  # bytes of a file decoded at a time


def pieces(data: bytes) -> Iterator[str]:
    """The text of `data` (a UTF-8 BOM dropped), CHUNK bytes at a time: never the whole file as
    Python text; UnicodeDecodeError when it is not UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    for start in range(0, len(data), CHUNK):
        yield decoder.decode(data[start:start + CHUNK], final=start + CHUNK >= len(data))


def text_problems(data: bytes, fields: list[dict], file: str) -> list[Problem]:
    """One problem saying how to re-save a file that is not UTF-8 text, else one for each cell
    holding a character the text policy refuses; none for a good file."""
    def refuse(rule: str, variant: str = "", **values) -> list[Problem]:
        return [problem(rule, file, variant=variant, file=file, **values)]

    body = data.lstrip(codecs.BOM_UTF8)
    if not body or body.isspace():  # (strip() would copy the file)
        return refuse("file-empty")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        return refuse("file-not-text", "workbook")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return refuse("encoding-not-utf8", "utf16")
    if b"\x00" in data[:65536]:
        return refuse("file-not-text")
    suspect = False  # a piece holds a refused character: the cells are searched (a rare case)
    try:
        for text in pieces(data):
            suspect = suspect or not printable(text) and bool(CELL_FORBIDDEN.search(text))
    except UnicodeDecodeError:
        encoding = detect(data) or ""
        if encoding in CHINESE_ENCODINGS or not encoding:
            name = "GBK/GB18030(Excel 默认的“CSV(逗号分隔)”)"
        else:
            name = encoding
        return refuse("encoding-not-utf8", name=name, encoding=encoding or "GBK/GB18030")
    return forbidden_cells(data.decode("utf-8-sig"), fields, file) if suspect else []


def check_header(labels: list[str], fields: list[dict], file: str) -> list[Problem]:
    """One problem per wrong, missing, extra or repeated column name."""
    names = [f["name"] for f in fields]
    titles = {f["name"]: f.get("title", "") for f in fields}
    order = problem("incorrect-label", file, row=1, names=",".join(names))
    problems = [problem("duplicate-label", file, row=1, column=label, fields=fields, label=label)
                for label in sorted({x for x in labels if labels.count(x) > 1})]
    if problems or labels == names:
        return problems
    if sorted(labels) == sorted(names):
        return [order]
    if len(labels) == len(names):
        problems = [problem("incorrect-label", file, row=1, column=name, fields=fields,
                            variant="renamed", label=label, name=name, title=titles[name])
                    for name, label in zip(names, labels, strict=True)
                    if name != label and label not in names and name not in labels]
        if problems:
            return problems
    problems = [problem("missing-label", file, row=1, column=name, fields=fields, name=name,
                        title=titles[name]) for name in names if name not in labels]
    problems += [problem("extra-label", file, row=1, column=label, label=label)
                 for label in labels if label not in names]
    return problems or [order]


def _read_csv(data: bytes, names: list[str], numeric: list[str]) -> pd.DataFrame:
    import pandas as pd

    with warnings.catch_warnings():
        # rows with extra cells are cut to the header's width; Frictionless reports them
        warnings.simplefilter("ignore", pd.errors.ParserWarning)
        # the header line (and a BOM with it) is replaced by `names`
        return pd.read_csv(io.BytesIO(data), header=0, names=names, index_col=False,
                           dtype={n: ("float64" if n in numeric else str) for n in names},
                           keep_default_na=False, na_values={n: [""] for n in numeric},
                           skip_blank_lines=False)


def parse_rows(data: bytes, fields: list[dict]) -> pd.DataFrame | None:
    """Every data row, one per CSV row (blank rows kept so positions match lines).

    Numeric columns are parsed by pandas when every cell is a plain number; otherwise every
    column stays text and the rules' typing reports what pandas cannot read.
    """
    import pandas as pd

    names = [f["name"] for f in fields]
    numeric = [f["name"] for f in fields if f.get("type") in ("integer", "number")]
    try:
        try:
            frame = _read_csv(data, names, numeric)
        except ValueError:
            frame = _read_csv(data, names, [])
    except (pd.errors.ParserError, ValueError):
        return None
    text_columns = [n for n in names if n not in numeric or frame[n].dtype == object]
    frame[text_columns] = frame[text_columns].fillna("")
    return frame


def safe_resources(root: Path, descriptor: dict) -> tuple[list[dict], list[Problem]]:
    """The resources whose path may be opened (a regular file inside the package, or a missing
    one: reported when read); one problem for each other one. Nothing is opened here."""
    safe, problems = [], []
    for resource in descriptor["resources"]:
        path = resource.get("path")
        try:
            check_package_file(root, path)
        except FileNotFoundError:
            pass
        except UnsafeFile as exc:
            problems.append(problem("resource-path-unsafe", DESCRIPTOR, name=resource["name"],
                                    path=repr(visible(path)), reason=exc))
            continue
        safe.append(resource)
    return safe, problems


def forbidden_cells(text: str, fields: list[dict], file: str) -> list[Problem]:
    """One problem for each cell holding a character the text policy refuses (file, row, column
    and code point); the whole text is searched first, so clean files cost one pass."""
    if printable(text) or not CELL_FORBIDDEN.search(text):
        return []
    names = [f["name"] for f in fields]
    problems = []
    for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        for position, cell in enumerate(row):
            match = CELL_FORBIDDEN.search(cell)
            if match:
                kind, kind_en = describe(match.group())
                column = names[position] if position < len(names) else None
                problems.append(problem("text-forbidden-char", file, row=number, column=column,
                                        fields=fields, where="", code=code_point(match.group()),
                                        kind=kind, kind_en=kind_en))
    return problems


def printable(text: str) -> bool:
    """Whether every character of `text` but its line breaks is printable: then it holds none the
    text policy refuses (each is a control, format, surrogate or unassigned character). A tenth
    of the time of searching it with CELL_FORBIDDEN, whose ranges are slow on Chinese text."""
    return text.replace("\n", "").replace("\r", "").isprintable()


def _lines(data: bytes) -> Iterator[str]:
    """The lines of UTF-8 `data` (a BOM dropped), each up to and with its "\\n", one at a time:
    the header is read without decoding the whole file."""
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    while start < len(data):
        end = data.find(b"\n", start) + 1 or len(data)
        yield data[start:end].decode("utf-8")
        start = end


def read_tables(root: Path, resources: list[dict]) -> tuple[list[Table], list[Problem]]:
    """Read every (safe) resource's file and check its header; refuse unreadable files with one
    problem each. The rows are parsed later, by `parse_rows`."""
    tables, problems = [], []
    for resource in resources:
        path, fields = resource["path"], resource["schema"]["fields"]
        file = path
        try:
            data = read_package_file(root, path)
        except FileNotFoundError:
            problems.append(problem("file-missing", file, path=path, name=resource["name"]))
            continue
        except UnsafeFile as exc:
            problems.append(problem("resource-path-unsafe", DESCRIPTOR, variant="unreadable",
                                    name=resource["name"], path=path, reason=exc))
            continue
        refused = text_problems(data, fields, file)
        if refused:
            problems.extend(refused)
            continue
        labels = next(csv.reader(_lines(data)), [])
        header = check_header(labels, fields, file)
        if header:
            problems.extend(header)
            continue
        tables.append(Table(resource["name"], path, fields, primary_key(resource), data))
    return tables, problems
