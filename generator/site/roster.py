"""The published roster and the lookup's static index.

`published` keeps only the fields policy.yaml lists and masks the names registered by a person;
everything the site and the downloads show of the roster comes from it. `lookup_files` splits it
into small JSON files so that one lookup fetches three of them: the index (names of counties,
industries and insurers, and how many units each two-character piece of a name finds), one
shard by the code's last character, or one shard by a piece of the name.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import partial
from json.encoder import encode_basestring
from pathlib import Path

import numpy as np
import pandas as pd

from generator import cache
from generator.cache import file_digest, fingerprint
from generator.package.load import Package

RESOURCE = "enterprises"
PAGE = "lookup/index.md"
FOLDER = "lookup/data"
NAME_SHARD_LIMIT = 4000  # a piece of a name found in more units than this gets no shard
CODE_SHARD_ROWS = 200_000  # up to this many units, codes are sharded by their last character
CHUNK_ROWS = 50_000  # rows of the roster turned into Python objects at a time
PAIRED_NAMES = 1 << 17  # names whose characters `name_pieces` pairs at once


_made: list[tuple[Package, pd.DataFrame | None]] = []  # the last package's published roster


def published(package: Package) -> pd.DataFrame | None:
    """The roster as published: the listed fields in their order, names masked (None when the
    package has no roster). Made once a package; callers do not change it."""
    if _made and _made[0][0] is package:
        return _made[0][1]
    frame = package.frames.get(RESOURCE)
    shown = None
    if frame is not None:
        policy = package.policy
        shown = frame[[f for f, _ in policy.roster_fields if f in frame.columns]].copy()
        if "name" in shown.columns:
            shown["name"] = policy.masked_names(frame["name"], frame["uscc"])
    _made[:] = [(package, shown)]
    return shown


def inputs_key(package: Package, *extra: str) -> str:
    """The cache key of what is made from the roster: the bytes of the files it is read from
    (descriptor, policy, the roster and the tables it names), the code that reads and publishes
    it, and `extra`."""
    from generator.package.load import DESCRIPTOR, POLICY, resource_by_name

    names = [DESCRIPTOR, POLICY] + [resource_by_name(package.descriptor, r)["path"]
                                    for r in (RESOURCE, "regions", "industries", "insurers")]
    return fingerprint([f"{name}\0".encode() + file_digest(package.root / name) for name in names]
                       + list(extra), code=(__name__, "generator.package"))


def _text(value) -> str | None:
    if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.strftime("%Y-%m-%d") if isinstance(value, pd.Timestamp) else str(value)


def _pieces(name: str) -> set[str]:
    return {name[i:i + 2] for i in range(len(name) - 1)}


def name_pieces(names: list[str], block: int = PAIRED_NAMES) -> dict[str, array]:
    """Each two-character piece of the names (`_pieces`) → the numbers of the names holding
    it, ascending; pieces in code point order. The names' characters are paired as numbers in
    arrays, not as strings name by name (a province's roster holds 1.6 million pairs), `block`
    names at a time (a national roster alone: peak 349 MB, against 1,819 MB for its 36
    million pairs at once)."""
    found: dict[str, array] = defaultdict(partial(array, "I"))
    for first in range(0, len(names), block):
        for piece, rows in _block_pieces(names[first:first + block], first):
            found[piece].frombytes(rows)
    return dict(sorted(found.items()))


def _block_pieces(names: list[str], first: int) -> Iterator[tuple[str, bytes]]:
    """`name_pieces` of a block of names numbered from `first`: each piece and its names'
    numbers as native unsigned ints, ascending."""
    lengths = np.fromiter(map(len, names), dtype=np.int64, count=len(names))
    points = np.frombuffer("".join(names).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    row = np.repeat(np.arange(len(names), dtype=np.int64), lengths)
    paired = row[:-1] == row[1:]  # a character and the next one of the same name
    pairs = (points[:-1][paired] << 21) | points[1:][paired]  # a code point is below 2**21
    distinct = _distinct(pairs)
    # each (piece, name) once, by piece then name
    held = _distinct(np.searchsorted(distinct, pairs) * len(names) + row[:-1][paired])
    piece_of, row_of = np.divmod(held, len(names))
    numbers = (row_of + first).astype(np.uintc)
    bounds = np.searchsorted(piece_of, np.arange(len(distinct) + 1)).tolist()
    for pair, start, end in zip(distinct.tolist(), bounds[:-1], bounds[1:], strict=True):
        yield chr(pair >> 21) + chr(pair & 0x1FFFFF), numbers[start:end].tobytes()


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, ascending: `np.unique`, which takes fifty times a sort's time with
    numpy 2.4 (a province's 1.6 million pieces: 2.1 s against 0.04 s)."""
    if not len(values):
        return values
    ordered = np.sort(values)
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def lookup_files(roster: pd.DataFrame, package: Package, as_of: str) -> dict[str, bytes]:
    """Path under the site → bytes of every lookup file (pure: no I/O)."""
    return dict(lookup_items(roster, package, as_of))


def _texts(roster: pd.DataFrame, place: dict[str, dict]) -> Iterator[bytes]:
    """Every unit's record serialised, a slice of rows at a time (never the whole roster as
    Python objects): code, name, then the index of its region, industry and insurer in
    `place`, insured (1, 0 or null) and its dates."""
    names = ("uscc", "name", "region_code", "industry_code", "insured", "insurer_code",
             "policy_start", "policy_end", "required_since")
    for first in range(0, len(roster), CHUNK_ROWS):
        part = roster.iloc[first:first + CHUNK_ROWS]
        column = {c: part[c].tolist() if c in part.columns else [None] * len(part)
                  for c in names[:1] + names[2:4] + names[5:6]}
        column |= {c: _texts_of(part, c) for c in names[1:2] + names[4:5] + names[6:]}
        insured = [None if i is None else int(i == "是") for i in column.pop("insured")]
        cells = [column["uscc"], column["name"], _places(place, "region_code", column),
                 _places(place, "industry_code", column), insured,
                 _places(place, "insurer_code", column), column["policy_start"],
                 column["policy_end"], column["required_since"]]
        for cell in zip(*map(_json_values, cells), strict=True):  # `_json` of each record
            yield f"[{','.join(cell)}]".encode()


def _places(place: dict[str, dict], name: str, column: dict[str, list]) -> list[int | None]:
    return list(map(place[name].get, column[name]))


def _json_values(values: list) -> list[str]:
    """`_json` of each value (a text, an int or None), a column at a time."""
    return [encode_basestring(v) if isinstance(v, str) else "null" if v is None else str(v)
            for v in values]


def _texts_of(part: pd.DataFrame, name: str) -> list[str | None]:
    """`_text` of every value of a column, a whole column at a time for dates and strings."""
    if name not in part.columns:
        return [None] * len(part)
    column = part[name]
    if pd.api.types.is_datetime64_any_dtype(column):
        column = column.dt.strftime("%Y-%m-%d")
    elif not pd.api.types.is_string_dtype(column) or column.dtype == object:
        return [_text(value) for value in column.tolist()]
    missing = column.isna().tolist()
    return [None if gone else value for value, gone in zip(column.tolist(), missing, strict=True)]


def lookup_items(roster: pd.DataFrame, package: Package, as_of: str
                 ) -> Iterator[tuple[str, bytes]]:
    """(path under the site, bytes) of every lookup file, made one at a time: the shards hold
    row numbers until their file is made."""
    frames = package.frames
    regions = frames["regions"].sort_values("display_order")
    industries = frames["industries"].sort_values("display_order")
    insurers = frames["insurers"].sort_values("display_order")
    place = {"region_code": {c: n for n, c in enumerate(regions["code"])},
             "industry_code": {c: n for n, c in enumerate(industries["code"])},
             "insurer_code": {c: n for n, c in enumerate(insurers["code"])}}
    texts, ends = bytearray(), array("Q")  # each record serialised once, for every shard it is in
    for text in _texts(roster, place):  # kept end to end in one buffer, not as 1 object a row
        texts += text
        ends.append(len(texts))
    view = memoryview(texts)

    def shard(rows: array) -> bytes:
        return _array([view[ends[n - 1] if n else 0:ends[n]] for n in rows])

    width = 1 if len(ends) <= CODE_SHARD_ROWS else 2  # 31 or 961 code shards
    by_code: dict[str, array] = defaultdict(partial(array, "I"))
    for n, code in enumerate(roster["uscc"].tolist()):
        by_code[code[-width:]].append(n)
    by_piece = name_pieces([name or "" for name in _texts_of(roster, "name")])
    index = {
        "as_of": as_of,
        "limit": NAME_SHARD_LIMIT,
        "code_width": width,
        "regions": regions["name"].tolist(),
        "industries": [[r["name"], r["lead_department"]] for _, r in industries.iterrows()],
        "insurers": insurers["short_name"].tolist(),
        "pieces": {p: len(found) for p, found in sorted(by_piece.items())},
    }
    yield f"{FOLDER}/index.json", _json(index)
    for char, found in by_code.items():
        yield f"{FOLDER}/code-{char}.json", shard(found)
    for piece, found in by_piece.items():
        if len(found) <= NAME_SHARD_LIMIT:
            yield f"{FOLDER}/name-{piece_key(piece)}.json", shard(found)


def piece_key(piece: str) -> str:
    """The file name part of a two-character piece: its code points in hex (lookup.js agrees)."""
    return "-".join(f"{ord(c):x}" for c in piece)


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _array(items: list[bytes] | list[memoryview]) -> bytes:
    """A JSON array of already serialised items: the bytes `_json` gives for the list."""
    return b"[" + b",".join(items) + b"]"


def uninsured(roster: pd.DataFrame | None, industry_names: dict) -> dict[str, list[dict]]:
    """Region code → the units of that county still uninsured (name, industry, required
    since), by industry and name; one pass over the roster for every county."""
    if roster is None or "insured" not in roster.columns:
        return {}
    found = {}
    left = roster[roster["insured"] != "是"]
    for code, rows in left.groupby("region_code", sort=False):
        rows = rows.sort_values(["industry_code", "name"])
        since = rows["required_since"] if "required_since" in rows.columns \
            else [None] * len(rows)
        found[code] = [{"name": name, "industry": industry_names.get(industry, ""),
                        "since": when} for name, industry, when in
                       zip(rows["name"], rows["industry_code"], since, strict=True)]
    return found


def prepare_lookup(package: Package, as_of: str, cache_dir: Path) -> Path | None:
    """The cache folder holding the lookup files of this roster (made once for the same inputs,
    `inputs_key`: see `_store`); None when the package has no roster. The files are static
    JSON that MkDocs need not see: `place_lookup` writes them into the built site."""
    if package.frames.get(RESOURCE) is None:
        return None
    folder = cache.use(cache_dir / f"lookup-{inputs_key(package, as_of)}")
    assert folder is not None
    if not (folder / FILES).is_file():
        _store(folder, lookup_items(published(package), package, as_of))  # never all held
    return folder


FILES, DATA = "files.json", "data"  # a stored lookup: each file's path and size; their bytes


def place_lookup(folder: Path | None, site_dir: Path, previous: Path | None = None) -> int:
    """Put the lookup files kept in `folder` (see `_store`) into `site_dir`; how many.
    Never a link to the cache: a file of the site changed in place must not change the cache
    the next build takes it from. A file that the site `site_dir` replaces (`previous`) holds
    with the same bytes is linked from there instead of written: that site is deleted once the
    new one is in place, and a new file costs the file system more than reading two."""
    if folder is None:
        return 0
    files = json.loads((folder / FILES).read_text(encoding="utf-8"))
    parents = {Path(path).parent for path, _ in files}
    for parent in sorted(parents):
        (site_dir / parent).mkdir(parents=True, exist_ok=True)
    old = previous.resolve() if previous is not None else None
    # links only from the old site's own folders, never through a symbolic link out of it
    linkable = {p for p in parents if old is not None and (old / p).resolve() == old / p}
    with (folder / DATA).open("rb") as data:
        for path, size in files:
            content = data.read(size)
            if not (Path(path).parent in linkable
                    and _linked(old / path, content, site_dir / path)):
                (site_dir / path).write_bytes(content)
    return len(files)


def _linked(old: Path, content: bytes, target: Path) -> bool:
    """Link `old` at `target` when it is a file of no other name holding `content` (so that the
    new site's file has no other name once the old site is gone); whether it did."""
    try:
        found = old.lstat()
        if (not stat.S_ISREG(found.st_mode) or found.st_nlink != 1
                or found.st_size != len(content) or old.read_bytes() != content):
            return False
        os.link(old, target, follow_symlinks=False)
    except OSError:  # no such file, or no links here
        return False
    return True


def _store(folder: Path, files: Iterable[tuple[str, bytes]]) -> None:
    """Keep `files` in the cache folder `folder`, whole or not at all (a rename at the end): their
    bytes one after the other in one file, and the path and size of each in order: creating a
    file costs more than writing its bytes (about 1 ms of system CPU each on the 2-core build
    machine, 0.4 s for a province's 516 files)."""
    temporary = folder.with_name(f".{folder.name}.tmp")
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir(parents=True)
    listed = []
    with (temporary / DATA).open("wb") as out:
        for path, data in files:
            out.write(data)
            listed.append((path, len(data)))
    (temporary / FILES).write_text(json.dumps(listed), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(temporary, folder)


def published_resource(package: Package, cache_dir: Path) -> tuple[dict, Path] | None:
    """The roster as the downloads publish it: its descriptor entry reduced to the listed fields,
    and a CSV of the published rows (names masked) in `cache_dir`, made once for the same
    inputs (`inputs_key`)."""
    shown = published(package)
    if shown is None:
        return None
    resource = json.loads(json.dumps(next(
        r for r in package.descriptor["resources"] if r["name"] == RESOURCE)))
    schema = resource["schema"]
    schema["fields"] = [f for f in schema["fields"] if f["name"] in shown.columns]
    schema["foreignKeys"] = [k for k in schema.get("foreignKeys", [])
                             if k["fields"] in shown.columns]
    resource["description"] = (resource.get("description", "") + "本文件只含 policy.yaml 列出的"
                               "公开字段;以本人姓名登记的个体工商户,名称已遮盖。")
    path = cache.use(cache_dir / f"published-{RESOURCE}-{inputs_key(package)[:16]}.csv")
    if not path.is_file():
        text = shown.assign(**{c: shown[c].dt.strftime("%Y-%m-%d") for c in shown.columns
                               if pd.api.types.is_datetime64_any_dtype(shown[c])})
        with cache.replacing(path) as temporary:  # written straight to the file, not a string
            text.to_csv(temporary, index=False, lineterminator="\n", encoding="utf-8")
    return resource, path
