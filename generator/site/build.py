"""`azx build`: load → compute → downloads → validate → draw → render → mkdocs → manifest → swap.

One function, one commented line a phase. Bad data stops the build and leaves the published
folder exactly as it was; every phase works in `.build/` and a staging folder, and the finished
site replaces the old one in a single rename.

Two cores are used: a second process validates the package while this one loads it, computes
the figures, writes the downloads and plans the pages; the chart workers then draw into the
cache, and no chart reaches the site before validation has passed. The second process then loads
MkDocs and its Chinese dictionary and builds the site from the pages.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from generator import cache
from generator.errors import BadData
from generator.lock import work_folder_lock
from generator.package.load import package_root
from generator.project import Project
from generator.site import manifest, uptodate
from generator.site import mkdocs_build as site
from generator.site import publisher as publishers
from generator.site.helper import Helper
from generator.site.mkdocs_cache import lexicon_of

if TYPE_CHECKING:
    from generator.site.charts.workers import Workers

ASSETS = Path(__file__).parent / "assets"
# a disk or folder that refuses writes: one line, not a traceback
DISK_ERRORS = {errno.EROFS: "只读文件系统", errno.ENOSPC: "磁盘空间不足",
               errno.EDQUOT: "超出磁盘配额", errno.EACCES: "没有写入权限",
               errno.EPERM: "没有写入权限", errno.EBUSY: "目录正被占用,可能是挂载点",
               errno.EXDEV: "不能跨文件系统替换"}


def unwritable(exc: OSError) -> str:
    """' path' of what a DISK_ERRORS failure could not write, '' when it names none. A copy
    that runs out of space names its source first and its destination second."""
    full = exc.errno in {errno.ENOSPC, errno.EDQUOT}
    name = exc.filename2 if full and exc.filename2 else exc.filename
    return f" {name}" if name else ""


class Progress:
    """Prints one line a phase with its number and the seconds it took."""

    def __init__(self, phases: int) -> None:
        self.phases, self.step, self.started = phases, 0, time.perf_counter()
        self.mark = self.started

    def __call__(self, text: str, seconds: float | None = None) -> None:
        now = time.perf_counter()
        self.step += 1
        took = now - self.mark if seconds is None else seconds
        print(f"[{self.step}/{self.phases}] {text}({took:.1f} 秒)", flush=True)
        self.mark = now

    def total(self) -> float:
        return time.perf_counter() - self.started


def build(data_root: Path, site_dir: Path, work_dir: Path | None = None,
          project: Project | None = None) -> int:
    """Build the site of the package at `data_root` into `site_dir`; 0 on success, 1 on bad data.

    `site_dir` is replaced atomically, and only after every phase succeeded. When no input
    changed since the last build into `site_dir` and that site is intact, nothing is rebuilt.
    `project` (mkdocs.yml, docs/, the default work folder) is found from the current directory
    when not given.
    """
    project = project or Project.find()
    data_root, site_dir = package_root(data_root), Path(site_dir)
    work_dir = Path(work_dir) if work_dir else project.work_dir
    publisher = publishers.load(data_root, project.data)  # a bad publisher file stops here (exit 2)

    # 0. up to date: same data, history, docs, config, code and libraries as the site's build
    inputs = uptodate.inputs_key(data_root, project)
    if uptodate.is_current(work_dir, site_dir, inputs):
        print(f"数据、页面、配置和程序都没有变化,{site_dir}/ 已是最新(已核对全部文件)。")
        return 0
    fresh_work_dir = not work_dir.exists()
    # the pipeline's modules are imported here, so that the check above stays fast (and before
    # the second process is forked, which validates with the rules: site/helper.py)
    import generator.site.pages  # noqa: F401
    import generator.validate.rules.catalog  # noqa: F401

    with work_folder_lock(work_dir):
        return _locked_build(project, data_root, site_dir, work_dir, inputs, fresh_work_dir,
                             publisher)


def _locked_build(project: Project, data_root: Path, site_dir: Path, work_dir: Path,
                  inputs: str | None, fresh_work_dir: bool,
                  publisher: publishers.Publisher) -> int:
    cache.begin()
    kept = cache.use(work_dir / "cache" / "mkdocs" / "kept")  # MkDocs's work (mkdocs_cache)
    cache.use(lexicon_of(kept))  # rewritten by the build that finds it stale
    helper = Helper(data_root, work_dir / "cache" / "validation", project.config,
                    work_dir / "cache" / "schema", kept)
    from generator.site.charts.workers import Workers

    workers = Workers()  # forked before the package is read: it starts small (charts/workers.py)
    try:
        return _build(project, data_root, site_dir, work_dir, inputs, helper, workers, publisher)
    except BadData as bad:
        from generator.validate.report import format_human

        workers.close()  # no drawing goes on into the work folder
        if fresh_work_dir:  # bad data leaves nothing behind, not even a work folder
            shutil.rmtree(work_dir, ignore_errors=True)
        print(format_human(bad.report))
        print(f"数据有 {len(bad.report.errors)} 个错误,未生成网站;{site_dir}/ 保持不变。")
        return 1
    finally:
        workers.close()
        helper.close()


def _build(project: Project, data_root: Path, site_dir: Path, work_dir: Path,
           inputs: str | None, helper: Helper, workers: Workers,
           publisher: publishers.Publisher) -> int:
    """The phases of `build` after the up-to-date check; BadData when validation fails."""
    from generator.history import releases
    from generator.package.load import load_package
    from generator.site import downloads, pages, render, roster
    from generator.site.charts import draw
    from generator.site.figures import compute
    from generator.validate.rules.catalog import cited

    docs_dir, cache_dir = work_dir / "docs", work_dir / "cache"
    done = Progress(9)
    try:
        # 1. load: typed DataFrames of every resource (validation runs meanwhile: site/helper.py)
        package = load_package(data_root, cache_dir / "frames")
        done(f"读取数据:{sum(len(f) for f in package.frames.values())} 行")
        helper.check()

        # 2. compute: every figure of every page (pure functions, no I/O)
        figures = compute(package)
        updated = last_updated(data_root, figures.as_of)
        site_data = pages.SiteData(package, [], cited(publisher.plan_title), figures=figures,
                                   about=project.hand_written("about.md"), publisher=publisher,
                                   cache_dir=cache_dir)
        site_data.releases = releases.data_releases(data_root, cache_dir / "releases")
        done(f"计算指标:数据截至 {figures.period}")
        helper.check()

        # 3. downloads: every resource as CSV, JSON and XLSX, and the package as a zip
        shutil.rmtree(docs_dir, ignore_errors=True)
        docs_dir.mkdir(parents=True)
        site_data.downloads = downloads.write_downloads(package, docs_dir, cache_dir / "downloads")
        # the lookup's static JSON is kept in the cache; it joins the site after MkDocs (step 7)
        lookup = roster.prepare_lookup(package, figures.period, cache_dir / "lookup")
        done(f"下载文件:{sum(len(d['files']) for d in site_data.downloads)} 个")
        helper.check()

        planned = pages.plan(site_data)
        specs = [c for page in planned for c in page.charts]
        # the workers draw the charts while validation finishes, into the cache only: the site
        # gets them after validation has passed (step 5)
        keys = [draw.key(c) for c in specs]  # computed once for `start` and `place`
        drawing = draw.start(specs, keys, cache_dir / "charts", workers)
    except BadData:
        raise
    except Exception:
        helper.check(wait=True)  # bad data explains the failure; otherwise it is a bug
        raise

    # 4. validate: schema and business rules; any error stops here, site/ untouched
    report = helper.check(wait=True)
    kept = "(数据和程序与上次通过校验时相同,沿用其结果)" if helper.from_cache else ""
    done(f"校验数据:0 个错误,{len(report.warnings)} 个警告{kept}", helper.validation_seconds)

    # 5. draw: the charts whose inputs changed are drawn by now (the rest come from the cache)
    fresh = drawing()
    workers.close()
    drawn = draw.place(specs, keys, docs_dir, cache_dir / "charts")
    done(f"绘制图表:{len(drawn)} 张,其中新绘制 {fresh} 张")
    stats = {"charts": len(drawn), "charts_drawn": fresh, "charts_cached": len(drawn) - fresh}
    cache.write_bytes(work_dir / "build-stats.json", json.dumps(stats).encode())  # CI's summary

    # 6. render: Markdown pages from the templates, plus the stylesheets
    site_data.warnings.extend(report.warnings)  # the list the validation page was planned with
    render.render(planned, {c.name: c for c in drawn}, docs_dir, updated, package,
                 cache_dir / "templates", publisher.search_aliases, publisher.city)
    shutil.copytree(ASSETS, docs_dir / "assets")
    releases.write_feed(site_data.releases, docs_dir, package.descriptor, publisher.site_url,
                        publisher.issuer, issues=pages.issues(planned))
    done(f"生成页面:{len(planned)} 页")

    # 7. mkdocs build --strict into a staging folder (skipped when nothing changed)
    key = tree_key(docs_dir, project.config, publisher, lookup.name if lookup else "",
                   {f["path"]: bytes.fromhex(f["sha256"]) for d in site_data.downloads
                    for f in d["files"]})
    if unchanged(work_dir, site_dir, key):
        uptodate.remember(work_dir, site_dir, key, inputs)
        cache.prune(cache_dir)
        done(f"网站内容没有变化,保留现有 {site_dir}/")
        print(f"完成:{site_dir}/ 已是最新,用时 {done.total():.1f} 秒。")
        return 0
    staging = site.staging_dir(site_dir)
    shutil.rmtree(staging, ignore_errors=True)
    try:
        reused = helper.build_site(docs_dir, staging, updated([]), publisher.as_dict())
    except site.SiteBuildError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    looked_up = roster.place_lookup(lookup, staging, site_dir)  # the cache's bytes
    done(f"MkDocs 构建(--strict):沿用上次转换的页面 {reused} 个;企业查询文件 {looked_up} 个")

    # 8. manifest: proof for `azx publish` that this site came from valid data
    built = manifest.write_manifest(staging, data_root, len(report.errors), len(report.warnings))
    done(f"写入 {manifest.MANIFEST}")

    # 9. swap: the new site replaces the old one in one rename
    site.swap_into_place(staging, site_dir)
    uptodate.remember(work_dir, site_dir, key, inputs)
    cache.prune(cache_dir)  # only now: a failed build keeps every entry
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
            from generator.history import releases

            cache[names] = releases.last_changed(data_root, list(names)) or as_of
        return cache[names]

    return updated



def tree_key(docs_dir: Path, config: Path, publisher: publishers.Publisher,
             extra: str = "", known: dict[str, bytes] | None = None) -> str:
    """One hash of the docs tree, the MkDocs config, theme overrides and publisher, the library
    versions and `extra` (the lookup files' cache key: they are placed into the site directly).
    `known`: the SHA-256 of files already hashed (the downloads), by path under `docs_dir`."""
    known = known or {}
    digest = hashlib.sha256(extra.encode() + b"\0")
    for line in cache.library_versions():
        digest.update(line.encode() + b"\0")
    digest.update(config.read_bytes())
    digest.update(repr(publisher).encode())
    for path in sorted(p for p in site.THEME.rglob("*") if p.is_file()):
        digest.update(path.relative_to(site.THEME).as_posix().encode() + b"\0" + path.read_bytes())
    for path in sorted(p for p in docs_dir.rglob("*") if p.is_file()):
        name = path.relative_to(docs_dir).as_posix()
        digest.update(name.encode() + b"\0")
        digest.update(known.get(name) or cache.file_digest(path))  # a download: hundreds of MB
    return digest.hexdigest()


def unchanged(work_dir: Path, site_dir: Path, key: str) -> bool:
    """True when `site_dir` is still exactly what the last build made from this docs tree."""
    record = uptodate.read_record(work_dir)
    return record.get("key") == key and uptodate.site_intact(site_dir, record)
