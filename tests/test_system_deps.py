"""`make test` checks the system packages it needs first (tools/system-deps): as root it installs
the missing ones; any other user gets the one apt-get line to run, and make stops."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "tools" / "system-deps"


def run_as_user(path: str) -> subprocess.CompletedProcess:
    """The script as a user who is not root (nobody, when the tests run as root), with PATH."""
    as_user = [] if os.geteuid() != 0 else [
        shutil.which("setpriv"), "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    return subprocess.run([*as_user, "/bin/bash", str(SCRIPT)], env={"PATH": path},
                          capture_output=True, text=True, encoding="utf-8")


def test_nothing_to_do_when_every_package_is_there():
    # make test has run the script already, so every package is installed
    result = subprocess.run([str(SCRIPT)], capture_output=True, text=True, encoding="utf-8")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_a_user_who_is_not_root_gets_the_apt_get_line_and_a_failure():
    # with /usr/bin off the PATH, node, npm, shellcheck and java cannot be found (the others are
    # files, or nginx in /usr/sbin)
    result = run_as_user("/usr/sbin")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "make test 需要这些系统软件包,请先安装 (install these system packages first):\n"
        "sudo apt-get install -y --no-install-recommends shellcheck nodejs npm "
        "default-jre-headless\n")
