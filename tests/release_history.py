"""A throwaway git repository with three data releases, for the release-record tests."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from fixtures.cases import write_site_small

JUNE = "2025-06,"
COAL_JUNE = "2025-06,411702,coal,10,9,225,250,162000,400000"
RELEASES = [  # (subject, committer date), oldest first
    ("首批数据", "2025-05-10T09:00:00+08:00"),
    ("六月投保进展", "2025-07-05T10:00:00+08:00"),
    ("更正驿城区煤矿六月数据", "2025-07-08T16:30:00+08:00"),
]


def git(repo: Path, *args: str, date: str = "2025-01-01T00:00:00+08:00") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "市安委办", "GIT_AUTHOR_EMAIL": "staff@example.org",
        "GIT_COMMITTER_NAME": "市安委办", "GIT_COMMITTER_EMAIL": "staff@example.org",
        "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_CONFIG_GLOBAL": os.devnull,
    }
    done = subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True,
                          text=True)
    return done.stdout.strip()


def make_history(tmp_path: Path) -> Path:
    """repo/data with three data commits (May data; June added; one June row corrected) and a
    later commit that touches only the README. Returns the data folder."""
    repo = tmp_path / "repo"
    data = repo / "data"
    write_site_small(data)
    git(repo, "init", "-q", "-b", "main")
    coverage = data / "coverage.csv"
    full = coverage.read_text(encoding="utf-8")
    lines = full.splitlines(keepends=True)
    coverage.write_text("".join(x for x in lines if not x.startswith(JUNE)), encoding="utf-8")
    steps = [None, lambda: coverage.write_text(full, encoding="utf-8"),
             lambda: coverage.write_text(
                 full.replace(COAL_JUNE, "2025-06,411702,coal,10,10,250,250,162000,400000"),
                 encoding="utf-8")]
    for step, (subject, date) in zip(steps, RELEASES, strict=True):
        if step:
            step()
        git(repo, "add", "data")
        git(repo, "commit", "-q", "-m", subject, date=date)
    (repo / "README.md").write_text("说明\n", encoding="utf-8")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "README", date="2025-07-09T09:00:00+08:00")
    return data
