"""The one git wrapper: run git, read the history of the data folder, read old file versions.

Git's output is read as bytes and decoded here, once: a subject or a file that is not UTF-8, or
a subject holding a control character, is reported by name (`Commit.problem`, `UNDECODABLE`)
and never raises.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from generator.errors import GitError
from generator.package.text import code_point, forbidden, visible

# one commit in `git log --format=%H%x00%cI%x00%s%x00`: no field holds a NUL, a file name
# line never does either
COMMIT = re.compile(rb"([0-9a-f]{40})\0([^\0]*)\0([^\0]*)\0")


class Undecodable(str):
    """A file version that is not UTF-8 text: its name, shown where the version is skipped."""


def git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """Run git in `root`; GitError with git's own message when it fails."""
    try:
        done = subprocess.run(["git", *args], cwd=root, input=stdin, capture_output=True,
                              timeout=600)
    except (OSError, subprocess.SubprocessError) as exc:
        raise GitError(f"无法运行 git:{exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(visible(f"git {args[0]} 失败:{message[-1] if message else done.returncode}"))
    return done.stdout


@dataclass(frozen=True)
class Commit:
    """One commit of the history of the data folder."""

    sha: str
    committed: dt.datetime
    subject: str  # shown escaped when `problem` says it cannot be shown as it is
    files: tuple[str, ...]  # names relative to the data folder
    problem: str = ""  # why the commit is skipped (named on the page, in the feed and changes)

    @property
    def short(self) -> str:
        return self.sha[:7]

    @property
    def date(self) -> dt.date:
        return self.committed.date()


def _subject(raw: bytes) -> tuple[str, str]:
    """The subject as text, and why it cannot be shown as it is ("" when it can)."""
    try:
        subject = raw.decode("utf-8")
    except UnicodeDecodeError:
        return visible(raw.decode("utf-8", "replace")), "提交说明不是 UTF-8 编码"
    char = forbidden(subject)
    if char:
        return visible(subject), f"提交说明含控制字符 {code_point(char)}"
    return subject, ""


def log(data_root: Path) -> tuple[Commit, ...]:
    """Every commit that touched `data_root`, newest first; empty outside a git work tree."""
    try:
        out = git(data_root, "-c", "core.quotePath=true", "log",
                  "--format=%H%x00%cI%x00%s%x00", "--name-only", "--relative", "--", ".")
    except GitError:
        return ()
    commits = []
    found = list(COMMIT.finditer(out))
    for match, following in zip(found, [*found[1:], None][:len(found)], strict=True):
        sha, committed, subject = match.groups()
        names = out[match.end(): following.start() if following else len(out)]
        text, problem = _subject(subject)
        files = tuple(n for n in names.decode("utf-8", "replace").split("\n") if n)
        commits.append(Commit(sha.decode(), dt.datetime.fromisoformat(committed.decode()), text,
                              files, problem))
    return tuple(commits)


def last_commit(data_root: Path) -> str:
    """The last commit touching the data folder, or "" outside git."""
    try:
        return git(data_root, "log", "-1", "--format=%H", "--", ".").decode().strip()
    except GitError:
        return ""


def decode(data: bytes, name: str) -> str:
    """A file's text, or an `Undecodable` naming it when it is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Undecodable(name)


def read_blobs(root: Path, specs: list[str]) -> list[str | None]:
    """The text of each `rev:path` in `specs` (None when it does not exist, `Undecodable` when
    it is not UTF-8), in two git calls: the object of each, then each object once (a file
    most revisions share is read and decoded once)."""
    if not specs:
        return []
    ids = []
    for line in git(root, "cat-file", "--batch-check",
                    stdin=("\n".join(specs) + "\n").encode()).split(b"\n")[:len(specs)]:
        header = line.split()
        ids.append(header[0] if len(header) == 3 and header[1] == b"blob" else None)
    unique = list(dict.fromkeys(i for i in ids if i is not None))
    out = git(root, "cat-file", "--batch", stdin=b"".join(i + b"\n" for i in unique))
    texts: dict[bytes, str] = {}
    pos = 0
    for blob in unique:
        end = out.index(b"\n", pos)
        size = int(out[pos:end].split()[2])
        texts[blob] = decode(out[end + 1: end + 1 + size], "")
        pos = end + 1 + size + 1
    return [None if i is None else
            Undecodable(spec) if isinstance(texts[i], Undecodable) else texts[i]
            for spec, i in zip(specs, ids, strict=True)]
