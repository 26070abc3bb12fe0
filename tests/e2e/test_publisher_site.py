"""A real build with a package's own publisher.yaml: every page's footer names the publisher (its
text escaped), and the site's URL makes the feed, canonical links and sitemap absolute."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = {
    "illustrative": False,
    "city": "样例市",
    "site_url": "https://example.org/ajx",
    "sponsor": "<script>alert(1)</script>样例市安委办",
    "operator": "样例市应急管理局 & 数据中心",
    "issuer": "样例市<b>安全生产委员会办公室</b>",
    "contact_address": "样例市人民路 1 号",
    "contact_phone": '0000-1234567"><img src=x onerror=alert(2)>',
    "site_code": "0000000000",
    "icp": "样ICP备12345678号",
    "police": "样公网安备00000000000000号",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory, fixture_package) -> Path:
    root = tmp_path_factory.mktemp("publisher")
    data = root / "data"
    shutil.copytree(fixture_package("xss"), data)
    (data / "publisher.yaml").write_text(yaml.safe_dump(HOSTILE, allow_unicode=True),
                                         encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--data", str(data), "--site-dir",
         str(root / "site"), "--work-dir", str(root / "work")],
        cwd=REPO, capture_output=True, text=True, encoding="utf-8",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "site"


def pages(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(site.rglob("*.html"))}


def footer(page: str) -> str:
    return page[page.index('<div class="md-copyright azx-publisher">'):page.index("</footer>")]


def test_every_page_names_the_publisher_with_its_text_escaped(site):
    found = pages(site)
    assert len(found) > 20
    for name, page in found.items():
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", footer(page))).strip()
        assert text == (
            "主办单位:&lt;script&gt;alert(1)&lt;/script&gt;样例市安委办 "
            "承办单位:样例市应急管理局 &amp; 数据中心 联系地址:样例市人民路 1 号 "
            "联系电话: 0000-1234567&#34;&gt;&lt;img src=x onerror=alert(2)&gt; "
            "网站标识码:0000000000 样ICP备12345678号 样公网安备00000000000000号 "
            "订阅数据更新(Atom)"), name
        assert "<script>alert(1)" not in page and "<img src=x" not in page, name


def test_every_page_announces_the_feed(site):
    found = pages(site)
    link = ('<link rel="alternate" type="application/atom+xml" '
            'title="驻马店市安全生产责任保险信息公开 · 数据更新记录" href="{}">')
    wrong = [name for name, page in found.items()
             if link.format("../" * name.count("/") + "feed.xml") not in page]
    assert wrong == ["404.html"]  # a server shows it at any depth: its links start at the root
    assert link.format("/ajx/feed.xml") in found["404.html"]


def test_canonical_links_and_the_sitemap_use_the_site_url(site):
    found = pages(site)
    assert '<link rel="canonical" href="https://example.org/ajx/">' in found["index.html"]
    assert ('<link rel="canonical" href="https://example.org/ajx/insurers/czcx/">'
            in found["insurers/czcx/index.html"])
    locations = [e.text for e in ET.parse(site / "sitemap.xml").getroot().iter()
                 if e.tag.endswith("loc")]
    expected = sorted("https://example.org/ajx/" + name.removesuffix("index.html")
                      for name in found if name != "404.html")
    assert sorted(locations) == expected


def test_the_feed_links_absolutely_and_is_signed_by_the_issuing_office(site):
    feed = ET.parse(site / "feed.xml").getroot()
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "https://example.org/ajx/feed.xml"
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "样例市<b>安全生产委员会办公室</b>"


def test_the_404_page_leads_home_under_the_site_path(site):
    page = (site / "404.html").read_text(encoding="utf-8")
    assert '<a href="/ajx/">返回首页</a>' in page
    assert '<form class="azx-search-404" action="/ajx/" method="get" role="search">' in page
