"""The publisher configuration (data/publisher.yaml): read and checked; a bad one stops a build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from generator import cli
from generator.site import publisher
from generator.validate.report import ConfigurationError

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "data" / publisher.FILE


def bundled() -> dict:
    return yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))


def test_the_bundled_file_is_complete_and_marked_illustrative():
    found = publisher.load(REPO / "data", REPO / "data")
    assert found.city == "驻马店市"
    assert found.site_url == "https://ajx.zhumadian.example/"
    assert found.sponsor == "驻马店市安全生产委员会办公室"
    assert found.illustrative is True


def test_a_package_without_its_own_file_uses_the_projects_one(tmp_path):
    assert publisher.path(tmp_path, REPO / "data") == BUNDLED
    (tmp_path / "publisher.yaml").write_text("", encoding="utf-8")
    assert publisher.path(tmp_path, REPO / "data") == tmp_path / "publisher.yaml"


def test_the_site_url_gets_one_trailing_slash():
    raw = bundled() | {"site_url": " https://example.org/ajx "}
    assert publisher.parse(raw).site_url == "https://example.org/ajx/"


def test_every_missing_key_is_named_at_once():
    raw = {k: v for k, v in bundled().items() if k not in ("icp", "sponsor")} | {"police": ""}
    with pytest.raises(ConfigurationError) as error:
        publisher.parse(raw)
    assert str(error.value) == (
        "publisher.yaml 缺少 sponsor(主办单位)、icp(ICP 备案号)、police(公安机关备案号)")


@pytest.mark.parametrize(("change", "message"), [
    ({"site_url": "ftp://example.org/"},
     "publisher.yaml 的 site_url(网站网址)应以 http:// 或 https:// 开头,现为 'ftp://example.org/'"),
    ({"site_url": "example.org"},
     "publisher.yaml 的 site_url(网站网址)应以 http:// 或 https:// 开头,现为 'example.org'"),
    ({"site_code": 4117000000}, "publisher.yaml 的 site_code(网站标识码)应为文字(数字请加引号)"),
    ({"illustrative": "yes"}, "publisher.yaml 的 illustrative 应为 true 或 false"),
])
def test_a_bad_value_is_named_with_the_key(change, message):
    with pytest.raises(ConfigurationError) as error:
        publisher.parse(bundled() | change)
    assert str(error.value) == message


def test_the_bundled_file_lists_the_common_short_names():
    aliases = publisher.load(REPO / "data", REPO / "data").search_aliases
    assert aliases["危险化学品"] == ("危化品",)
    assert aliases["非煤矿山"] == ("非煤",)
    assert aliases["安全生产责任保险"] == ("安责险",)
    assert aliases["烟花爆竹"] == ("烟花",)
    assert aliases["交通运输"] == ("交运",)


def test_short_names_are_optional_and_one_may_be_given_without_a_list():
    assert publisher.parse({k: v for k, v in bundled().items()
                            if k != "search_aliases"}).search_aliases == {}
    found = publisher.parse(bundled() | {"search_aliases": {"煤矿": " 煤 ", "非煤矿山": ["非煤"]}})
    assert found.search_aliases == {"煤矿": ("煤",), "非煤矿山": ("非煤",)}
    assert publisher.search_words({"a": ("危化品", "危化"), "b": ("危化",)}) == ["危化品", "危化"]


@pytest.mark.parametrize("aliases", [["危化品"], {"危险化学品": [1]}, {"危险化学品": ["危 化品"]}])
def test_bad_short_names_are_refused(aliases):
    with pytest.raises(ConfigurationError) as error:
        publisher.parse(bundled() | {"search_aliases": aliases})
    assert str(error.value).startswith(
        "publisher.yaml 的 search_aliases(搜索简称)应为“全称: [简称, …]”的映射")


def test_a_list_instead_of_a_mapping_is_refused():
    with pytest.raises(ConfigurationError) as error:
        publisher.parse(["city"])
    assert str(error.value) == "publisher.yaml 的内容应为键值映射(YAML mapping)"


def test_a_build_with_an_incomplete_file_stops_with_exit_2(tmp_path, capsys, fixture_package):
    data, site = tmp_path / "data", tmp_path / "site"
    shutil.copytree(fixture_package("site_small"), data)
    raw = {k: v for k, v in bundled().items() if k != "site_code"}
    (data / "publisher.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True),
                                         encoding="utf-8")
    code = cli.main(["build", "--data", str(data), "--site-dir", str(site),
                     "--work-dir", str(tmp_path / "work")])
    assert (code, capsys.readouterr()) == (2, ("", (
        f"azx build: {data / 'publisher.yaml'} 缺少 site_code(网站标识码);{site}/ 保持不变。\n")))
    assert not site.exists() and not (tmp_path / "work").exists()


def test_a_build_with_unreadable_yaml_stops_with_exit_2(tmp_path, capsys, fixture_package):
    data, site = tmp_path / "data", tmp_path / "site"
    shutil.copytree(fixture_package("site_small"), data)
    (data / "publisher.yaml").write_text("city: [驻马店\n", encoding="utf-8")
    code = cli.main(["build", "--data", str(data), "--site-dir", str(site),
                     "--work-dir", str(tmp_path / "work")])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.startswith(f"azx build: 无法读取网站发布信息文件 {data / 'publisher.yaml'}:")
    assert err.endswith(f";{site}/ 保持不变。\n") and "Traceback" not in err


def test_a_changed_publisher_file_makes_the_next_build_a_real_one(tmp_path, fixture_package):
    from generator.project import Project
    from generator.site import uptodate

    data = tmp_path / "data"
    shutil.copytree(fixture_package("site_small"), data)
    bundled_key = uptodate.inputs_key(data, Project(REPO))
    (data / "publisher.yaml").write_text(
        yaml.safe_dump(bundled() | {"contact_phone": "0396-1111111"}, allow_unicode=True),
        encoding="utf-8")
    own_key = uptodate.inputs_key(data, Project(REPO))
    assert None not in (bundled_key, own_key) and own_key != bundled_key
