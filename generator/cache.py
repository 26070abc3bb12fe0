"""Objects kept on disk between builds, for the content-keyed caches under the work folder."""

from __future__ import annotations

import pickle
from pathlib import Path

from generator.atomic import write_atomic


def load(path: Path | None):
    """The object kept at `path`; None when there is none or it cannot be read back."""
    if path is None or not path.is_file():
        return None
    try:
        return pickle.loads(path.read_bytes())
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        return None


def store(path: Path | None, value) -> None:
    """Keep `value` at `path`: written to a temporary name, then renamed into place."""
    if path is None:
        return
    write_atomic(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
