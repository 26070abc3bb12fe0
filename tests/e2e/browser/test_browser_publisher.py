"""Who stands behind the site: every page's footer names the publisher of data/publisher.yaml and
announces the feed; a missing page answers in Chinese with a way home and the search."""

from __future__ import annotations

import pytest

from generator.site import publisher

from .conftest import DATA_DIR

pytestmark = pytest.mark.e2e

FOOTER_JS = """() => ({
  footer: document.querySelector('.md-footer .azx-publisher')?.innerText.split('\\n')
      .filter(line => line) ?? null,
  feeds: [...document.querySelectorAll('link[rel=alternate][type="application/atom+xml"]')]
      .map(link => link.href),
})"""


def expected_footer() -> list[str]:
    p = publisher.load(DATA_DIR, DATA_DIR)
    lines = [f"主办单位:{p.sponsor} 承办单位:{p.operator}",
             f"联系地址:{p.contact_address} 联系电话:{p.contact_phone}",
             f"网站标识码:{p.site_code} {p.icp} {p.police}"]
    if p.illustrative:
        lines.append("以上发布信息为示例,不是真实的单位、电话或备案号。")
    return [*lines, "订阅数据更新(Atom)"]


def test_every_page_names_the_publisher_and_announces_the_feed(desktop, base_url, site_pages,
                                                                report):
    footer, feed = expected_footer(), base_url + "feed.xml"
    wrong = []
    for path in [*site_pages, "404.html"]:
        desktop.goto(base_url + path, wait_until="domcontentloaded")
        seen = desktop.evaluate(FOOTER_JS)
        if seen["footer"] != footer:
            wrong.append(f"{path or '/'}: 页脚为 {seen['footer']!r}")
        if seen["feeds"] != [feed]:
            wrong.append(f"{path or '/'}: 订阅源链接为 {seen['feeds']}")
    report(f"footer: {len(site_pages) + 1} pages name the publisher and announce {feed}")
    assert wrong == []


def test_the_404_page_is_chinese_and_leads_home(desktop, base_url):
    desktop.goto(base_url + "404.html", wait_until="load")
    assert desktop.title() == "驻马店市安全生产责任保险信息公开"
    assert desktop.locator("article h1").inner_text() == "页面不存在"
    desktop.get_by_role("link", name="返回首页").click()
    desktop.wait_for_load_state("load")
    assert desktop.url == base_url


def test_the_404_page_searches_the_site(desktop, base_url):
    desktop.goto(base_url + "404.html", wait_until="load")
    desktop.get_by_label("搜索本站:").fill("理赔")
    desktop.get_by_role("button", name="搜索").click()
    desktop.wait_for_load_state("load")
    assert desktop.url == base_url + "?q=%E7%90%86%E8%B5%94"
    first = desktop.locator(".md-search-result__item").first
    first.wait_for()
    assert "理赔" in first.inner_text()
