"""The tool as a user installs it: `pip install .` (not editable) into a fresh virtual
environment, then `azx build` in a clone of the repository builds the bundled data.

The installed package finds mkdocs.yml, docs/, data/ and .build/ from the current directory,
never next to its own files (which are now in the environment's site-packages). The clone holds
the last commit of this repository, not uncommitted changes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HEADING = '<h1 id="驻马店市安全生产责任保险信息公开">驻马店市安全生产责任保险信息公开'

pytestmark = pytest.mark.e2e


def run(cmd: list, cwd: Path) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True,
                            encoding="utf-8")
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_a_non_editable_install_builds_the_bundled_data_of_a_clone(tmp_path):
    clone, venv = tmp_path / "clone", tmp_path / "venv"
    run(["git", "clone", "-q", REPO, clone], tmp_path)
    run([sys.executable, "-m", "venv", venv], tmp_path)
    run([venv / "bin" / "python", "-m", "pip", "install", "-q", clone], tmp_path)
    installed = run([venv / "bin" / "python", "-c", "import generator; print(generator.__file__)"],
                    tmp_path).stdout
    assert installed.startswith(str(venv)), installed  # not the clone's folder

    result = run([venv / "bin" / "azx", "build"], clone)

    assert result.stdout.splitlines()[-1].startswith("完成:"), result.stdout
    assert HEADING in (clone / "site" / "index.html").read_text(encoding="utf-8")
    assert (clone / ".build" / "docs" / "index.md").is_file()  # the work folder of the clone
