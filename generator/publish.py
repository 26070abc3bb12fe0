"""Publish a built site to a self-hosted web root: immutable releases and an atomic switch.

Layout of the destination (the web server's root is the destination itself)::

    DEST/releases/0007-3fa9c1d2e4b5/   one full copy of a built site per release, never modified
    DEST/current -> releases/0007-…    the live release (a relative symlink, switched by rename)
    DEST/pool/                         every content-hashed asset of every kept release

A page of release A names its assets by content hash. If the switch to release B happens between
the page and its asset request, B has no such file; the web server then falls back to `pool/`,
which holds the assets of every kept release, so the browser still gets A's asset. The pool gets a
release's assets before `current` points at it and loses them only when the release is pruned.

Release ids are `<counter>-<data sha256[:12]>`: sortable, free of clocks, and telling which data
a release was built from. "Previous" means the release before the live one in that order.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import PublishError, UsageError
from generator.package.load import DESCRIPTOR
from generator.site import manifest

RELEASES = "releases"
CURRENT = "current"
POOL = "pool"
LOCK = ".publish.lock"
DEFAULT_KEEP = 5

RELEASE_ID = re.compile(r"^(\d{4,})-([0-9a-f]{12})$")
# `name.<8+ hex>.ext`, `name.<hex>.min.ext` (MkDocs Material's assets) or `name-<hex>.ext` (our
# charts). Such a path always holds the same bytes: every release can share it, browsers keep it.
HASHED_ASSET = r"[.-][0-9a-f]{8,64}(\.min)?\.(css|js|svg|png|jpg|webp|woff2?)$"
_HASHED = re.compile(HASHED_ASSET)

NGINX_SERVER_BLOCK = """\
server {{
    listen {listen};
    server_name {server_name};
    root {root};
    charset utf-8;

    gzip on;
    gzip_vary on;
    gzip_min_length 1024;
    gzip_types text/css application/javascript application/json image/svg+xml text/plain
               text/csv application/xml;

    # Content-hashed assets never change: cache them for a year. After a switch, a page of the
    # previous release still finds its assets in pool/.
    location ~ "{hashed}" {{
        add_header Cache-Control "public, max-age=31536000, immutable";
        try_files /current$uri /pool$uri =404;
    }}

    # Pages, search index, downloads: revalidate on every visit so a switch shows at once.
    location / {{
        add_header Cache-Control "no-cache";
        try_files /current$uri /current${{uri}}index.html /current$uri/index.html =404;
    }}

    error_page 404 /404.html;
    location = /404.html {{
        add_header Cache-Control "no-cache";
        try_files /current/404.html =404;
    }}
}}
"""


@dataclass
class Outcome:
    """What a publish or rollback did, for the command to print."""

    live: str
    previous_live: str | None
    published: str | None = None
    files: int = 0
    pruned: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Chinese lines telling what happened and which release is live."""
        out = []
        if self.published:
            out.append(f"已发布新版本 {self.published}({self.files} 个文件)")
        else:
            out.append(f"已回滚:{self.previous_live} → {self.live}")
        if self.pruned:
            out.append(f"已清理旧版本:{'、'.join(self.pruned)}")
        out.append(f"当前上线版本:{self.live}")
        return out


def nginx_server_block(root: Path | str, listen: str = "80", server_name: str = "_") -> str:
    """The nginx `server` block that serves a publish destination (see OPERATIONS.md)."""
    return NGINX_SERVER_BLOCK.format(
        root=root, listen=listen, server_name=server_name, hashed=HASHED_ASSET
    )


def is_hashed_asset(relpath: str) -> bool:
    return bool(_HASHED.search(relpath))


def verify_site(site: Path, data: Path) -> dict:
    """Return the site's manifest if it proves a successful build of `data`; else PublishError."""
    built = manifest.read_manifest(site)
    if built is None:
        raise PublishError(
            f"拒绝发布:{site}/ 中没有有效的 {manifest.MANIFEST},它不是 azx build 成功生成的网站。"
            "请先运行 azx build。"
        )
    errors = built.get("validation", {}).get("errors", 0)
    if errors:
        raise PublishError(
            f"拒绝发布:{site}/{manifest.MANIFEST} 记录了 {errors} 个校验错误。"
            "请先改正数据并重新运行 azx build。"
        )
    if built.get("data_sha256") != _data_digest(data):
        raise PublishError(
            f"拒绝发布:{site}/ 不是用 {data}/ 中的这版数据生成的(数据摘要不一致)。"
            "请重新运行 azx build。"
        )
    problems = _file_problems(site, built.get("files", {}))
    if problems:
        more = f"(另有 {len(problems) - 1} 个文件有问题)" if len(problems) > 1 else ""
        raise PublishError(f"拒绝发布:{problems[0]}{more}。请重新运行 azx build。")
    return built


def _data_digest(data: Path) -> str:
    descriptor = data / DESCRIPTOR
    if not descriptor.is_file():
        raise UsageError(f"数据目录 {data}/ 中没有 {DESCRIPTOR}(用 --data 指定数据目录)")
    try:
        return manifest.data_digest(data)
    except (ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"{descriptor} 不是有效的数据包描述文件,请先运行 azx validate") from exc


def _file_problems(site: Path, listed: dict[str, str]) -> list[str]:
    actual = manifest.site_files(site)
    problems = []
    for name, digest in sorted(listed.items()):
        if name not in actual:
            problems.append(f"{manifest.MANIFEST} 列出的 {site}/{name} 不存在")
        elif actual[name] != digest:
            problems.append(
                f"{site}/{name} 与 {manifest.MANIFEST} 记录的 sha256 不一致,生成后被修改过"
            )
    for name in sorted(set(actual) - set(listed)):
        problems.append(f"{site}/{name} 不在 {manifest.MANIFEST} 中,不是 azx build 生成的")
    return problems


def publish(site: Path, data: Path, dest: Path, keep: int = DEFAULT_KEEP) -> Outcome:
    """Verify `site`, copy it to a new release under `dest`, switch `current` to it, prune."""
    built = verify_site(site, data)
    _prepare(dest)
    with _locked(dest):
        releases = list_releases(dest)
        previous_live = live_release(dest)
        release = f"{_next_counter(releases):04d}-{built['data_sha256'][:12]}"
        try:
            files = _copy_release(site, dest, release)
        except OSError as exc:
            raise PublishError(
                f"复制到 {dest}/{RELEASES}/ 失败({exc.strerror or exc}),"
                f"线上版本未改变:{previous_live or '无'}"
            ) from exc
        _add_to_pool(dest, release)
        switch(dest, release)
        pruned = prune(dest, keep)
    return Outcome(release, previous_live, published=release, files=files, pruned=pruned)


def rollback(dest: Path) -> Outcome:
    """Switch `current` back to the release before the live one."""
    if not dest.is_dir():
        raise UsageError(f"目标目录 {dest} 不存在")
    with _locked(dest):
        live = live_release(dest)
        if live is None:
            raise PublishError(f"无法回滚:{dest} 中还没有上线的版本")
        earlier = [r for r in list_releases(dest) if r < live]
        if not earlier:
            raise PublishError(f"无法回滚:{dest} 中没有比 {live} 更早的版本")
        switch(dest, earlier[-1])
    return Outcome(earlier[-1], live)


def list_releases(dest: Path) -> list[str]:
    """Release ids under `dest/releases`, oldest first."""
    folder = dest / RELEASES
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if RELEASE_ID.match(p.name) and p.is_dir())


def live_release(dest: Path) -> str | None:
    """The id of the release `dest/current` points at, or None before the first publish."""
    link = dest / CURRENT
    if not link.is_symlink():
        return None
    return Path(os.readlink(link)).name


def switch(dest: Path, release: str) -> None:
    """Point `dest/current` at `release` by one rename: readers see old or new, never nothing."""
    temp = dest / f".{CURRENT}.{os.getpid()}"
    temp.unlink(missing_ok=True)
    temp.symlink_to(Path(RELEASES) / release, target_is_directory=True)
    os.replace(temp, dest / CURRENT)


def prune(dest: Path, keep: int) -> list[str]:
    """Delete all but the newest `keep` releases, never the live one nor the one before it."""
    releases = list_releases(dest)
    live = live_release(dest)
    protected = set(releases[-keep:]) if keep > 0 else set()
    if live in releases:
        protected.add(live)
        index = releases.index(live)
        if index > 0:
            protected.add(releases[index - 1])
    doomed = [r for r in releases if r not in protected]
    for release in doomed:
        shutil.rmtree(dest / RELEASES / release)
    _prune_pool(dest, [r for r in releases if r in protected])
    return doomed


def _prepare(dest: Path) -> None:
    if dest.exists() and not dest.is_dir():
        raise UsageError(f"目标 {dest} 不是目录")
    current = dest / CURRENT
    if current.exists() and not current.is_symlink():
        raise UsageError(f"{current} 不是符号链接;请先把它移走,再发布")
    (dest / RELEASES).mkdir(parents=True, exist_ok=True)


@contextmanager
def _locked(dest: Path) -> Iterator[None]:
    """One publish or rollback at a time per destination."""
    with open(dest / LOCK, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _next_counter(releases: list[str]) -> int:
    return max((int(RELEASE_ID.match(r).group(1)) for r in releases),  # type: ignore[union-attr]
               default=0) + 1


def _copy_release(site: Path, dest: Path, release: str) -> int:
    """Copy under a temporary name, then rename: a release is complete whenever it exists."""
    staging = dest / RELEASES / f".incoming-{release}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        shutil.copytree(site, staging, symlinks=False)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    os.rename(staging, dest / RELEASES / release)
    return sum(1 for p in (dest / RELEASES / release).rglob("*") if p.is_file())


def _hashed_files(root: Path) -> Iterator[str]:
    for path in root.rglob("*"):
        relpath = path.relative_to(root).as_posix()
        if path.is_file() and is_hashed_asset(relpath):
            yield relpath


def _add_to_pool(dest: Path, release: str) -> None:
    """Link the release's hashed assets into the pool (same path, same bytes: never overwritten)."""
    source = dest / RELEASES / release
    for relpath in _hashed_files(source):
        target = dest / POOL / relpath
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_name(f".{target.name}.{os.getpid()}")
        try:
            os.link(source / relpath, temp)
        except OSError:
            shutil.copy2(source / relpath, temp)
        os.replace(temp, target)


def _prune_pool(dest: Path, kept: list[str]) -> None:
    pool = dest / POOL
    if not pool.is_dir():
        return
    wanted = {relpath for release in kept for relpath in _hashed_files(dest / RELEASES / release)}
    for relpath in list(_hashed_files(pool)):
        if relpath not in wanted:
            (pool / relpath).unlink()
