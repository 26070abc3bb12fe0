"""MkDocs's page conversions and search parsing kept across builds (generator.site.mkdocs_cache):
a build that takes them from the last build gives the bytes of one that does not, a page whose
data date alone changed is taken from there, and a link whose target went away still fails."""

from __future__ import annotations

import json
import marshal
import re
from pathlib import Path

import jinja2
import pytest

from generator.errors import SiteBuildError
from generator.site import mkdocs_cache
from generator.site.mkdocs_build import mkdocs_build_strict

CONFIG = """site_name: 测试
theme:
  name: material
  language: zh
  font: false
plugins:
  - search:
      lang: zh
markdown_extensions:
  - attr_list
  - tables
  - toc:
      permalink: true
"""


def page(title: str, date: str, body: str) -> str:
    return (f"# {title}\n\n<p class=\"azx-updated\">数据更新于 {date}</p>\n| 项目 | 内容 |\n"
            f"|---|---|\n| 覆盖率 | 94.2% |\n\n## 分行业\n\n{body}\n")


def write_docs(root: Path, date: str, changed: str = "危险化学品企业投保进展", linked: bool = True):
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text(page("首页", date, "见[行业](industry.md#分行业)。"),
                                   encoding="utf-8")
    (docs / "industry.md").write_text(page("行业", date, changed), encoding="utf-8")
    (docs / "other.md").write_text(page("其他", date, "见[附件](files/a.csv)。"), encoding="utf-8")
    if linked:
        (docs / "files").mkdir(exist_ok=True)
        (docs / "files" / "a.csv").write_text("a\n1\n", encoding="utf-8")
    elif (docs / "files" / "a.csv").exists():
        (docs / "files" / "a.csv").unlink()
    return docs


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def config(tmp_path) -> Path:
    path = tmp_path / "mkdocs.yml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


@pytest.fixture
def rendered(monkeypatch) -> list[str]:
    """The pages whose theme HTML each build renders (the rest it takes from the kept file)."""
    seen: list[str] = []
    render = jinja2.Template.render

    def counted(self, *args, **kwargs):
        if args and isinstance(args[0], dict) and args[0].get("page") is not None:
            seen.append(args[0]["page"].file.src_uri)
        return render(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", counted)
    return seen


def test_kept_conversions_give_the_bytes_of_a_build_without_them(tmp_path, config, monkeypatch):
    kept = tmp_path / "work" / "kept.pickle"
    docs = write_docs(tmp_path / "work", "2025年11月30日")
    assert mkdocs_build_strict(docs, tmp_path / "first", config, kept=kept) == 0
    assert kept.is_file() and mkdocs_cache.lexicon_of(kept).is_file()
    docs = write_docs(tmp_path / "work", "2025年12月31日", changed="工贸企业投保进展")
    cut, new = mkdocs_cache._Lexicon.cut, []
    monkeypatch.setattr(mkdocs_cache._Lexicon, "cut",
                        lambda self, text: new.append(text.decode()) or cut(self, text))
    reused = mkdocs_build_strict(docs, tmp_path / "warm", config, kept=kept)
    assert reused == 2  # index.md and other.md: only their date changed
    assert new == ["工贸企业投保进展"]  # the one new text, cut from the kept lexicon
    plain = write_docs(tmp_path / "plain", "2025年12月31日", changed="工贸企业投保进展")
    assert mkdocs_build_strict(plain, tmp_path / "cold", config) == 0
    warm, cold = tree(tmp_path / "warm"), tree(tmp_path / "cold")
    assert sorted(warm) == sorted(cold)
    assert [name for name in warm if warm[name] != cold[name]] == []
    assert "2025年12月31日" in (tmp_path / "warm" / "other" / "index.html").read_text("utf-8")
    search = json.loads((tmp_path / "warm" / "search" / "search_index.json").read_text("utf-8"))
    assert any("2025\u200b年\u200b12\u200b月\u200b31\u200b日" in doc["text"]
               for doc in search["docs"])


def test_a_build_cuts_each_text_once(tmp_path, config, monkeypatch):
    import jieba

    texts: list[str] = []
    cut = jieba.cut
    monkeypatch.setattr(jieba, "cut", lambda text, *args: texts.append(text.decode()) or cut(
        text, *args))
    docs = write_docs(tmp_path / "work", "2025年11月30日")  # three pages, one table each
    mkdocs_build_strict(docs, tmp_path / "site", config, kept=tmp_path / "work" / "kept.pickle")
    assert "覆盖率" in texts and len(texts) == len(set(texts))


def test_a_kept_page_whose_link_target_went_away_still_fails_the_strict_build(tmp_path, config):
    kept = tmp_path / "work" / "kept.pickle"
    docs = write_docs(tmp_path / "work", "2025年11月30日")
    mkdocs_build_strict(docs, tmp_path / "first", config, kept=kept)
    docs = write_docs(tmp_path / "work", "2025年11月30日", linked=False)
    with pytest.raises(SiteBuildError, match="files/a.csv"):
        mkdocs_build_strict(docs, tmp_path / "second", config, kept=kept)
    docs = write_docs(tmp_path / "work", "2025年11月30日")  # the kept file was left as it was
    assert mkdocs_build_strict(docs, tmp_path / "third", config, kept=kept) == 3


def test_the_kept_lexicon_cuts_every_text_as_jieba_does(tmp_path):
    import jieba

    jieba.initialize()
    path = tmp_path / "kept.lexicon"
    mkdocs_cache._Lexicon.write(path, "context")
    assert mkdocs_cache._Lexicon.open(path, "another context") is None
    lexicon = mkdocs_cache._Lexicon.open(path, "context")
    assert lexicon is not None
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    texts = sorted(set(re.findall(r"[\u4e00-\u9fff]+", readme)))
    texts += ["驻马店市驿城区安全生产责任保险", "泌阳县渔业生产覆盖从业人员数"]
    assert len(texts) > 500
    for text in texts:
        assert lexicon.cut(text.encode()) == tuple(jieba.cut(text.encode())), text


def test_the_dictionary_read_from_jiebas_cache_file_is_jiebas(tmp_path):
    import jieba

    own = jieba.Tokenizer()
    own.tmp_dir = str(tmp_path)
    own.initialize()  # builds the dictionary and writes the cache file
    assert (tmp_path / "jieba.cache").is_file()
    read = jieba.Tokenizer()
    read.tmp_dir = str(tmp_path)
    (tmp_path / "jieba.cache").write_bytes(  # a mark that only the file gives
        marshal.dumps((own.FREQ | {"缓存文件标记": 1}, own.total)))
    mkdocs_cache.load_dictionary(read)
    assert read.initialized and read.total == own.total
    assert read.FREQ == own.FREQ | {"缓存文件标记": 1}
    broken = jieba.Tokenizer()
    broken.tmp_dir = str(tmp_path)
    (tmp_path / "jieba.cache").write_bytes(b"not marshal")
    mkdocs_cache.load_dictionary(broken)  # jieba's own, which builds it again
    assert broken.initialized and broken.FREQ == own.FREQ


def test_kept_theme_html_is_not_taken_when_what_surrounds_the_page_changed(
        tmp_path, config, monkeypatch, rendered):
    """The theme's HTML of a page whose Markdown did not change is kept (for a build into the
    same folder, as `azx build`'s staging folder is), but not taken when the navigation it shows
    changed (another page's title) or the footer's publisher did."""
    first = {"site_url": "https://example.org/", "sponsor": "甲单位"}
    second = {"site_url": "https://example.org/", "sponsor": "乙单位"}
    kept, site = tmp_path / "work" / "kept.pickle", tmp_path / "site"

    def build(docs: Path, publisher: dict, kept: Path | None = None) -> dict[str, bytes]:
        rendered.clear()
        mkdocs_build_strict(docs, site, config, publisher, kept=kept)
        return tree(site)

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")  # the build's day, as `azx build` sets
    pages = ["index.md", "industry.md", "other.md"]
    docs = write_docs(tmp_path / "work", "2025年11月30日")
    built = build(docs, first, kept)
    assert sorted(rendered) == pages
    assert build(docs, first, kept) == built and rendered == []  # every page's HTML kept
    renamed = page("行业投保", "2025年11月30日", "危险化学品企业投保进展")
    (docs / "industry.md").write_text(renamed, encoding="utf-8")
    plain = write_docs(tmp_path / "plain", "2025年11月30日")
    (plain / "industry.md").write_text(renamed, encoding="utf-8")
    for publisher in (first, second):
        warm = build(docs, publisher, kept)
        assert sorted(rendered) == pages  # the title is in every page's navigation, the
        assert warm == build(plain, publisher)  # publisher in every page's footer
    assert "行业投保" in warm["other/index.html"].decode()
    assert "乙单位" in warm["other/index.html"].decode()


@pytest.mark.parametrize("footer", ["<footer>页脚</footer>",
                                    "<footer>{{ build_date_utc }}</footer>",
                                    "<footer>{{ page.update_date }}</footer>"])
def test_kept_theme_html_of_a_build_on_a_new_data_date(tmp_path, monkeypatch, rendered, footer):
    """A build of a new data commit (its date in SOURCE_DATE_EPOCH, as `azx build` sets it, and
    in every page's date line) keeps every page's theme HTML, as no template reads the build's
    date, and gives the bytes of a build without the kept file; a template of the theme's
    custom_dir that reads the date (MkDocs's `build_date_utc`, a page's `update_date`) makes
    the date count again."""
    config = tmp_path / "mkdocs.yml"
    config.write_text(CONFIG.replace("  font: false\n", "  font: false\n  custom_dir: overrides\n"),
                      encoding="utf-8")
    (tmp_path / "overrides" / "partials").mkdir(parents=True)
    (tmp_path / "overrides" / "partials" / "footer.html").write_text(footer, encoding="utf-8")
    kept, site = tmp_path / "work" / "kept.pickle", tmp_path / "site"
    pages = ["index.md", "industry.md", "other.md"]

    def build(docs: Path, day: str, kept: Path | None = None) -> dict[str, bytes]:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", day)
        rendered.clear()
        mkdocs_build_strict(docs, site, config, {"site_url": "https://example.org/"}, kept=kept)
        return tree(site)

    build(write_docs(tmp_path / "work", "2025年11月30日"), "1764460800", kept)  # 2025-11-30
    assert sorted(rendered) == pages
    warm = build(write_docs(tmp_path / "work", "2025年12月31日"), "1767139200", kept)
    assert sorted(rendered) == ([] if "页脚" in footer else pages)
    assert warm == build(write_docs(tmp_path / "plain", "2025年12月31日"), "1767139200")
    assert "2025-12-31" in warm["sitemap.xml"].decode()
    assert ("2025-12-31" in warm["other/index.html"].decode()) == ("页脚" not in footer)
