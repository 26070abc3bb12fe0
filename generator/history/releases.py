"""Data releases, read from git history: every commit that changes the data package is a release.

History is read once per process and data folder (one `git log` for the dates of every file, one
`git cat-file --batch` for the file versions the release record compares). A commit never
changes, so what it changed is kept in a cache folder and read back on the next build.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from generator import cache
from generator.history import changes, words
from generator.history.git import Commit, log
from generator.package.load import DESCRIPTOR, read_descriptor
from generator.package.text import neutralise
from generator.site.filters import date_zh

ATOM = "http://www.w3.org/2005/Atom"
# Namespace for the stable urn:uuid ids of the feed and its entries.
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:zhumadian-ajx:releases")


@dataclass(frozen=True)
class Release:
    """A commit that changed the data package, with what it changed."""

    commit: Commit
    diff: changes.Diff
    lines: tuple[str, ...]  # the diff as text, as `azx changes` prints it
    title: str = ""  # what the release did, in a few Chinese words (`words.release_title`)


def read_history(data_root: Path) -> tuple[Commit, ...]:
    """Every commit that touched `data_root`, newest first; empty outside a git work tree."""
    return log(data_root)


@functools.lru_cache(maxsize=16)
def _history(data_root: str) -> tuple[Commit, ...]:
    return read_history(Path(data_root))


def history(data_root: Path) -> tuple[Commit, ...]:
    """`read_history`, cached per process and folder (a build asks git once)."""
    return _history(str(Path(data_root).resolve()))


def file_dates(data_root: Path) -> MappingProxyType:
    """Committer date of the last commit that changed each file (names inside `data_root`)."""
    dates: dict[str, dt.date] = {}
    for commit in reversed(history(data_root)):
        for name in commit.files:
            dates[name] = commit.date
    return MappingProxyType(dates)


def last_changed(data_root: Path, files: list[str]) -> dt.date | None:
    """Committer date of the last commit that changed any of `files` (names inside `data_root`).

    None when `data_root` is not inside a git work tree or the files were never committed.
    """
    dates = file_dates(data_root)
    known = [dates[name] for name in files if name in dates]
    return max(known) if known else None


def data_releases(data_root: Path, cache_dir: Path | None = None) -> list[Release]:
    """Every commit that changed a package file, newest first, each with its changes.

    With `cache_dir`, each commit's changes are kept there, keyed by the commit, the current
    descriptor and the code that computes them: only commits not seen before read git.
    """
    names = changes.package_names(data_root)
    commits = [c for c in history(data_root) if set(c.files) & set(names)]
    if not commits:
        return []
    descriptor = read_descriptor(data_root)
    current = (data_root / DESCRIPTOR).read_bytes()
    keys = {c.sha: cache.fingerprint([current, c.sha], code=_DIFF_CODE) for c in commits}
    found = {c.sha: cache.load(_cache_path(cache_dir, keys[c.sha])) for c in commits}
    missing = [c for c in commits if found[c.sha] is None]
    revs: list[str | None] = []
    for c in missing:
        revs += [f"{c.sha}^", c.sha]
    snapshots = changes.snapshot_at(data_root, revs, names) if missing else []
    for i, commit in enumerate(missing):
        old, new, notes = changes.set_aside_undecodable(snapshots[2 * i], snapshots[2 * i + 1])
        if commit.problem or notes:  # named and skipped: its changes are not shown
            empty = changes.Diff([], [], [])
            reasons = [commit.problem] if commit.problem else notes
            found[commit.sha] = (empty, tuple(f"已跳过提交 {commit.short}:{r}" for r in reasons),
                                 SKIPPED)
            cache.store(_cache_path(cache_dir, keys[commit.sha]), found[commit.sha])
            continue
        diff = changes.diff_snapshots(descriptor, old, new, cache_dir)
        found[commit.sha] = (diff, tuple(words.diff_lines(diff, descriptor)),
                             words.release_title(diff, descriptor))
        cache.store(_cache_path(cache_dir, keys[commit.sha]), found[commit.sha])
    return [Release(c, *found[c.sha]) for c in commits]


SKIPPED = "未能比较的数据提交"  # the title of a release whose changes are not shown


# Modules whose code decides what a release's diff and lines are.
_DIFF_CODE = ("generator.history.changes", "generator.history.words", "generator.history.git",
              "generator.history.releases", "generator.site.metrics", "generator.site.filters",
              "generator.package.load")


def _cache_path(cache_dir: Path | None, key: str) -> Path | None:
    return cache.use(cache_dir / f"{key}.pickle" if cache_dir else None)


# ---------------------------------------------------------------- Atom


def entry_id(commit: Commit) -> str:
    """A stable Atom id for a release: a name-based UUID of its commit hash."""
    return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, commit.sha)}"


def atom_time(moment: dt.datetime) -> str:
    """RFC 3339 in UTC, e.g. 2025-07-05T08:00:00Z."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


@dataclass(frozen=True)
class Issue:
    """A periodic bulletin as a feed entry: its page (relative to the site root), title, date."""

    path: str
    title: str
    issued: dt.date


def atom_feed(
    releases: list[Release], *, title: str, author: str, page_url: str, feed_url: str,
    feed_key: str, issues: tuple[Issue, ...] = (), site_url: str = "",
) -> bytes:
    """The Atom 1.0 feed of `releases` (newest first), then of the bulletins `issues` (each
    dated by the last day of its period, linked under `site_url`). Times come from the commits
    and the periods, so the same history always gives the same bytes. `feed_key` names the
    package (for the feed id)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "zh-CN"})
    _sub(feed, "id", f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, feed_key)}")
    _sub(feed, "title", title)
    newest = max((r.commit.committed for r in releases), default=None)
    _sub(feed, "updated", atom_time(newest) if newest else "1970-01-01T00:00:00Z")
    _sub(_sub(feed, "author"), "name", author)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    _sub(feed, "link", rel="alternate", type="text/html", href=page_url)
    for release in releases:
        commit = release.commit
        entry = _sub(feed, "entry")
        _sub(entry, "id", entry_id(commit))
        _sub(entry, "title", f"{date_zh(commit.date)}:{release.title}")
        _sub(entry, "updated", atom_time(commit.committed))
        _sub(entry, "link", rel="alternate", type="text/html",
             href=f"{page_url}#{release_anchor(commit)}")
        subject = public_subject(commit.subject)
        _sub(entry, "summary", f"{release.title}(提交 {commit.short}"
                               f"{',提交说明:' + neutralise(subject) if subject else ''})")
        _sub(entry, "content", neutralise("\n".join(release.lines), line=False), type="text")
    for issue in issues:
        entry = _sub(feed, "entry")
        _sub(entry, "id", f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, feed_key + '/' + issue.path)}")
        _sub(entry, "title", issue.title)
        _sub(entry, "updated", f"{issue.issued.isoformat()}T00:00:00Z")
        _sub(entry, "link", rel="alternate", type="text/html", href=f"{site_url}{issue.path}")
        _sub(entry, "summary", issue.title)
    ET.indent(feed)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8",
                                                                      xml_declaration=False) + b"\n"


def release_anchor(commit: Commit) -> str:
    """The anchor of a release on the 更新记录 page."""
    return f"release-{commit.short}"


# ---------------------------------------------------------------- the 更新记录 page and feed

_HAN = re.compile("[\u3400-\u9fff]")
_LATIN_WORD = re.compile("[A-Za-z]{2,}")


def public_subject(subject: str) -> str:
    """The commit subject if it is written for the public, in Chinese (more Chinese characters
    than English words, as "更正正阳县交通运输十二月数据" or "Excel 直接保存"); "" for a
    developer's English subject, which the page and the feed leave out (the commit id stays)."""
    han = len(_HAN.findall(subject))
    return subject if han and han > len(_LATIN_WORD.findall(subject)) else ""


FEED = "feed.xml"
PAGE = "updates.md"
PAGE_ITEMS = 30  # lines listed under one heading on the page; the rest are counted
OPEN_ITEMS = 10  # row lines the newest release shows open; more fold under its headings
HEADLINES = "主要指标"  # the heading of the headline figures, always shown with their values
SIGNS = {"+": "新增", "-": "删除", "~": "修改"}


@dataclass(frozen=True)
class Outline:
    """One release's changes as headings (a resource, the headline figures) and their items."""

    heading: str
    items: tuple[str, ...]
    more: int  # items not listed


_TABLE = re.compile(r"\b[a-z][a-z_]*\((?P<title>[^()]+)\)(?P<n>\d)?")  # coverage(投保进展)


def _reader_heading(line: str) -> str:
    """A heading of `azx changes` for the public: tables and files by their Chinese titles."""
    line = _TABLE.sub(lambda m: f"{m['title']} {m['n']}" if m["n"] else m["title"], line)
    for name, title in words.FILE_TITLES.items():
        line = line.replace(f"{name}:已修改", f"{title.removeprefix('更新')}:已修改")
    return line


def outline(lines: tuple[str, ...]) -> list[Outline]:
    """The `azx changes` lines of a release, grouped for a page: signs become words."""
    groups: list[tuple[str, list[str]]] = []
    for line in lines:
        if not line.startswith("  ") or not groups:
            groups.append((_reader_heading(line.rstrip(":")), []))
            continue
        text = line.strip()
        sign, _, rest = text.partition(" ")
        groups[-1][1].append(f"{SIGNS[sign]} {rest}" if sign in SIGNS else text)
    return [Outline(h, tuple(items[:PAGE_ITEMS]), max(0, len(items) - PAGE_ITEMS))
            for h, items in groups]


def split_newest(groups: list[Outline]) -> tuple[list[Outline], list[Outline]]:
    """The newest release's outline as (shown open, folded): all of it open when it lists at
    most OPEN_ITEMS rows; else the headings and the headline figures open, the rows folded."""
    rows = [g for g in groups if g.heading != HEADLINES]
    if sum(len(g.items) for g in rows) <= OPEN_ITEMS:
        return groups, []
    brief = [g if g.heading == HEADLINES else Outline(g.heading, (), 0) for g in groups]
    return brief, [g for g in rows if g.items]


def write_feed(found: list[Release], docs_dir: Path, descriptor: dict, site_url: str = "",
               author: str = "", issues: tuple[Issue, ...] = ()) -> Path:
    """Write feed.xml at the site root, signed by `author` (the issuing office), with the
    bulletins `issues` as entries too; links are relative unless the site's URL is known."""
    base = site_url.rstrip("/") + "/" if site_url else ""
    body = atom_feed(
        found,
        title=f"{descriptor.get('title', descriptor['name'])} · 数据更新记录",
        author=author or descriptor.get("title", descriptor["name"]),
        page_url=f"{base}{PAGE.removesuffix('.md')}/",
        feed_url=f"{base}{FEED}",
        feed_key=descriptor["name"],
        issues=issues,
        site_url=base,
    )
    target = docs_dir / FEED
    if not target.is_file() or target.read_bytes() != body:
        target.write_bytes(body)
    return target
