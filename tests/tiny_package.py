"""A tiny data package for the publish tests: just enough for manifest.data_digest."""

from __future__ import annotations

import json
from pathlib import Path


def make_data(root: Path, rows: str = "code,name\n411702,驿城区\n") -> Path:
    """A package folder at `root` with one resource (regions.csv holding `rows`)."""
    root.mkdir(parents=True)
    resources = [{"name": "regions", "path": "regions.csv"}]
    (root / "datapackage.json").write_text(json.dumps({"resources": resources}), encoding="utf-8")
    (root / "policy.yaml").write_text("cap: 0.21\n", encoding="utf-8")
    (root / "regions.csv").write_text(rows, encoding="utf-8")
    return root
