"""The published roster and the lookup's static index.

`published` keeps only the fields policy.yaml lists and masks the names registered by a person;
everything the site and the downloads show of the roster comes from it. `lookup_files` splits it
into small JSON files so that one lookup fetches three of them: the index (names of counties,
industries and insurers, and how many units each two-character piece of a name finds), one
shard by the code's last character, or one shard by a piece of the name.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from generator import cache
from generator.package.load import Package

RESOURCE = "enterprises"
PAGE = "lookup/index.md"
FOLDER = "lookup/data"
NAME_SHARD_LIMIT = 4000  # a piece of a name found in more units than this gets no shard
CODE_SHARD_ROWS = 200_000  # up to this many units, codes are sharded by their last character


def published(package: Package) -> pd.DataFrame | None:
    """The roster as published: the listed fields in their order, names masked (None when the
    package has no roster)."""
    frame = package.frames.get(RESOURCE)
    if frame is None:
        return None
    policy = package.policy
    shown = frame[[f for f, _ in policy.roster_fields if f in frame.columns]].copy()
    if "name" in shown.columns:
        shown["name"] = policy.masked_names(frame["name"], frame["uscc"])
    return shown


def _text(value) -> str | None:
    if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.strftime("%Y-%m-%d") if isinstance(value, pd.Timestamp) else str(value)


def _pieces(name: str) -> set[str]:
    return {name[i:i + 2] for i in range(len(name) - 1)}


def lookup_files(roster: pd.DataFrame, package: Package, as_of: str) -> dict[str, bytes]:
    """Path under the site → bytes of every lookup file (pure: no I/O)."""
    frames = package.frames
    regions = frames["regions"].sort_values("display_order")
    industries = frames["industries"].sort_values("display_order")
    insurers = frames["insurers"].sort_values("display_order")
    region_at = {c: n for n, c in enumerate(regions["code"])}
    industry_at = {c: n for n, c in enumerate(industries["code"])}
    insurer_at = {c: n for n, c in enumerate(insurers["code"])}
    column = {c: roster[c].tolist() if c in roster.columns else [None] * len(roster)
              for c in ("uscc", "name", "region_code", "industry_code", "insured",
                        "insurer_code", "policy_start", "policy_end", "required_since")}
    records: list[list] = []
    for n in range(len(roster)):
        insured = _text(column["insured"][n])
        records.append([
            column["uscc"][n], _text(column["name"][n]),
            region_at.get(column["region_code"][n]), industry_at.get(column["industry_code"][n]),
            None if insured is None else int(insured == "是"),
            insurer_at.get(column["insurer_code"][n]),
            _text(column["policy_start"][n]), _text(column["policy_end"][n]),
            _text(column["required_since"][n]),
        ])
    by_code: dict[str, list] = {}
    by_piece: dict[str, list] = {}
    width = 1 if len(records) <= CODE_SHARD_ROWS else 2  # 31 or 961 code shards
    for record in records:
        by_code.setdefault(record[0][-width:], []).append(record)
        for piece in _pieces(record[1] or ""):
            by_piece.setdefault(piece, []).append(record)
    index = {
        "as_of": as_of,
        "limit": NAME_SHARD_LIMIT,
        "code_width": width,
        "regions": regions["name"].tolist(),
        "industries": [[r["name"], r["lead_department"]] for _, r in industries.iterrows()],
        "insurers": insurers["short_name"].tolist(),
        "pieces": {p: len(found) for p, found in sorted(by_piece.items())},
    }
    files = {f"{FOLDER}/index.json": _json(index)}
    files |= {f"{FOLDER}/code-{char}.json": _json(found) for char, found in by_code.items()}
    files |= {f"{FOLDER}/name-{piece_key(piece)}.json": _json(found)
              for piece, found in by_piece.items() if len(found) <= NAME_SHARD_LIMIT}
    return files


def piece_key(piece: str) -> str:
    """The file name part of a two-character piece: its code points in hex (lookup.js agrees)."""
    return "-".join(f"{ord(c):x}" for c in piece)


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def uninsured(roster: pd.DataFrame | None, region_code: str, industry_names: dict) -> list[dict]:
    """The units of one county still uninsured (name, industry, required since), by industry."""
    if roster is None or "insured" not in roster.columns:
        return []
    rows = roster[(roster["region_code"] == region_code) & (roster["insured"] != "是")]
    rows = rows.sort_values(["industry_code", "name"])
    return [{"name": r["name"], "industry": industry_names.get(r["industry_code"], ""),
             "since": r.get("required_since")} for _, r in rows.iterrows()]


def write_lookup(package: Package, docs_dir: Path, as_of: str) -> int:
    """Write the lookup files under `docs_dir`; how many were written."""
    shown = published(package)
    if shown is None:
        return 0
    files = lookup_files(shown, package, as_of)
    for path, data in files.items():
        target = docs_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return len(files)


def published_resource(package: Package, cache_dir: Path) -> tuple[dict, Path] | None:
    """The roster as the downloads publish it: its descriptor entry reduced to the listed fields,
    and a CSV of the published rows (names masked) in `cache_dir`, named by its content."""
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
    text = shown.assign(**{c: shown[c].dt.strftime("%Y-%m-%d") for c in shown.columns
                           if pd.api.types.is_datetime64_any_dtype(shown[c])})
    data = text.to_csv(index=False, lineterminator="\n").encode("utf-8")
    name = f"published-{RESOURCE}-{hashlib.sha256(data).hexdigest()[:16]}.csv"
    path = cache.use(cache_dir / name)
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return resource, path
