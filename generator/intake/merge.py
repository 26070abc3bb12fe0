"""Merging imported rows into a resource's CSV by primary key, in the file's own order and style."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from generator.package.names import primary_key


@dataclass
class SourceRow:
    """A canonical row and the sheet row (1-based) it came from."""

    values: dict[str, str]
    sheet_row: int


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
    tagged: list[tuple[dict[str, str], int | None]] = [(row, None) for row in kept]
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


