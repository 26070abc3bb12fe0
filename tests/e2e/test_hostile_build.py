"""A real `azx build` of a package whose history and data a careless submitter wrote (issue 12):
a commit that saved regions.csv in GBK, a commit whose subject holds an ANSI escape and a bell,
and a region renamed to a name with `{0}` (str.format) and `$\\frac{1}{2}$` (matplotlib maths).

The build succeeds; the two commits are named and skipped on the 更新记录 page and in feed.xml,
and the name is shown as the same characters in the page HTML, the chart SVG and its alt text.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from release_history import git, make_history

REPO = Path(__file__).resolve().parents[2]
NAME = "正阳县{0}$\\frac{1}{2}$"
A = "{http://www.w3.org/2005/Atom}"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """The history repository (three releases, then the three commits above) and its site."""
    root = tmp_path_factory.mktemp("hostile")
    data = make_history(root)
    repo, regions = data.parent, data / "regions.csv"
    good = regions.read_bytes()
    regions.write_bytes(good.decode("utf-8").encode("gb18030"))
    git(repo, "commit", "-q", "-am", "Excel 直接保存", date="2026-01-10T09:00:00+08:00")
    regions.write_bytes(good)
    git(repo, "commit", "-q", "-am", "恢复\x1b[31m\x07", date="2026-01-11T09:00:00+08:00")
    regions.write_text(good.decode("utf-8").replace("正阳县,县", f"{NAME},县"), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "县区名称", date="2026-01-12T09:00:00+08:00")
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--data", str(data),
         "--site-dir", str(root / "site"), "--work-dir", str(root / "work")],
        cwd=REPO, capture_output=True, text=True, encoding="utf-8")
    assert (result.returncode, result.stderr) == (0, ""), result.stdout + result.stderr
    return repo, root / "site"


def lines(fragment: str) -> list[str]:
    """The visible text of an HTML fragment, one line per non-empty line."""
    text = html.unescape(re.sub(r"<[^>]+>", "", fragment))
    return [line.strip() for line in text.splitlines() if line.strip()]


def release(page: str, short: str) -> list[str]:
    section = page.split(f'<h2 id="release-{short}">')[1].split("<h2 ")[0]
    return lines(section.split("</article>")[0])


def test_updates_page_names_and_skips_the_undecodable_commits(built):
    repo, site = built
    gbk, control = git(repo, "rev-parse", "HEAD~2"), git(repo, "rev-parse", "HEAD~1")
    page = (site / "updates" / "index.html").read_text(encoding="utf-8")
    assert release(page, control[:7]) == [
        "2026年1月11日:未能比较的数据提交¶",
        "查看这次发布的修改明细",  # older releases fold their details
        f"提交 {control[:7]},提交说明:恢复\\u001b[31m\\u0007",
        f"已跳过提交 {control[:7]}:提交说明含控制字符 U+001B",
    ]
    assert release(page, gbk[:7]) == [
        "2026年1月10日:未能比较的数据提交¶",
        "查看这次发布的修改明细",  # older releases fold their details
        f"提交 {gbk[:7]},提交说明:Excel 直接保存",
        f"已跳过提交 {gbk[:7]}:跳过 regions.csv:{gbk}:data/regions.csv 不是 UTF-8 编码,无法比较",
    ]
    assert "共 6 次数据发布。" in page
    assert "\x1b" not in page and "\x07" not in page


def test_feed_names_and_skips_the_undecodable_commits(built):
    repo, site = built
    gbk, control = git(repo, "rev-parse", "HEAD~2"), git(repo, "rev-parse", "HEAD~1")
    raw = (site / "feed.xml").read_bytes()
    assert b"\x1b" not in raw and b"\x07" not in raw
    entries = ET.fromstring(raw).findall(f"{A}entry")
    assert [(e.findtext(f"{A}title"), e.findtext(f"{A}summary"), e.findtext(f"{A}content"))
            for e in entries[1:3]] == [
        ("2026年1月11日:未能比较的数据提交",
         f"未能比较的数据提交(提交 {control[:7]},提交说明:恢复\\u001b[31m\\u0007)",
         f"已跳过提交 {control[:7]}:提交说明含控制字符 U+001B"),
        ("2026年1月10日:未能比较的数据提交",
         f"未能比较的数据提交(提交 {gbk[:7]},提交说明:Excel 直接保存)",
         f"已跳过提交 {gbk[:7]}:跳过 regions.csv:{gbk}:data/regions.csv 不是 UTF-8 编码,无法比较"),
    ]


def test_a_name_with_braces_and_dollars_is_shown_as_written(built):
    _, site = built
    page = (site / "regions" / "411724" / "index.html").read_text(encoding="utf-8")
    [heading] = re.findall(r"<h1[^>]*>(.*?)<a class=\"headerlink\"", page)
    assert html.unescape(heading) == NAME
    assert f"<title>{NAME} - " in html.unescape(page)
    coverage = (site / "coverage" / "index.html").read_text(encoding="utf-8")
    [(chart, alt)] = re.findall(r'<img src="\.\./charts/(region-coverage-[0-9a-f]+\.svg)" '
                                r'alt="([^"]*)"', coverage)
    found = re.fullmatch(r"截至2025年12月,各县区覆盖率最高的是(.+)\(\d+\.\d%\),"
                         r"最低的是(.+)\(\d+\.\d%\)。", html.unescape(alt))
    assert found is not None and NAME in found.groups()
    labels = [t.text for t in ET.parse(site / "charts" / chart).getroot().iter(f"{SVG}text")]
    assert NAME in labels  # drawn as the characters, not as maths
