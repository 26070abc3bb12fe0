"""CI and staff workflow: GitHub Actions workflows pass actionlint and deploy only what passed;
the pre-commit hooks run `azx validate` when data changes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = Path(sys.executable).parent / "actionlint"
MAIN_PUSH = "${{ github.event_name == 'push' && github.ref == 'refs/heads/main' }}"


def load(path: Path) -> dict:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    workflow["on"] = workflow.pop(True, workflow.get("on"))  # YAML 1.1 reads `on` as true
    return workflow


def steps_running(job: dict, text: str) -> list[dict]:
    return [s for s in job["steps"] if text in s.get("run", "") or text in s.get("uses", "")]


@pytest.fixture(scope="module")
def site_workflow() -> dict:
    return load(ROOT / ".github" / "workflows" / "site.yml")


def test_there_are_workflows():
    assert [p.name for p in WORKFLOWS] == ["site.yml"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actionlint_passes(path):
    result = subprocess.run([str(ACTIONLINT), "-no-color", str(path)], capture_output=True,
                            text=True, cwd=ROOT)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - uses: actions/checkout@v4\n        with:\n          fetch-dept: 0\n",
        encoding="utf-8",
    )
    result = subprocess.run([str(ACTIONLINT), "-no-color", "-oneline", str(broken)],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert 'input "fetch-dept" is not defined in action "actions/checkout@v4"' in result.stdout


def test_triggers(site_workflow):
    assert site_workflow["on"] == {"pull_request": None, "push": {"branches": ["main"]},
                                   "workflow_dispatch": None}
    assert site_workflow["permissions"] == {"contents": "read"}


def test_build_job_checks_before_it_builds(site_workflow):
    job = site_workflow["jobs"]["build"]
    checkout = steps_running(job, "actions/checkout")[0]
    assert checkout["with"]["fetch-depth"] == 0
    install = steps_running(job, "apt-get install")[0]["run"]
    assert "chromium" in install and "nginx-light" in install
    cache = steps_running(job, "actions/cache")[0]["with"]
    assert "hashFiles('pyproject.toml')" in cache["key"]

    names = [s.get("run", s.get("uses", "")) for s in job["steps"]]
    order = [next(i for i, n in enumerate(names) if text in n) for text in (
        "azx validate --format github", "GITHUB_STEP_SUMMARY", "make test", "azx build",
        "actions/upload-artifact", "actions/upload-pages-artifact")]
    assert order == sorted(order)
    assert steps_running(job, "actions/upload-artifact")[0]["with"]["path"] == "site/"
    pages = steps_running(job, "actions/upload-pages-artifact")[0]
    assert (pages["if"], pages["with"]["path"]) == (MAIN_PUSH, "site/")
    # Build steps run only after everything before them succeeded.
    assert "if" not in steps_running(job, ".venv/bin/azx build")[0]


def test_build_cache_is_restored_before_the_build_and_saved_after_it(site_workflow):
    job = site_workflow["jobs"]["build"]
    names = [s.get("name") for s in job["steps"]]
    restore, build, save, summary = (names.index(n) for n in (
        "Restore the build cache", "Build the site", "Save the build cache", "Build summary"))
    assert restore < build < save < summary
    prefix = "azx-build-${{ runner.os }}-${{ hashFiles('pyproject.toml') }}-"
    assert job["steps"][restore] == {
        "name": "Restore the build cache", "id": "work-cache",
        "uses": "actions/cache/restore@v4",
        "with": {"path": ".build/cache",
                 "key": prefix + "${{ github.run_id }}-${{ github.run_attempt }}",
                 "restore-keys": f"{prefix}\nazx-build-${{{{ runner.os }}}}-\n"}}
    assert job["steps"][save] == {
        "name": "Save the build cache", "uses": "actions/cache/save@v4",
        "with": {"path": ".build/cache",
                 "key": "${{ steps.work-cache.outputs.cache-primary-key }}"}}
    summary_run = job["steps"][summary]["run"]
    assert '".build/build-stats.json"' in summary_run
    assert "s['charts_drawn']" in summary_run and "s['charts_cached']" in summary_run


def test_deploy_job_only_after_a_green_build_on_main(site_workflow):
    deploy = site_workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["if"] == MAIN_PUSH
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert [s["uses"] for s in deploy["steps"]] == [
        "actions/configure-pages@v5", "actions/deploy-pages@v4"]


def test_no_gh_deploy_anywhere():
    for path in WORKFLOWS:
        assert "gh-deploy" not in path.read_text(encoding="utf-8")


def test_pre_commit_config_is_valid():
    result = subprocess.run([str(Path(sys.executable).parent / "pre-commit"), "validate-config",
                             ".pre-commit-config.yaml"], capture_output=True, text=True, cwd=ROOT)
    assert (result.returncode, result.stdout) == (0, "")


def test_pre_commit_validates_only_when_data_changes(tmp_path):
    """Run the real hooks in a scratch repository whose .venv tools only record their calls."""
    repo = tmp_path / "repo"
    (repo / ".venv" / "bin").mkdir(parents=True)
    (repo / "data").mkdir()
    shutil.copy(ROOT / ".pre-commit-config.yaml", repo)
    calls = tmp_path / "calls"
    for tool in ("azx", "ruff", "actionlint"):
        stub = repo / ".venv" / "bin" / tool
        stub.write_text(f'#!/bin/sh\necho "{tool} $*" >> {calls}\n', encoding="utf-8")
        stub.chmod(0o755)
    (repo / "data" / "coverage.csv").write_text("a\n", encoding="utf-8")
    (repo / "notes.md").write_text("x\n", encoding="utf-8")
    (repo / "tool.py").write_text("x = 1\n", encoding="utf-8")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    pre_commit = str(Path(sys.executable).parent / "pre-commit")

    def run(*files: str) -> list[str]:
        calls.unlink(missing_ok=True)
        subprocess.run([pre_commit, "run", "--files", *files], cwd=repo, env=env,
                       capture_output=True, check=True)
        return calls.read_text(encoding="utf-8").splitlines() if calls.exists() else []

    assert run("notes.md") == []
    assert run("data/coverage.csv") == ["azx validate data"]
    assert run("tool.py") == ["ruff check --force-exclude tool.py"]
