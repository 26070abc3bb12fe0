"""`azx build --project DIR` from another folder builds that project: its mkdocs.yml and its
hand-written docs/. A broken link there, or a broken mkdocs.yml, fails the MkDocs step with one
message, exit 1, and no site."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("about", "config", "message"), [
    ("见[旧页面](old-page.md)。\n", "", "Aborted with 1 warnings in strict mode!\n"),
    ("说明\n", "site_name:\n", "Aborted with a configuration error!\n"
                               "  Config value 'site_name': Required configuration not provided."),
], ids=["broken-link", "broken-config"])
def test_a_broken_project_fails_the_build_with_one_message(tmp_path, about, config, message):
    project = tmp_path / "project"
    project.mkdir()
    (project / "mkdocs.yml").write_text((REPO / "mkdocs.yml").read_text(encoding="utf-8")
                                        + config, encoding="utf-8")
    shutil.copytree(REPO / "data", project / "data")
    (project / "docs").mkdir()
    (project / "docs" / "about.md").write_text(about, encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--project", "../project",
         "--site-dir", "out"], cwd=elsewhere, capture_output=True, text=True, encoding="utf-8")

    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.startswith(f"MkDocs 构建失败,out/ 保持不变:{message}"), result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in elsewhere.iterdir()) == []  # no site, no staging folder
    assert (project / ".build" / "docs" / "about.md").is_file()  # the project's work folder
