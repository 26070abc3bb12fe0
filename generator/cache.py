"""The content-keyed caches under the work folder: one fingerprint keys every cached artefact.

A cached file (validation report, chart, download, release diff, compiled template) is reused only
when its `fingerprint` is the same: the same inputs, the same source of the modules that produce
it and the same versions of the libraries that shape its bytes. So a warm build publishes the
bytes a cold build would. Every write is atomic: a temporary file, then a rename.

A build marks each entry it looks up or writes (`use`); after it succeeded, `prune` removes the
entries it did not use, so the cache holds what the last build needed and no more.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import pickle
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TypeVar

# The libraries whose versions can change the bytes of a cached artefact.
LIBRARIES = ("matplotlib", "mplfonts", "openpyxl", "pandas", "numpy", "frictionless",
             "pyyaml", "jinja2", "mkdocs", "mkdocs-material", "pymdown-extensions", "jieba",
             "zlib-ng")


@functools.cache
def library_versions() -> tuple[str, ...]:
    """"name=version" of each of LIBRARIES ("name=-" when it is not installed), once a process."""
    found = []
    for name in LIBRARIES:
        try:
            found.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name}=-")
    return tuple(found)


@functools.cache
def source_digest(module: str) -> bytes:
    """sha256 of the source of `module` (a dotted name), or of every .py file of a package,
    found without importing it."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(module)
    if spec.submodule_search_locations:
        root = Path(spec.origin).parent
        files = sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)
    else:
        root, files = Path(spec.origin).parent, [Path(spec.origin)]
    digest = hashlib.sha256(module.encode() + b"\0")
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.digest()


def file_digest(path: Path) -> bytes:
    """The SHA-256 of a file's bytes, read a megabyte at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.digest()


def fingerprint(inputs: Iterable[bytes | str], code: Iterable[str]) -> str:
    """The cache key of an artefact: sha256 of its `inputs`, of the source of the `code` modules
    that produce it (dotted names; a package means all its modules) and of the LIBRARIES'
    versions."""
    digest = hashlib.sha256()
    for line in library_versions():
        digest.update(line.encode() + b"\0")
    for module in code:
        digest.update(source_digest(module))
    for part in inputs:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


PathOrNone = TypeVar("PathOrNone", Path, Path | None)
_used: set[str] = set()  # the entries this process's current build looked up or wrote


def begin() -> None:
    """A build starts: no entry is used yet."""
    _used.clear()


def use(path: PathOrNone) -> PathOrNone:
    """Mark `path`, an entry of a cache folder (a file or folder directly in it), as used by the
    current build; returns it."""
    if path is not None:
        _used.add(os.path.abspath(path))
    return path


def used() -> frozenset[str]:
    """The entries the current build has used so far (absolute paths)."""
    return frozenset(_used)


def prune(root: Path) -> int:
    """Remove every entry of the cache folders in `root` that the current build did not `use`
    (also temporaries a killed build left); the number removed. Call it only after a build
    succeeded: a failed build prunes nothing. A folder entry is first renamed to a temporary
    name, so no half-removed entry is ever found under its key."""
    removed = 0
    for folder in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        for entry in sorted(folder.iterdir()):
            if os.path.abspath(entry) in _used:
                continue
            if entry.is_dir() and not entry.is_symlink():
                doomed = entry.with_name(f".{entry.name}.pruned")
                shutil.rmtree(doomed, ignore_errors=True)
                os.replace(entry, doomed)
                shutil.rmtree(doomed)
            else:
                entry.unlink()
            removed += 1
    return removed


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A unique temporary file beside `path` for the block to write; renamed onto `path` when the
    block ends. On any failure (a full disk) it is removed and `path` is as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    temporary = Path(name)
    try:
        yield temporary
        os.replace(temporary, path)
    except BaseException as exc:
        temporary.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename is None:  # a failed write names no file
            exc.filename = str(path)
        raise


def write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically (see `replacing`)."""
    with replacing(path) as temporary:
        temporary.write_bytes(data)


def load(path: Path | None):
    """The object kept at `path`; None when there is none or it cannot be read back."""
    if path is None or not path.is_file():
        return None
    try:
        with path.open("rb") as handle:  # read as it is unpickled: no copy of the file in memory
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        return None


def store(path: Path | None, value) -> None:
    """Keep `value` at `path` (atomically, see `replacing`), pickled straight into the file."""
    if path is not None:
        with replacing(path) as temporary, temporary.open("wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
