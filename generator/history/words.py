"""A diff of the package in Chinese words: a release's title and the lines that `azx changes`
prints and the 更新记录 page lists (moved out of `changes`, which computes the diff)."""

from __future__ import annotations

import datetime as dt
import math

from generator.history.changes import LIST_ROWS, ROSTER, Diff, ResourceDiff, key_fields
from generator.intake.normalise import is_yuan_field
from generator.package.load import DESCRIPTOR, POLICY
from generator.site import filters

PERIOD_FIELDS = ("period", "round", "year")  # key fields that name a month, quarter, round or year
TITLE_PARTS = 4  # changes named in a release's title; the rest are summed up


def cell_text(resource: dict, name: str, value: str, names: dict[str, dict[str, str]]) -> str:
    """A key or cell as a reader knows it: periods in Chinese, codes by their names."""
    if name in PERIOD_FIELDS:
        return filters.period_zh(value)
    for fk in resource["schema"].get("foreignKeys", []):
        if fk["fields"] == name:
            return names.get(fk["reference"]["resource"], {}).get(value, value)
    if resource["schema"].get("primaryKey") in (name, [name]):  # a list's own code: its name
        return names.get(resource["name"], {}).get(value, value)
    field = next((f for f in resource["schema"]["fields"] if f["name"] == name), None)
    return value_text(field, value) if field else value


def value_text(field: dict, value: str) -> str:
    """A cell as the site writes it: 14,649; 235,120.47 元; 2025年4月10日. A value that does not
    read as its type (an old commit held what the rules now refuse) is shown as written."""
    try:
        if field["type"] == "integer":
            return filters.number(int(value))
        if field["type"] == "number" and is_yuan_field(field) and math.isfinite(float(value)):
            return f"{filters.number(float(value), 2)} 元"
        if field["type"] == "date":
            return filters.date_zh(dt.date.fromisoformat(value))
    except (ValueError, ArithmeticError):
        pass
    return value


def with_references(resource: dict, descriptor: dict) -> dict:
    """`resource` with a one-field foreign key for each of its code fields that the package
    resolves elsewhere (assessment_scores' insurer_code, part of a two-field key, → insurers),
    so that its rows are named as a reader knows them."""
    fields = {f["name"] for f in resource["schema"]["fields"]}
    keys = list(resource["schema"].get("foreignKeys", []))
    known = {fk["fields"] for fk in keys if isinstance(fk["fields"], str)}
    for r in descriptor["resources"]:
        for fk in r["schema"].get("foreignKeys", []):
            if isinstance(fk["fields"], str) and fk["fields"] in fields - known:
                keys.append(fk)
                known.add(fk["fields"])
    return {**resource, "schema": {**resource["schema"], "foreignKeys": keys}}


def key_text(key: tuple[str, ...], resource: dict | None = None,
             names: dict[str, dict[str, str]] | None = None) -> str:
    if resource is None:
        return " / ".join(key)
    fields = key_fields(resource)
    return " / ".join(cell_text(resource, f, v, names or {}) for f, v in zip(fields, key,
                                                                             strict=False))


def grouped(keys: list[tuple[str, ...]], sign: str, resource: dict | None = None,
            names: dict[str, dict[str, str]] | None = None) -> list[str]:
    """One line a row, or one line a period when there are many rows."""
    if len(keys) <= LIST_ROWS:
        return [f"  {sign} {key_text(k, resource, names)}" for k in keys]
    counts: dict[str, int] = {}
    for k in keys:
        counts[k[0]] = counts.get(k[0], 0) + 1
    return [f"  {sign} {key_text((scope,), resource, names)}:{n} 行"
            for scope, n in counts.items()]


def periods_text(values: list[str]) -> str:
    """Periods in Chinese, oldest first, e.g. 2025年11月、2025年12月; over three: 等 N 期."""
    shown = [filters.period_zh(v) for v in sorted(set(values))]
    if len(shown) <= 3:
        return "、".join(shown)
    return f"{shown[0]}、{shown[1]}等 {len(shown)} 期"


def release_title(diff: Diff, descriptor: dict) -> str:
    """A release in a few Chinese words, from its diff: "新增 2025年12月投保进展;更新 2025年
    下半年保险机构评估结果" (per resource: what was done, the periods touched, the table)."""
    if diff.initial:
        return "首次发布数据"
    if diff.empty:
        return "数据没有变化"
    resources = {r["name"]: r for r in descriptor["resources"]}
    parts = []
    for r in diff.resources:
        if r.empty:
            continue
        key = key_fields(resources[r.name]) if r.name in resources else []
        index = next((i for i, k in enumerate(key) if k in PERIOD_FIELDS), None)
        if index is None:  # rows of a list (insurers, the roster): the list was updated
            parts.append(f"更新{r.title}")
            continue
        changed = list(dict.fromkeys(k for k, *_ in r.changed))
        for verb, keys in (("新增", r.added), ("更新", changed), ("删除", r.removed)):
            if not keys:
                continue
            parts.append(f"{verb} {periods_text([k[index] for k in keys])}{r.title}")
    parts += [FILE_TITLES.get(name, f"更新 {name}") for name in diff.files]
    if len(parts) > TITLE_PARTS:
        parts = [*parts[:TITLE_PARTS], f"等 {len(parts)} 项"]
    return ";".join(parts)


FILE_TITLES = {DESCRIPTOR: "更新数据说明", POLICY: "更新业务规则参数"}


def roster_line(r: ResourceDiff) -> str:
    """The roster's changes as counts only: its rows are enterprises, never listed."""
    insured = {k: new for k, name, _, new in r.changed if name == "insured"}
    newly = sum(1 for v in insured.values() if v == "是")
    other = len({k for k, *_ in r.changed} - set(insured))
    counts = [filters.number(n) for n in (len(r.added), len(r.removed), newly,
                                           len(insured) - newly, other)]
    return (f"{r.name}({r.title}):新增应投保 {counts[0]} 家,移出名单 {counts[1]} 家,"
            f"新投保 {counts[2]} 家,转为未投保 {counts[3]} 家,其他信息更新 {counts[4]} 家")


def diff_lines(diff: Diff, descriptor: dict) -> list[str]:
    """The diff as text lines, the same on the terminal and on the 更新记录 page."""
    if diff.empty:
        return ["数据没有变化。"]
    titles = {
        r["name"]: {f["name"]: f.get("title", f["name"]) for f in r["schema"]["fields"]}
        for r in descriptor["resources"]
    }
    resources = {r["name"]: with_references(r, descriptor) for r in descriptor["resources"]}
    lines: list[str] = []
    if diff.initial:
        counts = ",".join(f"{r.name}({r.title}){len(r.added)} 行" for r in diff.resources)
        lines.append(f"首次发布数据包:{counts}")
    for r in diff.resources:
        if r.empty or diff.initial:
            continue
        if r.name == ROSTER:
            lines.append(roster_line(r))
            continue
        rows_changed = len({k for k, *_ in r.changed})
        lines.append(
            f"{r.name}({r.title}):新增 {len(r.added)} 行,删除 {len(r.removed)} 行,"
            f"修改 {rows_changed} 行"
        )
        resource = resources.get(r.name)
        lines += grouped(r.added, "+", resource, diff.names)
        lines += grouped(r.removed, "-", resource, diff.names)
        cells: dict[tuple[str, ...], list[str]] = {}
        for k, name, old, new in r.changed:
            title = titles[r.name].get(name, name)
            before, after = (cell_text(resource, name, v, diff.names) if resource and v else v
                             for v in (old, new))
            cells.setdefault(k, []).append(f"{title} {before or '(空)'} → {after or '(空)'}")
        lines += [f"  ~ {key_text(k, resource, diff.names)}:{';'.join(texts)}"
                  for k, texts in cells.items()]
    for name in [] if diff.initial else diff.files:
        lines.append(f"{name}:已修改")
    if diff.headlines:
        lines.append("主要指标:")
        lines += [f"  {label}:{old} → {new}" for label, old, new in diff.headlines]
    return lines
