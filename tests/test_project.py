"""The project (mkdocs.yml, docs/, data/, .build/) is found from the current directory or
--project; folders given on the command line are taken from the current directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import cli
from generator.errors import ConfigurationError
from generator.project import Project


@pytest.fixture
def project(tmp_path) -> Path:
    """A project folder with mkdocs.yml and a sub-folder to run from."""
    root = tmp_path / "project"
    (root / "docs" / "deep").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: 测试\n", encoding="utf-8")
    return root


def folders(*argv: str) -> dict[str, Path]:
    args = cli.build_parser().parse_args(["build", *argv])
    return {name: cli.folder(args, name).resolve() for name in ("data", "site_dir", "work_dir")}


def test_defaults_are_the_projects_folders_from_any_sub_folder(project, monkeypatch):
    monkeypatch.chdir(project / "docs" / "deep")
    assert Project.find().root == Path("../..")
    assert folders() == {"data": project / "data", "site_dir": project / "site",
                         "work_dir": project / ".build"}


def test_relative_folders_are_taken_from_the_current_directory(project, monkeypatch):
    here = project / "docs" / "deep"
    monkeypatch.chdir(here)
    assert folders("--data", "d", "--site-dir", "s", "--work-dir", "w") == {
        "data": here / "d", "site_dir": here / "s", "work_dir": here / "w"}
    assert folders("--project", "../..", "--data", "../d") == {
        "data": project / "docs" / "d", "site_dir": project / "site",
        "work_dir": project / ".build"}


def test_paths_in_the_project_folder_read_as_typed(project, monkeypatch):
    monkeypatch.chdir(project)
    args = cli.build_parser().parse_args(["build"])
    assert [str(cli.folder(args, name)) for name in ("data", "site_dir", "work_dir")] == [
        "data", "site", ".build"]


def test_no_project_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["build"]) == 2
    assert capsys.readouterr() == ("", (
        f"azx build: 当前目录 {tmp_path} 及其上级目录中都没有 mkdocs.yml:请在项目目录中运行,"
        "或用 --project 指定项目目录\n"))
    assert cli.main(["validate", "--project", "elsewhere"]) == 2
    assert capsys.readouterr() == ("", (
        "azx validate: 项目目录 elsewhere 中没有 mkdocs.yml,请指定含 mkdocs.yml 的目录\n"))


def test_a_missing_hand_written_page_is_a_configuration_error(project):
    with pytest.raises(ConfigurationError) as raised:
        Project(project).hand_written("about.md")
    assert str(raised.value) == f"找不到手写的页面 {project / 'docs' / 'about.md'}"
