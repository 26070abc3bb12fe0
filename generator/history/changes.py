"""What changed in the data package between two versions: rows added, removed and changed per
resource (by primary key, old → new of each changed cell) and the headline figures that moved.

Old versions are read from git (`git cat-file --batch`, one process for any number of files);
the diff itself works on plain CSV text and is pure.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from operator import itemgetter, methodcaller
from pathlib import Path

import pandas as pd

from generator import cache
from generator.history.git import GitError as GitError
from generator.history.git import Undecodable, decode, git, read_blobs
from generator.package.load import DESCRIPTOR, POLICY, read_descriptor, typed_frame
from generator.package.safe import UnsafeFile, read_package_file
from generator.site import filters, metrics
from generator.site.manifest import data_files

LIST_ROWS = 10  # more added/removed rows than this are counted per period instead of listed


# ---------------------------------------------------------------- git


def repo_prefix(root: Path) -> str:
    """The path of `root` inside its repository, e.g. "data/" (empty at the top)."""
    return git(root, "rev-parse", "--show-prefix").decode().strip()


def package_names(root: Path) -> list[str]:
    """File names of the package (descriptor, policy, resources), relative to `root`."""
    try:
        return [p.relative_to(root).as_posix() for p in data_files(root)]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise GitError(f"{root} 的数据包无法读取({exc}),请先运行 azx validate") from None


Snapshot = dict[str, str | None]  # file name → text (None: the file does not exist)


def snapshot_at(root: Path, revs: list[str | None], names: list[str]) -> list[Snapshot]:
    """For each revision (None: no version at all), name → file text, read in one git call."""
    prefix = repo_prefix(root)
    specs = [f"{rev}:{prefix}{name}" for rev in revs if rev for name in names]
    texts = iter(read_blobs(root, specs))
    return [
        {name: (next(texts) if rev else None) for name in names}
        for rev in revs
    ]


def snapshot_worktree(root: Path, names: list[str]) -> Snapshot:
    """name → text of the files as they are now in `root`."""
    return {
        name: decode(read_package_file(root, name), name) if (root / name).is_file() else None
        for name in names
    }


def set_aside_undecodable(old: Snapshot, new: Snapshot) -> tuple[Snapshot, Snapshot, list[str]]:
    """The two snapshots with every file that is not UTF-8 in either left out of the diff, and
    one line naming each such file."""
    notes = []
    old, new = dict(old), dict(new)
    for name in old:
        bad = [text for text in (old[name], new.get(name)) if isinstance(text, Undecodable)]
        if bad:
            notes.append(f"跳过 {name}:{bad[0]} 不是 UTF-8 编码,无法比较")
            old[name] = new[name] = None
    return old, new, notes


# ---------------------------------------------------------------- diff


@dataclass
class ResourceDiff:
    """The row-level difference of one resource."""

    name: str
    title: str
    added: list[tuple[str, ...]] = field(default_factory=list)
    removed: list[tuple[str, ...]] = field(default_factory=list)
    changed: list[tuple[tuple[str, ...], str, str, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass
class Diff:
    """Everything that differs between two versions of the package."""

    resources: list[ResourceDiff]
    files: list[str]  # descriptor / policy changes, by file name
    headlines: list[tuple[str, str, str]]  # (label, old, new) of the figures that moved
    initial: bool = False  # there was no package before: the first release
    names: dict[str, dict[str, str]] = field(default_factory=dict)  # table → code → name

    @property
    def empty(self) -> bool:
        return not (self.files or any(not r.empty for r in self.resources))


def parse_rows(text: str | None) -> list[dict[str, str]]:
    if not text:
        return []
    return list(csv.DictReader(io.StringIO(text)))


def key_fields(resource: dict) -> list[str]:
    key = resource["schema"]["primaryKey"]
    return [key] if isinstance(key, str) else list(key)


def diff_table(resource: dict, old_text: str | None, new_text: str | None) -> ResourceDiff:
    """Rows added, removed and changed (cell by cell, in schema order) between two CSV texts."""
    diff = ResourceDiff(resource["name"], resource.get("title", resource["name"]))
    if old_text == new_text:  # an unchanged file (most of a commit's files): nothing to parse
        return diff
    key = key_fields(resource)
    names = [f["name"] for f in resource["schema"]["fields"]]
    plain = _plain_lines(old_text, new_text)
    if plain is not None:
        return _diff_lines(diff, key, names, *plain)
    old = {tuple(r.get(k, "") for k in key): r for r in parse_rows(old_text)}
    new = {tuple(r.get(k, "") for k in key): r for r in parse_rows(new_text)}
    diff.added = [k for k in new if k not in old]
    diff.removed = [k for k in old if k not in new]
    for k, row in new.items():
        before = old.get(k)
        if before is None:
            continue
        for name in names:
            if before.get(name, "") != row.get(name, ""):
                diff.changed.append((k, name, before.get(name, ""), row.get(name, "")))
    return diff


def _plain_lines(*texts: str | None) -> tuple[list[str], list[str], list[str]] | None:
    """The common header and the row lines of two CSV texts in which a line is a row and a row
    its cells split at commas, as `csv.DictReader` reads them: no quote, carriage return or NUL,
    the same header of distinct names, and every line (empty ones aside, which DictReader skips)
    as many cells as the header. None otherwise."""
    split = []
    for text in texts:
        if not text or '"' in text or "\r" in text or "\0" in text:
            return None
        header, *lines = text.split("\n")
        cells = header.count(",")
        if not header or any(line.count(",") != cells for line in lines if line):
            return None
        split.append((header, [line for line in lines if line]))
    (header, old), (other, new) = split
    names = header.split(",")
    if header != other or len(set(names)) != len(names):
        return None
    return names, old, new


def _diff_lines(diff: ResourceDiff, key: list[str], names: list[str], header: list[str],
                old_lines: list[str], new_lines: list[str]) -> ResourceDiff:
    """`diff_table` of two texts of `_plain_lines`, a row's cells split only where its line
    differs from the line of the same key: the same rows added, removed and changed."""
    at = {name: i for i, name in enumerate(header)}
    places = [at.get(k) for k in key]  # None: not a column, "" in every row
    cut = max((p for p in places if p is not None), default=-1) + 1  # the key's cells lie before

    def keyed(lines: list[str]) -> dict[tuple[str, ...], str]:
        rows = map(methodcaller("split", ",", cut), lines)
        if None in places:
            return {tuple(cells[p] if p is not None else "" for p in places): line
                    for cells, line in zip(rows, lines, strict=True)}
        keys = map(itemgetter(*places, 0), rows)  # one more item: always a tuple, cut off
        return {k[:-1]: line for k, line in zip(keys, lines, strict=True)}

    old, new = keyed(old_lines), keyed(new_lines)
    diff.added = [k for k in new if k not in old]
    diff.removed = [k for k in old if k not in new]
    compared = [(name, at[name]) for name in names if name in at]  # others: "" on both sides
    for k, line in new.items():
        before = old.get(k)
        if before is None or before == line:
            continue
        was, now = before.split(","), line.split(",")
        diff.changed += [(k, name, was[i], now[i]) for name, i in compared if was[i] != now[i]]
    return diff


# The tables `headline_figures` reads: only these are parsed from a snapshot.
HEADLINE_TABLES = ("coverage", "assessments", "prevention", "claims")


def frames_of(descriptor: dict, files: Snapshot) -> dict[str, pd.DataFrame]:
    """Typed frames of the HEADLINE_TABLES in a snapshot; a table that does not parse is left
    out."""
    frames = {}
    for r in descriptor["resources"]:
        text = files.get(r["path"])
        if not text or r["name"] not in HEADLINE_TABLES:
            continue
        try:
            frames[r["name"]] = typed_frame(io.StringIO(text), r["schema"]["fields"])
        except (ValueError, KeyError, TypeError):
            continue
    return frames


def headline_figures(frames: dict[str, pd.DataFrame]) -> dict[str, str]:
    """The figures a reader looks at first, formatted as on the site (label → text)."""
    figures: dict[str, str] = {}
    coverage = frames.get("coverage")
    if coverage is not None and len(coverage):
        period = metrics.latest_period(coverage)
        totals = metrics.overall_coverage(coverage, period)
        figures["最新统计月份"] = filters.period_zh(period)
        figures["总体投保率"] = filters.percent(totals["coverage_rate"])
        figures["应投保企业数"] = filters.number(totals["units_required"])
        figures["已投保企业数"] = filters.number(totals["units_insured"])
        figures["覆盖从业人员数"] = filters.number(totals["employees_covered"])
        figures["本年累计保费"] = filters.wan_yuan(totals["premium_ytd"])
    assessments = frames.get("assessments")
    if assessments is not None and len(assessments):
        figures["评估结果条数"] = filters.number(len(assessments))
        figures["最新评估轮次"] = metrics.latest_round(assessments)
    prevention = frames.get("prevention")
    if prevention is not None and len(prevention):
        year = int(prevention["year"].max())
        spent = prevention.loc[prevention["year"] == year, "prevention_spending"].sum()
        figures["最新年度事故预防费用支出"] = f"{filters.wan_yuan(spent)}({year} 年)"
    claims = frames.get("claims")
    if claims is not None and len(claims):
        claims_year = str(claims["period"].max())[:4]
        paid = claims.loc[claims["period"].str.startswith(claims_year), "amount_paid"].sum()
        figures["最新年度赔付金额"] = f"{filters.wan_yuan(paid)}({claims_year} 年)"
    return figures


def _headlines(descriptor: dict, files: Snapshot, cache_dir: Path | None = None) -> dict[str, str]:
    """`headline_figures` of a snapshot, once a process: releases come newest first, so a
    snapshot is the old side of one diff and the new side of the next. With `cache_dir`, kept
    there under the descriptor, the texts of the tables read and the code: the old side of a new
    commit is the new side of the commit a build before."""
    paths = {r["name"]: r["path"] for r in descriptor["resources"]}
    texts = [files.get(paths.get(n, "")) for n in HEADLINE_TABLES]
    described = json.dumps(descriptor)
    key = (described, *texts)
    if key not in _HEADLINES:
        kept = cache.use(cache_dir / "{}.headlines".format(cache.fingerprint(
            [described, *("-" if t is None else f"+{t}" for t in texts)], code=HEADLINE_CODE))
        ) if cache_dir else None
        figures = cache.load(kept)
        if not isinstance(figures, dict):
            figures = headline_figures(frames_of(descriptor, files))
            cache.store(kept, figures)
        _HEADLINES[key] = figures
        if len(_HEADLINES) > 3:  # the latest diff's two snapshots and the new one
            del _HEADLINES[next(iter(_HEADLINES))]
    return _HEADLINES[key]


_HEADLINES: dict[tuple, dict[str, str]] = {}
# the modules whose code decides a snapshot's headline figures
HEADLINE_CODE = ("generator.history.changes", "generator.site.metrics", "generator.site.filters",
                 "generator.package.load")


def reference_names(descriptor: dict, *snapshots: Snapshot) -> dict[str, dict[str, str]]:
    """code → name (the short name where there is one) of every table a one-field foreign key
    points to, from the snapshots in order (a later one wins; a deleted code keeps its name)."""
    targets = {
        fk["reference"]["resource"]
        for r in descriptor["resources"] for fk in r["schema"].get("foreignKeys", [])
        if isinstance(fk["fields"], str)
    }
    found: dict[str, dict[str, str]] = {}
    for r in descriptor["resources"]:
        key = key_fields(r)
        if r["name"] not in targets or r["name"] == ROSTER or len(key) != 1:
            continue
        names = found.setdefault(r["name"], {})
        for files in snapshots:
            for row in parse_rows(files.get(r["path"])):
                label = row.get("short_name") or row.get("name")
                if label and row.get(key[0]):
                    names[row[key[0]]] = label
    return found


def diff_snapshots(descriptor: dict, old: Snapshot, new: Snapshot,
                   cache_dir: Path | None = None) -> Diff:
    """The whole difference between two snapshots of the package; each snapshot's headline
    figures kept in `cache_dir` (`_headlines`)."""
    resources = [
        diff_table(r, old.get(r["path"]), new.get(r["path"])) for r in descriptor["resources"]
    ]
    files = [name for name in (DESCRIPTOR, POLICY) if old.get(name) != new.get(name)]
    before, after = _headlines(descriptor, old, cache_dir), _headlines(descriptor, new, cache_dir)
    headlines = [
        (label, before.get(label, "—"), after.get(label, "—"))
        for label in dict.fromkeys([*before, *after])
        if before.get(label) != after.get(label)
    ]
    return Diff(resources, files, headlines, initial=not any(old.values()),
                names=reference_names(descriptor, old, new))


# ---------------------------------------------------------------- text


ROSTER = "enterprises"  # its keys name enterprises: counted in the record, never listed


# ---------------------------------------------------------------- azx changes


def last_release(root: Path, names: list[str]) -> str | None:
    """The newest commit that changed any package file, or None."""
    out = git(root, "log", "-1", "--format=%H", "--", *names).decode().strip()
    return out or None


def default_base(root: Path, names: list[str]) -> str | None:
    """The previous data release: uncommitted data changes are compared with the last release;
    a clean tree shows what the last release changed (None: there was nothing before it)."""
    last = last_release(root, names)
    if last is None:
        return None
    dirty = git(root, "status", "--porcelain", "--", *names).decode().strip()
    if dirty:
        return last
    parents = git(root, "rev-list", "--parents", "-n", "1", last).decode().split()
    return parents[1] if len(parents) > 1 else None


def changes_lines(root: Path, ref: str | None = None) -> list[str]:
    """What `azx changes` prints: the data in `root` now compared with `ref` (or the default)."""
    names = package_names(root)
    descriptor = read_descriptor(root)
    try:
        git(root, "rev-parse", "--show-toplevel")
    except GitError:
        raise GitError(f"{root} 不在 git 仓库中,无法比较历史版本") from None
    base = ref or default_base(root, names)
    if base is not None:
        try:
            git(root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
        except GitError:
            raise GitError(f"找不到提交 {base}") from None
        label = git(root, "log", "-1", "--format=%h(%cs)", base).decode().strip()
    else:
        label = "(空)"
    [old] = snapshot_at(root, [base], names)
    try:
        now = snapshot_worktree(root, names)
    except UnsafeFile as exc:
        raise GitError(f"无法读取 {exc.name}:{exc},请先运行 azx validate") from None
    old, new, notes = set_aside_undecodable(old, now)
    diff = diff_snapshots(descriptor, old, new)
    from generator.history.words import diff_lines  # words builds on this module's Diff
    return [f"数据变化:{label} → 当前 {root.as_posix()}/", *notes, *diff_lines(diff, descriptor)]
