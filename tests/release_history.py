"""A throwaway git repository with three data releases, for the release-record tests."""

from __future__ import annotations

import csv
import os
import subprocess
from pathlib import Path

from fixtures.cases import DATA, write_site_small

DECEMBER = "2025-12,"  # site_small's last month: the second release adds it


def _transport_december() -> tuple[str, int]:
    """The start of data/'s (and site_small's) 正阳县 transport December row, up to its employees
    covered, and that figure."""
    with open(DATA / "coverage.csv", encoding="utf-8", newline="") as handle:
        row = next(r for r in csv.reader(handle) if r[:3] == ["2025-12", "411724", "transport"])
    return ",".join(row[:6]) + ",", int(row[5])


TRANSPORT_DECEMBER, COVERED = _transport_december()  # the third release corrects this row
CORRECTED = TRANSPORT_DECEMBER.removesuffix(f"{COVERED},") + f"{COVERED + 4},"  # employees +4
MOVE = f"覆盖从业人员数 {COVERED:,} → {COVERED + 4:,}"  # as the site writes numbers
RELEASES = [  # (subject, committer date), oldest first
    ("首批数据", "2025-12-10T09:00:00+08:00"),
    ("十二月投保进展", "2026-01-05T10:00:00+08:00"),
    ("更正正阳县交通运输十二月数据", "2026-01-08T16:30:00+08:00"),
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


def month_figures(data: Path, period: str) -> dict[str, float]:
    """coverage.csv's sums for one month, as `azx changes` states them."""
    with open(data / "coverage.csv", encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["period"] == period]
    sums = {c: sum(float(r[c]) for r in rows)
            for c in ("units_required", "units_insured", "employees_covered", "premium_ytd")}
    return {**sums, "rate": 100 * sums["units_insured"] / sums["units_required"]}


def make_history(tmp_path: Path) -> Path:
    """repo/data with three data commits (site_small up to November; December added; one
    December row corrected) and a later commit that touches only the README. Returns the data
    folder."""
    repo = tmp_path / "repo"
    data = repo / "data"
    write_site_small(data)
    git(repo, "init", "-q", "-b", "main")
    coverage = data / "coverage.csv"
    full = coverage.read_text(encoding="utf-8")
    lines = full.splitlines(keepends=True)
    assert full.count(TRANSPORT_DECEMBER) == 1
    coverage.write_text("".join(x for x in lines if not x.startswith(DECEMBER)), encoding="utf-8")
    steps = [None, lambda: coverage.write_text(full, encoding="utf-8"),
             lambda: coverage.write_text(full.replace(TRANSPORT_DECEMBER, CORRECTED),
                                         encoding="utf-8")]
    for step, (subject, date) in zip(steps, RELEASES, strict=True):
        if step:
            step()
        git(repo, "add", "data")
        git(repo, "commit", "-q", "-m", subject, date=date)
    (repo / "README.md").write_text("说明\n", encoding="utf-8")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "README", date="2026-01-09T09:00:00+08:00")
    return data
