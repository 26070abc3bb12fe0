"""Is the built site still what a build would make now? The no-change shortcut of `azx build`.

A build depends on: the data package's files, the git history of the data folder (the 更新记录
page), the hand-written pages under docs/, mkdocs.yml, the generator's own code, templates and
assets, and the versions of the libraries that render. `inputs_key` hashes all of them. When it
equals the key recorded by the last successful build into the same site folder, and that site
still holds exactly the files its build manifest lists, the site is current and the build stops
there. Any change to any input, or any damage to the site, makes a real build.

Kept free of pandas, frictionless and matplotlib so that the check costs well under a second.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from generator import cache
from generator.cache import write_bytes as write_atomic
from generator.history.git import last_commit
from generator.project import Project
from generator.site import manifest, publisher

GENERATOR = Path(__file__).resolve().parents[1]
RECORD = "last-build.json"


def _tree(digest, root: Path) -> None:
    """Feed the relative names and bytes of every file under `root` (caches skipped)."""
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())


def _data_history(data_root: Path) -> str:
    """The last commit touching the data folder, or "" outside git."""
    return last_commit(data_root)


def inputs_key(data_root: Path, project: Project) -> str | None:
    """One sha256 of everything a build of `project` reads; None when the package cannot even
    be listed (a real build then reports why)."""
    digest = hashlib.sha256()
    try:
        digest.update(manifest.data_digest(data_root).encode())
        digest.update(publisher.path(data_root, project.data).read_bytes())
    except (OSError, ValueError, KeyError, TypeError):
        return None
    digest.update(_data_history(data_root).encode() + b"\0")
    for line in cache.library_versions():  # the same libraries as every cached artefact
        digest.update(line.encode() + b"\0")
    digest.update(project.config.read_bytes())
    for root in (project.docs, GENERATOR):
        digest.update(f"\0{root.name}\0".encode())
        _tree(digest, root)
    return digest.hexdigest()


def _manifest_sha(site_dir: Path) -> str | None:
    path = site_dir / manifest.MANIFEST
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def read_record(work_dir: Path) -> dict:
    """What the last successful build into `work_dir` recorded; {} when nothing usable."""
    try:
        record = json.loads((work_dir / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def site_intact(site_dir: Path, record: dict) -> bool:
    """True when `site_dir` holds exactly the files, with the bytes, its recorded build made."""
    built = manifest.read_manifest(site_dir)
    return (
        built is not None
        and record.get("site_dir") == str(site_dir.resolve())
        and record.get("manifest_sha256") == _manifest_sha(site_dir)
        and built.get("files") == manifest.site_files(site_dir)
    )


def is_current(work_dir: Path, site_dir: Path, key: str | None) -> bool:
    """True when the last build into `site_dir` had the inputs `key` and the site is intact."""
    record = read_record(work_dir)
    return key is not None and record.get("inputs") == key and site_intact(site_dir, record)


def remember(work_dir: Path, site_dir: Path, tree: str, key: str | None) -> None:
    """Record a successful build: the site, its docs-tree hash and its inputs key."""
    record = {"site_dir": str(site_dir.resolve()), "key": tree, "inputs": key,
              "manifest_sha256": _manifest_sha(site_dir)}
    write_atomic(work_dir / RECORD, (json.dumps(record, indent=1) + "\n").encode())
