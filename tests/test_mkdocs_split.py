"""A forked child converting and indexing part of the new pages (generator.site.mkdocs_split): its
work is what this process would have done, byte for byte; a child that fails leaves every page
to this process; a page whose conversion warns still fails the strict build."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_mkdocs_cache import CONFIG as KEPT_CONFIG
from test_mkdocs_cache import tree

from generator import cache
from generator.errors import SiteBuildError
from generator.site import mkdocs_cache, mkdocs_split
from generator.site.mkdocs_build import mkdocs_build_strict

CONFIG = KEPT_CONFIG + "nav:\n  - 首页: index.md\n"  # the regions' pages out of the navigation
REGIONS = ["驿城区", "西平县", "上蔡县", "平舆县", "正阳县", "确山县", "泌阳县", "汝南县", "遂平县",
           "新蔡县"]


def write_docs(root: Path, date: str = "2025年12月31日", broken: str = "") -> Path:
    """An index and one page a region (kept out of the navigation, as `azx build`'s are), each
    with a date line, a table and links; `broken` names a page whose link has no target."""
    docs = root / "docs"
    (docs / "regions").mkdir(parents=True, exist_ok=True)
    links = "\n".join(f"- [{name}](regions/r{i:02}.md#分行业)" for i, name in enumerate(REGIONS))
    (docs / "index.md").write_text(f"# 首页\n\n<p class=\"azx-updated\">数据更新于 {date}</p>\n\n"
                                   f"{links}\n", encoding="utf-8")
    for i, name in enumerate(REGIONS):
        rows = "\n".join(f"| {name}第{n}行业 | {n * 7.5:.1f}% |" for n in range(1, 30))
        target = "missing.md" if f"r{i:02}" == broken else "../index.md"
        (docs / "regions" / f"r{i:02}.md").write_text(
            f"# {name}安全生产责任保险\n\n<p class=\"azx-updated\">数据更新于 {date}</p>\n\n"
            f"## 分行业\n\n| 行业 | 覆盖率 |\n|---|---|\n{rows}\n\n"
            f"{name}危险化学品企业投保进展见[首页]({target})。\n", encoding="utf-8")
    return docs


@pytest.fixture
def config(tmp_path) -> Path:
    path = tmp_path / "mkdocs.yml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


@pytest.fixture
def claims(monkeypatch) -> list[dict]:
    """A child for as few as 2 new pages; each child's claims, as they were when it closed."""
    seen: list[dict] = []
    close = mkdocs_split.Split.close

    def closed(self) -> None:
        count, made = len(self.files), list(self.claims)
        seen.append({"converted": made[:count].count(mkdocs_split.CHILDS),
                     "indexed": made[count:].count(mkdocs_split.CHILDS),
                     "taken": len(self.taken), "pages": count})
        close(self)

    monkeypatch.setattr(mkdocs_split, "PAGES", 2)
    monkeypatch.setattr(mkdocs_split.Split, "close", closed)
    return seen


def kept_work(path: Path) -> dict:
    """The kept file's conversions, search sections, index entries and segmentations."""
    kept = cache.load(path)
    return {kind: kept[2][kind] for kind in ("pages", "sections", "entries", "words")}


def test_the_childs_work_is_this_process_own_byte_for_byte(tmp_path, config, claims,
                                                           monkeypatch):
    docs = write_docs(tmp_path / "work")
    split, alone = tmp_path / "split.pickle", tmp_path / "alone.pickle"
    mkdocs_build_strict(docs, tmp_path / "split", config, kept=split)
    assert len(claims) == 1 and claims[0]["pages"] == 11
    assert claims[0]["converted"] > 0 and claims[0]["taken"] == claims[0]["converted"]
    assert claims[0]["indexed"] > 0
    monkeypatch.setattr(mkdocs_split, "PAGES", 1000)  # no child
    mkdocs_build_strict(docs, tmp_path / "alone", config, kept=alone)
    assert len(claims) == 1
    assert kept_work(split) == kept_work(alone)  # the conversions, with the date marked, too
    mkdocs_build_strict(docs, tmp_path / "plain", config)  # no cache at all
    assert tree(tmp_path / "split") == tree(tmp_path / "plain")
    assert tree(tmp_path / "alone") == tree(tmp_path / "plain")
    docs = write_docs(tmp_path / "work", date="2026年1月31日")  # a warm build takes them
    assert mkdocs_build_strict(docs, tmp_path / "warm", config, kept=split) == 11
    assert len(claims) == 1  # every page kept: no child


def test_a_child_that_fails_leaves_every_page_to_this_process(tmp_path, config, claims,
                                                              monkeypatch):
    docs = write_docs(tmp_path / "work")
    mkdocs_build_strict(docs, tmp_path / "plain", config)
    parent = os.getpid()
    convert = mkdocs_cache._Store._convert

    def dies(self, *args) -> None:  # the child dies on its second page, claims held
        if os.getpid() != parent and self.used_pages:
            os._exit(3)
        convert(self, *args)

    monkeypatch.setattr(mkdocs_cache._Store, "_convert", dies)
    mkdocs_build_strict(docs, tmp_path / "died", config, kept=tmp_path / "died.pickle")
    assert claims[-1]["converted"] == 2 and claims[-1]["taken"] == 0
    assert tree(tmp_path / "died") == tree(tmp_path / "plain")
    monkeypatch.setattr(mkdocs_cache._Store, "_convert", convert)

    def fails(*args) -> None:
        raise RuntimeError("the child fails before its first page")

    monkeypatch.setattr(mkdocs_split, "_child", fails)
    mkdocs_build_strict(docs, tmp_path / "failed", config, kept=tmp_path / "failed.pickle")
    assert claims[-1]["converted"] == 0 and claims[-1]["indexed"] == 0
    assert tree(tmp_path / "failed") == tree(tmp_path / "plain")


def test_a_page_whose_conversion_warns_still_fails_the_strict_build(tmp_path, config, claims):
    docs = write_docs(tmp_path / "work", broken="r09")  # the last page: the child's first
    with pytest.raises(SiteBuildError, match="missing.md"):
        mkdocs_build_strict(docs, tmp_path / "site", config, kept=tmp_path / "kept.pickle")
    assert claims[0]["converted"] > 0 and claims[0]["taken"] == claims[0]["converted"] - 1
