"""The no-change shortcut of `azx build`: any change to data, docs, templates, config or code, or
any damage to the built site, means a real rebuild."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.project import Project
from generator.site import manifest, uptodate

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def inputs(tmp_path, monkeypatch) -> dict:
    """A project (copies of a data package, docs/, mkdocs.yml) and a generator tree the key is
    taken from."""
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "about.md").write_text("# 说明\n", encoding="utf-8")
    code = tmp_path / "generator"
    (code / "templates").mkdir(parents=True)
    (code / "templates" / "home.md.j2").write_text("# {{ title }}\n", encoding="utf-8")
    (code / "pages.py").write_text("X = 1\n", encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: 测试\n", encoding="utf-8")
    monkeypatch.setattr(uptodate, "GENERATOR", code)
    return {"project": Project(tmp_path), "data": data, "doc": docs / "about.md",
            "template": code / "templates" / "home.md.j2", "code": code / "pages.py",
            "config": config, "resource": data / "prevention.csv", "policy": data / "policy.yaml"}


def key(inputs: dict) -> str | None:
    return uptodate.inputs_key(inputs["data"], inputs["project"])


def test_key_is_stable(inputs):
    assert key(inputs) == key(inputs)


@pytest.mark.parametrize("changed", ["doc", "template", "code", "config", "resource", "policy"])
def test_any_changed_input_changes_the_key(inputs, changed):
    before = key(inputs)
    with inputs[changed].open("a", encoding="utf-8") as handle:
        handle.write("\n")
    assert key(inputs) != before


def test_a_new_hand_written_page_changes_the_key(inputs):
    before = key(inputs)
    (inputs["doc"].parent / "new.md").write_text("# 新页面\n", encoding="utf-8")
    assert key(inputs) != before


def test_a_broken_descriptor_gives_no_key(inputs):
    (inputs["data"] / "datapackage.json").write_text("{", encoding="utf-8")
    assert key(inputs) is None


@pytest.fixture
def built(tmp_path) -> tuple[Path, Path]:
    """A site folder with a manifest, and a work folder recording its build under key "k"."""
    site, work = tmp_path / "site", tmp_path / "work"
    (site / "about").mkdir(parents=True)
    (site / "about" / "index.html").write_text("<h1>说明</h1>", encoding="utf-8")
    work.mkdir()
    manifest.write_manifest(site, REPO / "data", 0, 0)
    uptodate.remember(work, site, "tree", "k")
    return site, work


def test_current_when_key_and_site_match(built):
    site, work = built
    assert uptodate.is_current(work, site, "k")


def test_not_current_when_an_input_changed(built):
    site, work = built
    assert not uptodate.is_current(work, site, "other")
    assert not uptodate.is_current(work, site, None)


def test_not_current_when_a_site_file_changed_or_is_missing(built):
    site, work = built
    (site / "about" / "index.html").write_text("<h1>改过</h1>", encoding="utf-8")
    assert not uptodate.is_current(work, site, "k")
    (site / "about" / "index.html").unlink()
    assert not uptodate.is_current(work, site, "k")


def test_not_current_for_another_site_folder(built, tmp_path):
    site, work = built
    other = tmp_path / "other"
    shutil.copytree(site, other)
    assert not uptodate.is_current(work, other, "k")


def test_the_docs_tree_key_takes_the_known_digest_of_a_download(tmp_path):
    """The downloads' SHA-256 (known from making them) stands for hashing them again: the same
    key; a file not known is hashed."""
    import hashlib

    from generator.site import build, publisher

    docs = tmp_path / "docs"
    (docs / "downloads").mkdir(parents=True)
    (docs / "index.md").write_text("# 首页\n", encoding="utf-8")
    (docs / "downloads" / "t.csv").write_bytes(b"a,b\n1,2\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: 示例\n", encoding="utf-8")
    found = publisher.load(REPO / "data", REPO / "data")
    plain = build.tree_key(docs, config, found, "x")
    sha = hashlib.sha256(b"a,b\n1,2\n").digest()
    assert build.tree_key(docs, config, found, "x", {"downloads/t.csv": sha}) == plain
    assert build.tree_key(docs, config, found, "x", {"downloads/t.csv": bytes(32)}) != plain
    assert build.tree_key(docs, config, found, "y") != plain
