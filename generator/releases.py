"""Data releases, read from git history: every commit that changes the data package is a release."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path


def last_changed(data_root: Path, files: list[str]) -> dt.date | None:
    """Committer date of the last commit that changed any of `files` (names inside `data_root`).

    None when `data_root` is not inside a git work tree or the files were never committed.
    """
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%cs", "--", *files],
            cwd=data_root, capture_output=True, text=True, check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return dt.date.fromisoformat(out) if out else None
