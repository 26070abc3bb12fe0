"""The build manifest: proof that a site directory came from a successful build of valid data.

`azx build` writes `build-manifest.json` into the site it built; `azx publish` refuses a site whose
manifest is missing, does not match the data, or lists files that are not there as built.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from generator import __version__, cache
from generator.package.load import DESCRIPTOR, POLICY, read_descriptor
from generator.package.safe import UnsafeFile, read_package_file, unsafe_path_reason

MANIFEST = "build-manifest.json"


def file_sha256(path: Path) -> str:
    return cache.file_digest(path).hex()  # read a megabyte at a time: downloads can be large


def data_files(root: Path) -> list[Path]:
    """The files that make up a data package: descriptor, policy and every resource, sorted;
    ValueError when a resource path is not a plain file name inside the package."""
    names = {DESCRIPTOR, POLICY} | {r["path"] for r in read_descriptor(root)["resources"]}
    for name in names:
        reason = unsafe_path_reason(name)
        if reason:
            raise ValueError(f"{name!r}:{reason}")
    return [root / name for name in sorted(names)]


def data_digest(root: Path) -> str:
    """One sha256 over the names and bytes of every file of the package at `root`."""
    digest = hashlib.sha256()
    for path in data_files(root):
        name = path.relative_to(root).as_posix()
        digest.update(name.encode() + b"\0")
        try:  # through the safe reader: a path out of the package or a device is never read
            digest.update(read_package_file(root, name))
        except FileNotFoundError:
            pass
        except UnsafeFile as exc:
            raise ValueError(f"{name}:{exc}") from None
        digest.update(b"\0")
    return digest.hexdigest()


def site_files(site_dir: Path) -> dict[str, str]:
    """Every file of a built site (the manifest itself excepted) mapped to its sha256."""
    return {
        p.relative_to(site_dir).as_posix(): file_sha256(p)
        for p in sorted(site_dir.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }


def write_manifest(site_dir: Path, data_root: Path, errors: int, warnings: int) -> dict:
    manifest = {
        "generator": f"azx {__version__}",
        "data_sha256": data_digest(data_root),
        "validation": {"errors": errors, "warnings": warnings},
        "files": site_files(site_dir),
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    (site_dir / MANIFEST).write_text(text, encoding="utf-8")
    return manifest


def read_manifest(site_dir: Path) -> dict | None:
    path = site_dir / MANIFEST
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return None
