"""The download files: every resource as CSV, JSON and XLSX, and the whole package as one zip.

Made for Excel as well as for data tools: a table's CSV download starts with a UTF-8 byte order
mark, so that Excel on a Chinese Windows reads it as UTF-8; the zip holds the package's own files
unchanged. The XLSX has Chinese headers (amounts with their unit), the name beside every code,
a frozen header row and columns as wide as their contents.

Every file is reproducible (sorted keys, fixed zip timestamps, fixed workbook dates), so two builds
of the same data give the same bytes and the same sha256 on the downloads page. Tables are
streamed row by row, never held in memory whole; a table longer than an Excel sheet gets no XLSX
(the downloads page says why). Converted files are cached under the fingerprint of their source,
this module's code and the library versions (`generator.cache.fingerprint`).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import os
import shutil
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from itertools import chain
from json.encoder import encode_basestring
from pathlib import Path
from typing import IO

import pandas as pd

from generator.cache import file_digest, fingerprint, replacing, use
from generator.package.load import DESCRIPTOR, POLICY, Package
from generator.package.text import identifier, sheet_title
from generator.site import xlsx
from generator.site.archive import Archive

FOLDER = "downloads"
JSON_TYPES = {"integer": int, "number": float}
EXCEL_SHEET_ROWS = 1_048_576  # rows of one Excel worksheet, the header row included
BOM = b"\xef\xbb\xbf"
WIDTH_ROWS = 1000  # column widths are fitted to the header and the first rows
BLOCK_ROWS = 20_000  # rows converted at a time


def _zip(entries: Sequence[tuple[str, bytes | Callable[[], IO[bytes]]]],
         target: IO[bytes]) -> None:
    """Write to `target` a zip of (name, bytes) with stable bytes (generator.site.archive). An
    entry given as a function opening it is copied in chunks, never held whole."""
    with Archive(target) as archive:
        for name, data in entries:
            archive.add(name, [data] if isinstance(data, bytes) else _chunks(data))


def _chunks(opener: Callable[[], IO[bytes]]) -> Iterator[bytes]:
    with opener() as source:
        yield from iter(partial(source.read, 1 << 20), b"")


def _header(path: Path) -> list[str]:
    """The header row of a CSV file."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle), [])


def _blocks(source: Path) -> tuple[list[str], Iterator[list[list[str]]]]:
    """The header of a CSV file, and its rows BLOCK_ROWS at a time as columns of texts: the
    file is parsed once for both the JSON and the XLSX, by pandas' C parser (every cell a text
    as written, an empty cell empty; a short row would be padded with empty cells, but the
    package's validation rejects such a file before anything is published)."""
    header = _header(source)

    def blocks() -> Iterator[list[list[str]]]:
        try:
            reader = pd.read_csv(source, encoding="utf-8-sig", dtype=str, header=None,
                                 skiprows=1, na_filter=False, chunksize=BLOCK_ROWS)
        except pd.errors.EmptyDataError:  # the header alone
            return
        with reader:
            for chunk in reader:
                if chunk.shape[1] != len(header):
                    raise ValueError(f"{source.name}: a row of {chunk.shape[1]} cells")
                yield [column.tolist() for _, column in chunk.items()]

    return header, blocks()


NOT_FINITE = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}  # as json.dumps writes them


def _json_values(kind: type, values: list[str]) -> list[str]:
    """The JSON text of each value of a column, as json.dumps writes it; empty: null."""
    if kind is str:
        return [encode_basestring(v) if v != "" else "null" for v in values]
    if kind is int:
        return [str(int(v)) if v != "" else "null" for v in values]
    texts = [repr(float(v)) if v != "" else "null" for v in values]
    return [NOT_FINITE.get(t, t) for t in texts]


def write_json(fields: list[dict], header: list[str], blocks: Iterable[list[list[str]]],
               rows: int, out: IO[str]) -> Iterator[list[list[str]]]:
    """Pass on each block of `blocks` (a CSV's rows as columns) once its rows are written to
    `out`: a JSON array of objects, one a line, typed by the schema, empty cells null; the
    array is closed after the last block, which must make `rows` rows. The same bytes as
    json.dumps(ensure_ascii=False) of each row, made a column at a time: a fifth of the CPU."""
    kinds = {f["name"]: JSON_TYPES.get(f["type"], str) for f in fields}
    count = 0
    out.write("[")
    for columns in blocks:
        size = len(columns[0])
        parts: list[list[str]] = []
        for number, (name, values) in enumerate(zip(header, columns, strict=True)):
            opening = ", " if number else ",\n{"  # a row's first value opens its object
            parts.append([f"{opening}{encode_basestring(name)}: "] * size)
            parts.append(xlsx.each_distinct(partial(_json_values, kinds[name]), values))
        if count == 0:  # the first row of all
            parts[0][0] = "\n{" + parts[0][0][len(",\n{"):]
        parts.append(["}"] * size)
        out.write(xlsx.interleave(parts))
        count += size
        yield columns
    if count != rows:
        raise ValueError(f"{rows} rows expected, {count} read")
    out.write("\n]\n" if count else "]\n")


def write_csv(source: Path, target: Path) -> None:
    """`source` with a UTF-8 byte order mark in front (one, whether or not it had one)."""
    with source.open("rb") as src, target.open("wb") as out:
        out.write(BOM)
        head = src.read(len(BOM))
        if head != BOM:
            out.write(head)
        shutil.copyfileobj(src, out, 1 << 20)


def code_names(package: Package) -> dict[str, dict[str, str]]:
    """For every column holding the code of a table that has names (region_code, industry_code,
    insurer_code, assessor_code, found from the package's foreign keys): code → name."""
    found = {}
    for resource in package.descriptor["resources"]:
        for key in resource["schema"].get("foreignKeys", []):
            fields, ref = key["fields"], key["reference"]
            ref_fields = ref["fields"]
            if isinstance(fields, list):
                if len(fields) != 1:
                    continue
                fields, ref_fields = fields[0], ref_fields[0]
            table = package.frames.get(ref["resource"])
            if table is not None and "name" in table.columns:
                found[fields] = dict(zip(table[ref_fields].astype(str), table["name"], strict=True))
    return found


def _name_title(field: dict) -> str:
    """The header of the name column beside a code column: 行业代码 → 行业名称."""
    title = field.get("title", field["name"])
    return title.replace("代码", "名称") if "代码" in title else f"{title}名称"


@functools.lru_cache(maxsize=1 << 16)  # names and codes repeat
def _width(text: str) -> int:
    """Columns a text takes in Excel: two for a Chinese character, one for the rest."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def to_xlsx(resource: dict, header: list[str], blocks: Iterable[list[list[str]]],
            names: dict[str, dict[str, str]]) -> bytes:
    """One sheet titled in Chinese: bold, frozen Chinese headers (amounts with their unit), the
    name from `names` beside each code, numbers as numbers, text never a formula, columns
    fitted to the header and the first rows; stable bytes (generator.site.xlsx). `blocks` are
    the CSV's rows under `header` a block at a time, as columns (`_blocks`)."""
    from generator.intake.normalise import header_text  # not via the template: no openpyxl

    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    kinds = {name: JSON_TYPES.get(f["type"], str) for name, f in fields.items()}
    titles = []
    for name in header:
        titles.append(header_text(fields[name]))
        if name in names:
            titles.append(_name_title(fields[name]))

    def typed(block: list[list[str]]) -> list[list]:  # a block's columns typed, names added
        columns: list[list] = []
        for name, values in zip(header, block, strict=True):
            kind = kinds[name]
            if kind is str:
                columns.append(values if "" not in values else
                               [v if v != "" else None for v in values])
            else:
                columns.append(xlsx.each_distinct(partial(_typed, kind), values))
            if name in names:
                columns.append(list(map(names[name].get, values)))
        return columns

    typed_blocks: Iterator[list[list]] = map(typed, blocks)
    first = next(typed_blocks, None)
    widths = [_width(t) for t in titles]
    if first is not None:  # BLOCK_ROWS ≥ WIDTH_ROWS: the first block holds the rows measured
        widths = [max(w, *(_width(str(v)) for v in column[:WIDTH_ROWS]))
                  for w, column in zip(widths, first, strict=True)]
        typed_blocks = chain([first], typed_blocks)
    return xlsx.workbook(sheet_title(resource.get("title") or resource["name"]), titles,
                         typed_blocks, [min(max(w + 2, 8), 60) for w in widths])


def _typed(kind: type, values: list[str]) -> list:
    """Each text of a column of numbers as a number; empty: None."""
    if "" not in values:  # no empty cell: converted without a Python step a cell
        return list(map(kind, values))
    return [kind(v) if v != "" else None for v in values]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def convert(resource: dict, source: Path, source_sha: str, cache_dir: Path,
            names: dict[str, dict[str, str]], rows: int) -> tuple[Path, dict]:
    """The CSV with its byte order mark, the JSON and (when its `rows` fit one Excel sheet) the
    XLSX of one resource in its cache folder, converted only when no build made them from the
    same bytes (`source_sha`) and code names before; the folder and its record: rows, and the
    sha256 of each file. The CSV is parsed once for the JSON and the XLSX."""
    key = fingerprint([json.dumps(resource, sort_keys=True), source_sha,
                       json.dumps(names, sort_keys=True, ensure_ascii=False)],
                      code=(__name__, "generator.site.xlsx", "generator.site.archive"))
    folder = use(cache_dir / key)
    if (folder / "meta.json").is_file():
        return folder, json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    temporary = cache_dir / f".{folder.name}.tmp"
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir(parents=True)
    write_csv(source, temporary / "csv")
    header, blocks = _blocks(source)
    with (temporary / "json").open("w", encoding="utf-8", newline="\n") as out:
        blocks = write_json(resource["schema"]["fields"], header, blocks, rows, out)
        if rows < EXCEL_SHEET_ROWS:  # made from the blocks as the JSON is written
            (temporary / "xlsx").write_bytes(to_xlsx(resource, header, blocks, names))
        for _ in blocks:  # the JSON of the rest (all of it, without an XLSX)
            pass
    meta: dict = {"rows": rows, "sha256": {"csv": file_digest(temporary / "csv").hex(),
                                           "json": file_digest(temporary / "json").hex()}}
    if rows < EXCEL_SHEET_ROWS:
        meta["sha256"]["xlsx"] = file_digest(temporary / "xlsx").hex()
    (temporary / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(temporary, folder)
    return folder, meta


def _published(package: Package, cache_dir: Path) -> dict[str, tuple[dict, Path]]:
    """Resource name → (descriptor entry, CSV) for the resources published other than stored:
    the roster keeps only its listed fields and masks names (generator.site.roster)."""
    from generator.site import roster

    found = roster.published_resource(package, cache_dir)
    return {} if found is None else {roster.RESOURCE: found}


def package_zip(package: Package, cache_dir: Path,
                published: dict[str, tuple[dict, Path]] | None = None) -> Path:
    """The whole package as one zip, cached by the content of its files; `published` resources
    replace their stored CSV and descriptor entry."""
    published = published or {}
    descriptor = dict(package.descriptor, resources=[
        published.get(r["name"], (r,))[0] for r in package.descriptor["resources"]])
    sources = {r["path"]: published.get(r["name"], (r, package.root / r["path"]))[1]
               for r in package.descriptor["resources"]}
    contents = {DESCRIPTOR: (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode(
        "utf-8") if published else (package.root / DESCRIPTOR).read_bytes(),
        POLICY: (package.root / POLICY).read_bytes()}
    names = [DESCRIPTOR, POLICY, *sources]
    key = fingerprint([f"{DESCRIPTOR}\0{_sha(contents[DESCRIPTOR])}",
                       f"{POLICY}\0{_sha(contents[POLICY])}"]
                      + [f"{name}\0{file_digest(path).hex()}" for name, path in sources.items()],
                      code=(__name__, "generator.site.archive"))
    cached = use(cache_dir / f"package-{key}.zip")
    if not cached.is_file():  # written to the file a source at a time, never held whole
        with replacing(cached) as temporary, temporary.open("wb") as out:
            _zip([(name, contents[name] if name in contents else
                   partial(sources[name].open, "rb")) for name in names], out)
    return cached


def write_downloads(package: Package, docs_dir: Path, cache_dir: Path) -> list[dict]:
    """Write the download files under `docs_dir/downloads/`; return one entry a resource (and
    the package zip) with its formats, paths and sha256 for the downloads page.

    `xlsx_left_out` is Excel's sheet size when a table is too long for it (no XLSX then), else
    None. Converted files are cached by the sha256 of their source CSV.
    """
    out = docs_dir / FOLDER
    out.mkdir(parents=True, exist_ok=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    entries = []
    names = code_names(package)
    published = _published(package, cache_dir)  # the roster as published, not as stored
    for resource in package.descriptor["resources"]:
        resource, source = published.get(resource["name"],
                                         (resource, package.root / resource["path"]))
        fields = {f["name"] for f in resource["schema"]["fields"]}
        folder, meta = convert(resource, source, file_digest(source).hex(), cache_dir,
                               {k: v for k, v in names.items() if k in fields},
                               len(package.frames[resource["name"]]))
        files = []
        for fmt, suffix in (("CSV", "csv"), ("JSON", "json"), ("XLSX", "xlsx")):
            if suffix not in meta["sha256"]:
                continue
            path = f"{FOLDER}/{identifier(resource['name'])}.{suffix}"
            _place(folder / suffix, docs_dir / path, link=True)
            files.append({"format": fmt, "path": path, "sha256": meta["sha256"][suffix]})
        entries.append({"name": resource["name"], "title": resource.get("title", resource["name"]),
                        "rows": meta["rows"], "files": files,
                        "xlsx_left_out": None if "xlsx" in meta["sha256"] else EXCEL_SHEET_ROWS})
    bundle = package_zip(package, cache_dir, published)
    path = f"{FOLDER}/{identifier(package.descriptor.get('name', 'data'))}.zip"
    _place(bundle, docs_dir / path, link=True)
    entries.append({"name": "package", "title": "完整数据包(全部数据表、数据说明和政策参数)",
                    "rows": sum(e["rows"] for e in entries), "xlsx_left_out": None,
                    "files": [{"format": "ZIP", "path": path,
                               "sha256": file_digest(bundle).hex()}]})
    return entries


def _place(origin: Path, target: Path, link: bool) -> None:
    """Put a copy of `origin` at `target`: a hard link to a cache file (no bytes copied) where
    the file system allows, else a copy; an identical file already there is left alone."""
    if target.is_file():
        if os.path.samefile(origin, target):
            return
        if target.stat().st_size == origin.stat().st_size and \
                target.read_bytes() == origin.read_bytes():
            return
        target.unlink()
    if link:
        try:
            os.link(origin, target)
            return
        except OSError:
            pass
    shutil.copyfile(origin, target)
