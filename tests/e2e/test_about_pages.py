"""说明 and the pages under it, and 数据校验报告, in a real build of the bundled data: 政策依据
lists each configured duty of the plan with a link to a page of the site; 校验规则 lists every rule;
no public page names a source file of the program; the validation report explains each warning
in plain words, the rule id small after the message."""

from __future__ import annotations

import html
import json
import posixpath
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.site import meanings, publisher
from generator.validate.rules.catalog import RULES, cited

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("about")
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--data", str(DATA), "--site-dir",
         str(root / "site"), "--work-dir", str(root / "work")],
        cwd=REPO, capture_output=True, text=True, encoding="utf-8",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "site"


def article(site: Path, url: str) -> str:
    page = (site / url / "index.html").read_text(encoding="utf-8")
    return page[page.index("<article"):page.index("</article>")]


def text(markup: str) -> str:
    """What a reader sees of `markup`: heading permalinks and tags removed, references resolved,
    spaces collapsed (a tag counts as a space)."""
    markup = re.sub(r'<a class="headerlink".*?</a>', "", markup)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def test_the_basis_page_lists_every_configured_duty_linked_to_a_page_of_the_site(site):
    plan = yaml.safe_load((DATA / "publisher.yaml").read_text(encoding="utf-8"))["plan"]
    body = article(site, "about/basis")
    shown = text(body)
    assert f"本站依据《{plan['title']}》(下称“方案”)公开信息。" in shown
    links = re.findall(r'<li><strong>查看进展</strong>:<a href="([^"]+)">([^<]+)</a></li>', body)
    assert len(links) == len(plan["duties"])
    for duty, (href, label) in zip(plan["duties"], links, strict=True):
        assert (f"{duty['title']} 谁负责 :{duty['who']} 做什么 :{duty['what']} "
                f"时限 :{duty['when']} 方案条款 :《{plan['title']}》{duty['section']} "
                f"查看进展 : {duty['page_title']}") in shown
        assert label == duty["page_title"]
        target = posixpath.normpath(posixpath.join("about/basis/", href))
        assert target == duty["page"].removesuffix(".md").removesuffix("/index")
        assert (site / target / "index.html").is_file(), href
    assert "方案原文" not in shown  # the bundled file names no official publication


def test_the_about_page_is_plain_and_leads_to_the_basis_and_the_rules(site):
    shown = text(article(site, "about"))
    assert ("本站按照《驻马店市推进安全生产责任保险实施方案》的要求,公开推进安全生产责任保险"
            "(简称安责险)的情况。") in shown
    assert "政策依据 :实施方案规定的各项职责,以及本站显示其进展的页面。" in shown
    for word in ("Frictionless", "policy.yaml", "contract", "规则编号"):
        assert word not in shown


def test_no_public_page_names_a_source_file_of_the_program(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 50
    found = [p.relative_to(site).as_posix() for p in pages
             if re.search(r"generator/|\.py\b", p.read_text(encoding="utf-8"))]
    assert found == []


def test_the_rules_page_lists_every_rule_with_its_chinese_title_and_description(site):
    shown = text(article(site, "about/rules"))
    rules = cited(publisher.load(DATA, DATA).plan_title)
    assert len(rules) == len(RULES)
    for rule in rules:
        assert (f"{rule.id} {'错误' if rule.severity == 'error' else '警告'} {rule.title} "
                f"{' '.join(rule.description.split())} {' '.join(rule.source.split())}") in shown


def test_the_validation_report_explains_each_warning_with_the_rule_id_after_it(site):
    result = subprocess.run([sys.executable, "-m", "generator", "validate", "--format", "json",
                             str(DATA)], cwd=REPO, capture_output=True, text=True,
                            encoding="utf-8")
    warnings = json.loads(result.stdout)["problems"]
    descriptor = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    tables = {r["path"]: r["title"] for r in descriptor["resources"]}
    body = article(site, "validation")
    shown = text(body)
    assert (f"程序都会自动检查全部 {len(tables)} 张数据表" in shown
            and f"一共 {len(RULES)} 条规则" in shown)
    order = [rule.id for rule in RULES]  # the page groups the warnings by rule, in rule order
    kinds = sorted({w["rule"] for w in warnings}, key=order.index)
    assert f"本次发布的数据有 {len(warnings)} 条警告,分为 {len(kinds)} 类。" in shown
    rows = [text(row) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)[1:]]
    rows = [row for row in rows if not row.startswith("数据表")]
    assert rows == [f"{tables[w['file']]} {w['row']} {w['column_title']} "
                    f"{meanings.reader_text(w['message'])} 规则 {w['rule']}"
                    for kind in kinds for w in warnings if w["rule"] == kind]
    # figures as the site writes them: no ISO date or month, no amount without separators
    assert re.findall(r"\d{4}-\d{2}|\d{4,} ?元", shown) == []
    assert body.count('<small class="azx-rule-id">') == len(warnings)
    titles = {rule.id: rule.title for rule in RULES}
    headings = [text(h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", body, re.S)]
    assert headings == [titles[kind] for kind in kinds]
    assert shown.count("这意味着什么") == len(kinds)
    assert ("这意味着什么 :实施方案规定的全覆盖期限已到,这个县区的这个行业仍有企业没有投保,"
            "一旦发生事故,其职工可能得不到保险赔付。") in shown
    for name in tables:
        assert name not in shown  # tables by their Chinese titles, not their file names
