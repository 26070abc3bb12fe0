"""The second process of a build: it validates the package while the first one loads and
computes, then loads MkDocs and builds the site from the pages the first one wrote
(generator.background forks it; where processes cannot be forked, the work runs in place).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from mkdocs.exceptions import MkDocsException

from generator import background, cache
from generator.errors import BadData
from generator.site import manifest
from generator.site import mkdocs_build as site


class Helper:
    """The second process of a build: it validates the package, then loads MkDocs and the
    Chinese dictionary of its search index, then builds the site when the pages are written.

    A package that passed validation is not validated again while its files, the generator's
    code and the validating libraries stay byte for byte the same: the report is kept in
    `cache_dir` under the hash of all of them. With `schema_dir`, what validation finds of each
    table and each business rule is kept there too, so that a package with one file changed has
    Frictionless read that file alone and only the rules reading it run again (`validate.keep`).
    Where processes cannot be forked, the same work runs in this process when it is asked for.
    """

    def __init__(self, data_root: Path, cache_dir: Path, config: Path | None = None,
                 schema_dir: Path | None = None, kept: Path | None = None) -> None:
        self.data_root, self.config, self.validation_seconds = data_root, config, 0.0
        self.kept = kept  # the file of MkDocs's page conversions kept across builds
        self.schema_dir, self.schema_entries = schema_dir, frozenset[str]()
        self.process = self.conn = None
        self.key = validation_key(data_root)
        self.cached = cache.use(cache_dir / f"{self.key}.pickle" if self.key else None)
        self.report = None
        kept = cache.load(self.cached)
        if isinstance(kept, tuple) and len(kept) == 2:  # the report, and its tables' entries
            self.report, self.schema_entries = kept
            self._mark()  # kept for the next package with a file changed
        self.from_cache = self.report is not None
        if not self.from_cache:  # imported before the fork: both processes share the import
            import generator.validate.pipeline  # noqa: F401
        self.process, self.conn = (background.start(_serve, data_root, not self.from_cache, config,
                                                    schema_dir, self.kept)
                                   or (None, None))

    def check(self, wait: bool = False):
        """The validation report once it is there (waiting for it with `wait`); BadData when it
        has errors. None while validation is still running."""
        if self.report is None:
            if self.conn is None:
                from generator.validate.pipeline import validate_package

                started, before = time.perf_counter(), cache.used()
                self.report = validate_package(self.data_root, cache_dir=self.schema_dir)
                self.validation_seconds = time.perf_counter() - started
                self.schema_entries = frozenset(Path(p).name for p in cache.used() - before)
            elif wait or self.conn.poll():
                self.report, self.validation_seconds, self.schema_entries = _answer(self.conn)
                self._mark()  # marked in the second process, not in this one
            if self.report is not None and not self.report.errors:
                cache.store(self.cached, (self.report, self.schema_entries))
        if self.report is not None and self.report.errors:
            raise BadData(self.report)
        return self.report

    def _mark(self) -> None:
        """Mark the entries of the tables' outcomes (names in `schema_dir`) as used."""
        if self.schema_dir is not None:
            for name in self.schema_entries:
                cache.use(self.schema_dir / name)

    def build_site(self, docs_dir: Path, staging: Path, day: dt.date, publisher: dict) -> int:
        """`mkdocs build --strict` of `docs_dir` with the helper's mkdocs.yml into `staging`,
        dated `day` (SiteBuildError); the number of pages whose conversion was kept."""
        assert self.config is not None, "a helper that builds is given the project's mkdocs.yml"
        if self.conn is None:
            with source_date_epoch(day):
                return site.mkdocs_build_strict(docs_dir, staging, self.config, publisher,
                                                self.kept)
        self.conn.send((docs_dir, staging, day, publisher))
        return _answer(self.conn)

    def close(self) -> None:
        """Stop the second process: it only reads, and any site it built has been answered."""
        if self.process is not None:
            background.stop(self.process, self.conn)
            self.process = None


# The code that decides a validation report.
VALIDATING_CODE = ("generator.validate", "generator.package", "generator.background")


def validation_key(data_root: Path) -> str | None:
    """The cache fingerprint of a validation report: the package's files, the validating code
    and the library versions; None when the package cannot be listed."""
    try:
        data = manifest.data_digest(data_root)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return cache.fingerprint([data], code=VALIDATING_CODE)


def _answer(conn):
    """The next answer of the second process; its exception is raised here."""
    try:
        kind, value = conn.recv()
    except EOFError:
        raise RuntimeError("校验和网站构建进程意外退出") from None
    if kind == "raise":
        raise value
    return value


def _serve(conn, data_root: Path, validate: bool, config: Path | None,
           schema_dir: Path | None, kept: Path | None = None) -> None:
    """The second process: validate (unless the report is kept; tables' outcomes kept in
    `schema_dir`), warm MkDocs up with `config` (mkdocs.yml; None when this helper builds no
    site), then build the site when told to (page conversions kept in the file `kept`)."""
    try:
        if validate:
            from generator.validate.pipeline import validate_package

            started, before = time.perf_counter(), cache.used()
            report = validate_package(data_root, cache_dir=schema_dir)
            used = frozenset(Path(p).name for p in cache.used() - before)
            conn.send(("ok", (report, time.perf_counter() - started, used)))
    except Exception as exc:  # handed to the main process, which raises it
        _send_error(conn, exc)
        return
    if config is None:
        return
    try:
        _warm_up_mkdocs(config, jieba_too=not (kept and kept.is_file()))
    except MkDocsException:  # a broken mkdocs.yml: the build below reports it
        pass
    try:
        docs_dir, staging, day, publisher = conn.recv()
    except EOFError:
        return
    try:
        with source_date_epoch(day):
            hits = site.mkdocs_build_strict(docs_dir, staging, config, publisher, kept)
        conn.send(("ok", hits))
    except Exception as exc:
        _send_error(conn, exc)


def _warm_up_mkdocs(config: Path, jieba_too: bool = True) -> None:
    """Load what every MkDocs build loads first: its plugins and Markdown extensions (by reading
    mkdocs.yml once, against an empty folder) and, with `jieba_too`, jieba's dictionary for the
    Chinese search (with kept segmentations, the build loads it only if a text is new)."""
    import jieba
    from mkdocs.config import load_config

    from generator.site import mkdocs_cache  # (imported by mkdocs_build, after jieba)

    logging.getLogger("mkdocs").addHandler(logging.NullHandler())  # the build reports problems
    jieba.setLogLevel(logging.WARNING)  # its start-up chatter is not news
    if jieba_too:
        mkdocs_cache.load_dictionary()
    with tempfile.TemporaryDirectory() as empty:
        (Path(empty) / "docs").mkdir()
        load_config(str(config), docs_dir=str(Path(empty) / "docs"),
                    site_dir=str(Path(empty) / "site"))


def _send_error(conn, exc: Exception) -> None:
    try:
        conn.send(("raise", exc))
    except Exception:  # an exception that cannot be pickled travels as its text
        conn.send(("raise", RuntimeError(f"{type(exc).__name__}: {exc}")))

@contextmanager
def source_date_epoch(day: dt.date):
    """Set SOURCE_DATE_EPOCH (used by MkDocs for the sitemap) to `day` for the block."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    os.environ["SOURCE_DATE_EPOCH"] = str(int(moment.timestamp()))
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
