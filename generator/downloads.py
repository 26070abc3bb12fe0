"""The download files: every resource as CSV, JSON and XLSX, and the whole package as one zip.

Every file is reproducible (sorted keys, fixed zip timestamps, fixed workbook dates), so two builds
of the same data give the same bytes and the same sha256 on the downloads page.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from pathlib import Path

from openpyxl import Workbook

from generator.load import DESCRIPTOR, POLICY, Package

FOLDER = "downloads"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
JSON_TYPES = {"integer": int, "number": float}


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    """A deflated zip of (name, bytes), every entry dated 1980-01-01 so the bytes are stable."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        return header, list(reader)


def to_json(fields: list[dict], header: list[str], rows: list[list[str]]) -> bytes:
    """The rows as a JSON array of objects, typed by the schema; empty cells are null."""
    kinds = {f["name"]: JSON_TYPES.get(f["type"], str) for f in fields}
    records = [
        {name: (kinds[name](value) if value != "" else None)
         for name, value in zip(header, row, strict=True)}
        for row in rows
    ]
    return (json.dumps(records, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def to_xlsx(resource: dict, header: list[str], rows: list[list[str]]) -> bytes:
    """One sheet with Chinese titles over the field names, numbers as numbers; stable bytes."""
    fields = resource["schema"]["fields"]
    kinds = {f["name"]: JSON_TYPES.get(f["type"], str) for f in fields}
    titles = {f["name"]: f.get("title", f["name"]) for f in fields}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(resource["name"])
    sheet.append([titles[name] for name in header])
    for row in rows:
        sheet.append([kinds[n](v) if v != "" else None for n, v in zip(header, row, strict=True)])
    workbook.properties.creator = "azx"
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as source:
        entries = [(name, source.read(name)) for name in source.namelist()]
    # openpyxl stamps the clock into docProps/core.xml and the zip entries: pin both.
    entries = [(n, _pin_core_dates(d) if n == "docProps/core.xml" else d) for n, d in entries]
    return _zip(entries)


def _pin_core_dates(xml: bytes) -> bytes:
    import re

    return re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                  rb"\g<1>2000-01-01T00:00:00Z\g<3>", xml)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_downloads(package: Package, docs_dir: Path, cache_dir: Path) -> list[dict]:
    """Write the download files under `docs_dir/downloads/`; return one entry a resource (and
    the package zip) with its formats, paths and sha256 for the downloads page.

    Converted files are cached by the sha256 of their source CSV.
    """
    out = docs_dir / FOLDER
    out.mkdir(parents=True, exist_ok=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    entries = []
    for resource in package.descriptor["resources"]:
        source = package.root / resource["path"]
        raw = source.read_bytes()
        key = _sha(raw + json.dumps(resource, sort_keys=True).encode())
        cached = cache_dir / f"{key}.zip"
        if cached.is_file():
            with zipfile.ZipFile(cached) as archive:
                as_json, as_xlsx = archive.read("json"), archive.read("xlsx")
                count = int(archive.read("rows"))
        else:
            header, rows = _rows(source)
            as_json, as_xlsx, count = to_json(resource["schema"]["fields"], header, rows), \
                to_xlsx(resource, header, rows), len(rows)
            cached.write_bytes(_zip([("json", as_json), ("xlsx", as_xlsx),
                                     ("rows", str(count).encode())]))
        files = []
        for fmt, suffix, data in (("CSV", "csv", raw), ("JSON", "json", as_json),
                                  ("XLSX", "xlsx", as_xlsx)):
            path = f"{FOLDER}/{resource['name']}.{suffix}"
            _write_if_changed(docs_dir / path, data)
            files.append({"format": fmt, "path": path, "sha256": _sha(data)})
        entries.append({"name": resource["name"], "title": resource.get("title", resource["name"]),
                        "rows": count, "files": files})
    names = [DESCRIPTOR, POLICY] + [r["path"] for r in package.descriptor["resources"]]
    bundle = _zip([(name, (package.root / name).read_bytes()) for name in names])
    path = f"{FOLDER}/{package.descriptor.get('name', 'data')}.zip"
    _write_if_changed(docs_dir / path, bundle)
    entries.append({"name": "package", "title": "完整数据包(全部数据表、数据说明和政策参数)",
                    "rows": sum(e["rows"] for e in entries),
                    "files": [{"format": "ZIP", "path": path, "sha256": _sha(bundle)}]})
    return entries


def _write_if_changed(path: Path, data: bytes) -> None:
    if not path.is_file() or path.read_bytes() != data:
        path.write_bytes(data)
