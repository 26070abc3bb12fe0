"""MkDocs build of the generated docs tree into a staging folder, and the atomic swap into place.

The public folder (`site/`) is never half written: the new site is built next to it and then
exchanged with it in one `renameat2(RENAME_EXCHANGE)` system call (Linux); elsewhere two renames
leave only a moment where `site/` is missing, never one where it is mixed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import io
import logging
import os
import shutil
import sys
from contextlib import redirect_stdout
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, MkDocsException

from generator.errors import SiteBuildError
from generator.site import publisher as publishers


def _jieba_alone() -> None:
    """Import jieba (the Chinese segmenter of Material's search) without pkg_resources: jieba
    takes it, where installed, only to open its own data files, which it otherwise opens by
    path (the same files); importing pkg_resources reads the metadata of every installed
    distribution, about 0.1 s of CPU a build. Later imports of pkg_resources work as ever."""
    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        return
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # importing it now fails
    try:
        import jieba  # noqa: F401
    except ImportError:  # no jieba: Material's search does without
        pass
    finally:
        del sys.modules["pkg_resources"]


_jieba_alone()

from generator.site import mkdocs_cache  # noqa: E402  (after jieba is imported)

THEME = Path(__file__).parent / "theme"  # theme overrides: footer, feed link, Chinese 404
AT_FDCWD = -100
RENAME_EXCHANGE = 2


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def staging_dir(site_dir: Path) -> Path:
    """A sibling of `site_dir` (same file system, so the swap is a rename)."""
    return site_dir.parent / f".{site_dir.name}.staging"


def mkdocs_build_strict(docs_dir: Path, out_dir: Path, config_file: Path,
                        publisher: dict | None = None, kept: Path | None = None) -> int:
    """Build `docs_dir` with `config_file` (mkdocs.yml) into `out_dir`, strict: any warning
    fails the build. Relative paths are taken from the current directory. `publisher` (see
    `publisher.Publisher`) gives the site's URL and what the footer shows. With `kept` (a file of
    the work folder), pages' conversions are kept there across builds (`mkdocs_cache`); the
    number of pages whose conversion came from there."""
    urls = {"site_url": publisher["site_url"]} if publisher else {}
    logging.getLogger("jieba").setLevel(logging.WARNING)  # its start-up chatter is not news
    logger = logging.getLogger("mkdocs")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        config = load_config(  # MkDocs itself would take them from the config file's folder
            str(Path(config_file).resolve()), docs_dir=str(Path(docs_dir).resolve()),
            site_dir=str(Path(out_dir).resolve()), strict=True, **urls
        )
        config.extra["publisher"] = publisher
        if publisher and publisher.get("search_aliases"):
            _search_words(config, Path(docs_dir).resolve().parent, publisher["search_aliases"])
        # The package's theme overrides (footer, feed link, Chinese 404) come first, as a
        # custom_dir would: they are code of this package, not files of the project folder.
        config.theme.dirs.insert(0, str(THEME))
        with redirect_stdout(io.StringIO()), mkdocs_cache.kept(kept, config_file, config) as store:
            mkdocs_build(config)
        return store.hits if store is not None else 0
    except (Abort, MkDocsException) as exc:
        details = "\n".join(f"  {m}" for m in handler.messages)
        raise SiteBuildError(f"{exc}\n{details}".rstrip()) from exc
    finally:
        logger.removeHandler(handler)


def _search_words(config, work_dir: Path, aliases: dict) -> None:
    """Give the search's Chinese segmenter (jieba) the publisher's short names as a user
    dictionary written into the work folder, so that 危化品 is indexed, and found, as one word."""
    search = config.plugins.get("material/search")
    if search is None:
        return
    words = work_dir / "search-words.txt"
    words.write_text("".join(f"{word}\n" for word in publishers.search_words(aliases)),
                     encoding="utf-8")
    search.config.jieba_dict_user = str(words)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with renameat2; False when the system cannot."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    return result == 0


def swap_into_place(staging: Path, site_dir: Path) -> None:
    """Make `staging` the new `site_dir`; the old site is deleted once it is out of the way."""
    if not site_dir.exists():
        staging.rename(site_dir)
        return
    if _exchange(staging, site_dir):
        shutil.rmtree(staging)
        return
    old = site_dir.parent / f".{site_dir.name}.old"
    shutil.rmtree(old, ignore_errors=True)
    site_dir.rename(old)
    staging.rename(site_dir)
    shutil.rmtree(old)
