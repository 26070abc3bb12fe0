"""Disk faults during a real `azx build` (issue 12, faults): a read-only work folder, a full disk
(under the work folder, and under the site) and a site folder that is a mount point each print one
Chinese line on stderr and exit non-zero, and leave the published site exactly as it was, with no
staging folder beside it.

Each fault is made for real in a private mount namespace (`unshare -rm`, no privileges needed):
a tmpfs with a small size is a full disk, `mount -o remount,ro` a read-only one, and a tmpfs
mounted at the site folder a busy mount point. The mounts vanish with the namespace.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures.cases import write_site_small

REPO = Path(__file__).resolve().parents[2]


def azx_build(data: Path, site: Path, work: Path, setup: str = "") -> tuple[int, str]:
    """Exit code and stderr of `azx build`, run after the shell commands `setup` in a private
    mount namespace; the namespace then writes a listing of the site's parent folder."""
    script = (f'{setup or "true"} || exit 97\n'  # a failed setup is not a build failure
              '"$0" -m generator build --data "$1" --site-dir "$2" --work-dir "$3" '
              '>/dev/null 2>"$4/stderr"\nrc=$?\n'
              'cd "$(dirname "$2")" && find . -type f -exec sha256sum {} + >"$4/listing"'
              '\nexit $rc')
    out = site.parent.parent / "report"
    out.mkdir(exist_ok=True)
    result = subprocess.run(["unshare", "-rm", "sh", "-c", script, sys.executable, str(data),
                             str(site), str(work), str(out)], cwd=REPO)
    return result.returncode, (out / "stderr").read_text(encoding="utf-8")


def listing(parent: Path) -> dict[str, str]:
    """Relative path → sha256 of every file under `parent`, as the namespace's `find` says it."""
    return {path.relative_to(parent).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in parent.rglob("*") if path.is_file()}


def after(site: Path) -> dict[str, str]:
    text = (site.parent.parent / "report" / "listing").read_text(encoding="utf-8")
    return {name.removeprefix("./"): digest
            for digest, name in (line.split("  ", 1) for line in text.splitlines())}


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Path, Path, Path]:
    """The package, a site built from it and the warm work folder of that build."""
    root = tmp_path_factory.mktemp("faults")
    write_site_small(root / "data")
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--data", str(root / "data"),
         "--site-dir", str(root / "published" / "site"), "--work-dir", str(root / "work")],
        cwd=REPO, capture_output=True, text=True, encoding="utf-8")
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "data", root / "published" / "site", root / "work"


def place(published, tmp_path: Path, *, warm: bool) -> tuple[Path, Path]:
    """A copy of the published site and, with `warm`, of the work folder minus its record of the
    last build (so every phase runs, from the caches)."""
    _, site, work = published
    shutil.copytree(site, tmp_path / "pub" / "site")
    if warm:
        shutil.copytree(work, tmp_path / "work")
        (tmp_path / "work" / "last-build.json").unlink()
    return tmp_path / "pub" / "site", tmp_path / "work"


def one_line(err: str, start: str, end: str) -> bool:
    """`err` is the single line `start` + the name of a file (which one ran out of space depends on
    the sizes of the files) + `end`."""
    pattern = f"{re.escape(start)}[^\n/][^\n]*{re.escape(end)}\n"
    return re.fullmatch(pattern, err) is not None or pytest.fail(f"not one line: {err!r}")


def assert_unchanged(published, site: Path) -> None:
    expected = {f"site/{name}": digest for name, digest in listing(published[1]).items()}
    assert after(site) == expected  # no staging folder, no file changed, none added


def test_read_only_work_folder(published, tmp_path):
    site, work = place(published, tmp_path, warm=False)
    code, err = azx_build(published[0], site, work,
                          f'mkdir "$3" && mount -t tmpfs tmpfs "$3" && '
                          f'cp -a "{published[2]}/." "$3" && rm "$3/last-build.json" && '
                          'mount -o remount,ro "$3"')
    assert (code, err) == (1, f"azx build: 无法写入 {work}/.lock(只读文件系统);"
                              f"{site}/ 保持不变。\n")
    assert_unchanged(published, site)


def test_full_disk_under_the_work_folder(published, tmp_path):
    site, work = place(published, tmp_path, warm=False)
    code, err = azx_build(published[0], site, work,
                          'mkdir "$3" && mount -t tmpfs -o size=256k tmpfs "$3"')
    assert code == 1
    assert one_line(err, f"azx build: 无法写入 {work}/cache/", f"(磁盘空间不足);{site}/ 保持不变。")
    assert_unchanged(published, site)


def test_full_disk_under_the_site(published, tmp_path):
    """The site's folder has room for the published site and one more megabyte: the staging
    copy of the new site runs out of space part way."""
    site, work = place(published, tmp_path, warm=True)
    # tmpfs gives each file whole 4 KiB pages: room for the copy, then one megabyte more
    size = sum(-(-path.stat().st_size // 4096) * 4096 for path in site.rglob("*")) + (1 << 20)
    shutil.rmtree(site)
    code, err = azx_build(published[0], site, work,
                          f'mount -t tmpfs -o size={size} tmpfs "$(dirname "$2")" && '
                          f'cp -a "{published[1]}" "$2"')
    assert code == 1
    assert one_line(err, f"azx build: 无法写入 {site.parent}/.site.staging/",
                    f"(磁盘空间不足);{site}/ 保持不变。")
    assert_unchanged(published, site)


def test_site_folder_that_is_a_mount_point(published, tmp_path):
    site, work = place(published, tmp_path, warm=True)
    code, err = azx_build(published[0], site, work,
                          f'mount -t tmpfs tmpfs "$2" && cp -a "{published[1]}/." "$2"')
    assert (code, err) == (1, f"azx build: 无法写入 {site}(目录正被占用,可能是挂载点);"
                              f"{site}/ 保持不变。\n")
    assert_unchanged(published, site)
