"""The one safe reader of package files: regular files inside the package folder, size-capped.

Every reader of `data/` (validate, build, publish, import, changes, the no-change check) opens
package files through `read_package_file`, which checks the path before opening anything: a URL,
an absolute path, `..`, a symbolic link leading out of the folder, a device, a FIFO or a folder is
refused, and so is a file larger than its cap, without reading it.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path, PurePosixPath, PureWindowsPath

from generator.package.text import is_identifier

# The caps, in one place: the descriptor and policy file are small; a CSV resource may be as
# large as the national benchmark (about 150 MB for 2 million rows) and a margin.
MAX_BYTES = {"datapackage.json": 4 << 20, "policy.yaml": 1 << 20}
MAX_RESOURCE_BYTES = 1 << 30

URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://|^[A-Za-z][A-Za-z0-9+.-]*:(?![\\/])")


class UnsafeFile(OSError):
    """A package file that must not be read; the message is one Chinese reason."""

    name = ""  # the package file refused


def unsafe_path_reason(path: object) -> str | None:
    """Why a resource path must not be opened, or None when it is a plain relative file name."""
    if not isinstance(path, str) or not path.strip():
        return "路径应为一个文件名(字符串)"
    if URL.match(path):
        return "路径是网址,不会下载网络上的文件"
    if PurePosixPath(path).is_absolute() or PureWindowsPath(path).is_absolute() or \
            PureWindowsPath(path).drive or path.startswith(("/", "\\")):
        return "路径是绝对路径"
    if ".." in PureWindowsPath(path).parts:
        return "路径含 ..,指向数据目录以外"
    if not all(is_identifier(part) for part in path.split("/")):
        return "文件名只能用英文字母、数字和 _ . -,以字母或数字开头"
    return None


def cap(name: str) -> int:
    """The largest size, in bytes, a package file named `name` may have."""
    return MAX_BYTES.get(PurePosixPath(name).name, MAX_RESOURCE_BYTES)


def check_package_file(root: Path, name: str) -> Path:
    """The resolved path of package file `name`, after every check but its size; UnsafeFile
    (FileNotFoundError when it does not exist) otherwise."""
    reason = unsafe_path_reason(name)
    if reason:
        raise UnsafeFile(reason)
    base = Path(root).resolve()
    target = (base / name).resolve()
    try:
        target.relative_to(base)
    except ValueError:
        raise UnsafeFile("路径经符号链接指向数据目录以外") from None
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise UnsafeFile(f"无法读取({exc.strerror})") from None
    if not stat.S_ISREG(mode):
        raise UnsafeFile("不是普通文件(可能是文件夹、设备或管道)")
    return target


def read_package_file(root: Path, name: str) -> bytes:
    """The bytes of package file `name` (a path relative to the package folder `root`).

    Raises UnsafeFile with a Chinese reason (its `name` is `name`), or FileNotFoundError when
    the file does not exist.
    """
    try:
        return _read(root, name)
    except UnsafeFile as exc:
        exc.name = name
        raise


def _read(root: Path, name: str) -> bytes:
    target = check_package_file(root, name)
    limit = cap(name)
    fd = os.open(target, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise UnsafeFile("不是普通文件(可能是文件夹、设备或管道)")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise UnsafeFile(f"文件大于 {limit >> 20} MB 的上限")
    return data
