"""The plan's duties (the `plan` section of publisher.yaml, shown on 说明 → 政策依据): read and
checked when the publisher file is loaded; a bad one stops a build with exit 2."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from test_pages import render_page

from generator import cli
from generator.site import duties, pages, publisher
from generator.validate.report import ConfigurationError

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"


def bundled() -> dict:
    return yaml.safe_load((DATA / publisher.FILE).read_text(encoding="utf-8"))


def with_plan(**change) -> dict:
    raw = bundled()
    return raw | {"plan": raw["plan"] | change}


def test_the_bundled_plan_names_its_title_and_duties_and_no_publication():
    plan = publisher.load(DATA, DATA).plan
    assert plan is not None
    assert plan.title == "驻马店市推进安全生产责任保险实施方案"
    assert plan.url == ""
    first = plan.duties[0]
    assert (first.title, first.section, first.when, first.page, first.page_title) == (
        "高危行业领域全覆盖", "三、工作目标;五、实施步骤(二)", "2024年12月31日前",
        "coverage/index.md", "投保进展")
    assert len(plan.duties) == 13


def test_a_publisher_file_without_a_plan_has_none():
    raw = {k: v for k, v in bundled().items() if k != "plan"}
    assert publisher.parse(raw).plan is None


def test_an_https_publication_is_kept():
    plan = publisher.parse(with_plan(url=" https://www.example.gov.cn/fa/1.html ")).plan
    assert plan is not None and plan.url == "https://www.example.gov.cn/fa/1.html"


@pytest.mark.parametrize(("raw", "message"), [
    (with_plan(url="http://www.example.gov.cn/fa.html"),
     "publisher.yaml 的 plan.url(实施方案正式发布网址)应以 https:// 开头,"
     "现为 'http://www.example.gov.cn/fa.html'"),
    (with_plan(url="javascript:alert(1)"),
     "publisher.yaml 的 plan.url(实施方案正式发布网址)应以 https:// 开头,"
     "现为 'javascript:alert(1)'"),
    (with_plan(title=""), "publisher.yaml 缺少 plan.title(实施方案名称)"),
    (with_plan(duties=[]), "publisher.yaml 缺少 plan.duties(实施方案规定的职责列表)"),
    (bundled() | {"plan": ["title"]}, "publisher.yaml 的 plan(实施方案)应为键值映射"),
])
def test_a_bad_plan_is_named_with_its_key(raw, message):
    with pytest.raises(ConfigurationError) as error:
        publisher.parse(raw)
    assert str(error.value) == message


def test_every_missing_key_of_a_duty_is_named_at_once():
    raw = bundled()
    second = {k: v for k, v in raw["plan"]["duties"][1].items() if k not in ("who", "page")}
    raw["plan"]["duties"][1] = second | {"when": " "}
    with pytest.raises(ConfigurationError) as error:
        publisher.parse(raw)
    assert str(error.value) == (
        "publisher.yaml 的 plan.duties[1] 缺少 who(责任单位)、when(时限)、page(查看进展的页面)"
        "(应为文字)")


def test_the_basis_page_lists_every_duty_with_its_section_and_link(tmp_path, fixture_package):
    plan = publisher.load(DATA, DATA).plan
    assert plan is not None
    text = render_page(tmp_path, fixture_package("site_small"), pages.BASIS)
    assert f"本站依据《{plan.title}》(下称“方案”)公开信息。" in text
    assert "方案原文" not in text
    for duty in plan.duties:
        assert (f"## {duty.title}\n\n- **谁负责**:{duty.who}\n- **做什么**:{duty.what}\n"
                f"- **时限**:{duty.when}\n- **方案条款**:《{plan.title}》{duty.section}\n"
                f"- **查看进展**:[{duty.page_title}](../{duty.page})\n") in text


def test_a_duty_whose_page_is_not_in_the_site_stops_the_build_with_exit_2(
        tmp_path, capsys, fixture_package):
    data, site = tmp_path / "data", tmp_path / "site"
    shutil.copytree(fixture_package("site_small"), data)
    raw = bundled()
    raw["plan"]["duties"][0]["page"] = "no-such-page.md"
    (data / "publisher.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True),
                                         encoding="utf-8")
    code = cli.main(["build", "--data", str(data), "--site-dir", str(site),
                     "--work-dir", str(tmp_path / "work")])
    out, err = capsys.readouterr()
    assert code == 2
    assert err == ("azx build: publisher.yaml 的 plan.duties 中“高危行业领域全覆盖”的页面 "
                   f"'no-such-page.md' 不是本站的页面;{site}/ 保持不变。\n")
    assert not site.exists()


def test_duty_keys_are_the_fields_of_a_duty():
    assert list(duties.DUTY_KEYS) == list(duties.Duty.__dataclass_fields__)


def test_text_and_address_from_the_plan_are_escaped(tmp_path, fixture_package):
    data = tmp_path / "data"
    shutil.copytree(fixture_package("site_small"), data)
    raw = with_plan(url='https://example.org/a?b=1&c="><script>x</script>')
    raw["plan"]["duties"] = [raw["plan"]["duties"][0] | {"who": "<b>县区</b> | [链接](http://x)"}]
    (data / "publisher.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True),
                                         encoding="utf-8")
    text = render_page(tmp_path / "docs", data, pages.BASIS)
    assert ('方案原文:<a href="https://example.org/a?b=1&#38;c=&#34;&#62;&#60;script&#62;x&#60;/'
            'script&#62;">https://example.org/a?b=1&#38;c=&#34;&#62;&#60;script&#62;x&#60;/'
            'script&#62;</a>') in text
    assert ("- **谁负责**:&#60;b&#62;县区&#60;/b&#62; &#124; &#91;链接&#93;(http://x)"
            in text)
