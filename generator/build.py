"""`azx build`: validate → load → compute → draw → render → mkdocs → manifest → swap.

One function, one commented line a phase. Bad data stops the build at the first phase and leaves
the published folder exactly as it was; every later phase works in `.build/` and a staging folder,
and the finished site replaces the old one in a single rename.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from generator import manifest, site, uptodate
from generator.load import package_root

ASSETS = Path(__file__).parent / "assets"
DEFAULT_WORK_DIR = site.CONFIG.parent / ".build"


class Progress:
    """Prints one line a phase with its number and the seconds it took."""

    def __init__(self, phases: int) -> None:
        self.phases, self.step, self.started = phases, 0, time.perf_counter()
        self.mark = self.started

    def __call__(self, text: str) -> None:
        now = time.perf_counter()
        self.step += 1
        print(f"[{self.step}/{self.phases}] {text}({now - self.mark:.1f} 秒)", flush=True)
        self.mark = now

    def total(self) -> float:
        return time.perf_counter() - self.started


def build(data_root: Path, site_dir: Path, work_dir: Path | None = None) -> int:
    """Build the site of the package at `data_root` into `site_dir`; 0 on success, 1 on bad data.

    `site_dir` is replaced atomically, and only after every phase succeeded. When no input
    changed since the last build into `site_dir` and that site is intact, nothing is rebuilt.
    """
    data_root, site_dir = package_root(data_root), Path(site_dir)
    work_dir = Path(work_dir) if work_dir else DEFAULT_WORK_DIR
    docs_dir, cache_dir = work_dir / "docs", work_dir / "cache"

    # 0. up to date: same data, history, docs, config, code and libraries as the site's build
    inputs = uptodate.inputs_key(data_root)
    if uptodate.is_current(work_dir, site_dir, inputs):
        print(f"数据、页面、配置和程序都没有变化,{site_dir}/ 已是最新(已核对全部文件)。")
        return 0
    # the pipeline's modules are imported here, so that the check above stays fast
    from generator import charts, downloads, pages, releases
    from generator.load import load_package
    from generator.report import format_human
    from generator.rules import RULES
    from generator.validate import validate_package

    done = Progress(9)

    # 1. validate: schema and business rules; any error stops here, site/ untouched
    report = validate_package(data_root)
    if report.errors:
        print(format_human(report))
        print(f"数据有 {len(report.errors)} 个错误,未生成网站;{site_dir}/ 保持不变。")
        return 1
    done(f"校验数据:0 个错误,{len(report.warnings)} 个警告")

    # 2. load: typed DataFrames of every resource
    package = load_package(data_root)
    done(f"读取数据:{sum(len(f) for f in package.frames.values())} 行")

    # 3. compute: every figure of every page (pure functions, no I/O)
    figures = pages.compute(package)
    updated = last_updated(data_root, figures["as_of"])
    site_data = pages.SiteData(package, report.warnings, list(RULES), figures=figures)
    site_data.releases = releases.data_releases(data_root, cache_dir / "releases")
    done(f"计算指标:数据截至 {figures['period']}")

    # 4. downloads: every resource as CSV, JSON and XLSX, and the package as a zip
    shutil.rmtree(docs_dir, ignore_errors=True)
    docs_dir.mkdir(parents=True)
    site_data.downloads = downloads.write_downloads(package, docs_dir, cache_dir / "downloads")
    done(f"下载文件:{sum(len(d['files']) for d in site_data.downloads)} 个")

    # 5. draw: charts whose inputs changed (the rest come from the cache)
    planned = pages.plan(site_data)
    specs = [c for page in planned for c in page.charts]
    drawn, fresh = charts.draw_all(specs, docs_dir, cache_dir / "charts")
    done(f"绘制图表:{len(drawn)} 张,其中新绘制 {fresh} 张")

    # 6. render: Markdown pages from the templates, plus the stylesheets
    pages.render(planned, {c.name: c for c in drawn}, docs_dir, updated, package)
    shutil.copytree(ASSETS, docs_dir / "assets")
    releases.write_feed(site_data.releases, docs_dir, package.descriptor)
    done(f"生成页面:{len(planned)} 页")

    # 7. mkdocs build --strict into a staging folder (skipped when nothing changed)
    key = tree_key(docs_dir)
    if unchanged(work_dir, site_dir, key):
        uptodate.remember(work_dir, site_dir, key, inputs)
        done(f"网站内容没有变化,保留现有 {site_dir}/")
        print(f"完成:{site_dir}/ 已是最新,用时 {done.total():.1f} 秒。")
        return 0
    staging = site.staging_dir(site_dir)
    shutil.rmtree(staging, ignore_errors=True)
    try:
        with source_date_epoch(updated([])):
            site.mkdocs_build_strict(docs_dir, staging)
    except site.SiteBuildError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    done("MkDocs 构建(--strict)")

    # 8. manifest: proof for `azx publish` that this site came from valid data
    built = manifest.write_manifest(staging, data_root, len(report.errors), len(report.warnings))
    done(f"写入 {manifest.MANIFEST}")

    # 9. swap: the new site replaces the old one in one rename
    site.swap_into_place(staging, site_dir)
    uptodate.remember(work_dir, site_dir, key, inputs)
    html_pages = sum(1 for name in built["files"] if name.endswith(".html"))
    done(f"替换 {site_dir}/")
    print(f"完成:{html_pages} 个网页,用时 {done.total():.1f} 秒。")
    return 0


def last_updated(data_root: Path, as_of: dt.date) -> Callable[[list[str]], dt.date]:
    """Date a page's data last changed: its files' last commit, else the data's as-of date.

    With no files given, the date of the whole package.
    """
    cache: dict[tuple[str, ...], dt.date] = {}
    every = [p.name for p in manifest.data_files(data_root)]

    def updated(files: list[str]) -> dt.date:
        names = tuple(sorted(files or every))
        if names not in cache:
            from generator import releases

            cache[names] = releases.last_changed(data_root, list(names)) or as_of
        return cache[names]

    return updated


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


def tree_key(docs_dir: Path) -> str:
    """One hash of the docs tree, the MkDocs config and the builder versions."""
    from importlib.metadata import version

    digest = hashlib.sha256()
    for part in ("mkdocs", "mkdocs-material", "pymdown-extensions", "jieba"):
        digest.update(f"{part}={version(part)}\0".encode())
    digest.update(site.CONFIG.read_bytes())
    for path in sorted(p for p in docs_dir.rglob("*") if p.is_file()):
        digest.update(path.relative_to(docs_dir).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def unchanged(work_dir: Path, site_dir: Path, key: str) -> bool:
    """True when `site_dir` is still exactly what the last build made from this docs tree."""
    record = uptodate.read_record(work_dir)
    return record.get("key") == key and uptodate.site_intact(site_dir, record)


def main(data_root: str, site_dir: str, work_dir: str | None = None) -> int:
    """Entry point for the CLI: build and report MkDocs failures as one clear message."""
    try:
        return build(Path(data_root), Path(site_dir), Path(work_dir) if work_dir else None)
    except site.SiteBuildError as exc:
        print(f"MkDocs 构建失败,{site_dir}/ 保持不变:{exc}", file=sys.stderr)
        return 1
