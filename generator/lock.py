"""One lock per work folder: two builds (or `serve` and `build`) never share one at a time."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.errors import ConfigurationError

LOCK = ".lock"


@contextmanager
def work_folder_lock(work_dir: Path) -> Iterator[None]:
    """Hold the work folder's lock for the block; ConfigurationError (exit 2) when another
    process holds it. The kernel releases it when the holder ends, however it ends."""
    work_dir.mkdir(parents=True, exist_ok=True)
    with open(work_dir / LOCK, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConfigurationError(
                f"另一个 azx build 或 azx serve 正在使用工作目录 {work_dir},请等它结束后再运行"
            ) from None
        yield
