"""At phone size (375×812) no page scrolls sideways; a wide table scrolls inside its own box."""

from __future__ import annotations

import pytest

from .conftest import PHONE

pytestmark = pytest.mark.e2e

# The page's own width against the window, and every table wider than the article: the box that
# scrolls it (the nearest of the table and its ancestors with overflow-x auto/scroll whose content
# overflows), whether that box really scrolls, and where it sits.
LAYOUT_JS = """() => {
  const scroller = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX)
    && el.scrollWidth > el.clientWidth + 1;
  const wide = [];
  document.querySelectorAll('article table').forEach((table, index) => {
    const article = table.closest('article');
    if (table.scrollWidth <= article.clientWidth + 1) return;
    let box = table;
    while (box && box !== article && !scroller(box)) box = box.parentElement;
    if (box === article) box = null;
    let scrolls = false, left = null, right = null;
    if (box) {
      const before = box.scrollLeft;
      box.scrollLeft = before + 40;
      scrolls = box.scrollLeft > before;
      box.scrollLeft = before;
      ({left, right} = box.getBoundingClientRect());
    }
    wide.push({index, width: table.scrollWidth, scrolls, left, right});
  });
  return {
    scrollWidth: document.scrollingElement.scrollWidth,
    // A mobile browser zooms out to fit a page that is too wide, which widens innerWidth with it;
    // the layout viewport (the html element's clientWidth) stays at the device width.
    width: Math.min(window.innerWidth, document.documentElement.clientWidth),
    wide,
  };
}"""


def layout_problems(url: str, layout: dict) -> list[str]:
    """What is wrong with one page's layout at phone width, in words."""
    problems = []
    if layout["scrollWidth"] > layout["width"]:
        problems.append(
            f"{url}: 页面横向滚动 (scrollWidth {layout['scrollWidth']} > {layout['width']})"
        )
    for table in layout["wide"]:
        where = f"{url} 第 {table['index'] + 1} 个表格 (宽 {table['width']}px)"
        if not table["scrolls"]:
            problems.append(f"{where}: 没有在自己的容器内横向滚动")
        elif table["left"] < -1 or table["right"] > layout["width"] + 1:
            problems.append(f"{where}: 滚动容器超出屏幕 ({table['left']}–{table['right']})")
    return problems


def test_no_page_scrolls_sideways_on_a_phone(phone, base_url, site_pages, report):
    problems = []
    wide_tables = 0
    for path in site_pages:
        url = base_url + path
        phone.goto(url, wait_until="load")
        layout = phone.evaluate(LAYOUT_JS)
        wide_tables += len(layout["wide"])
        problems += layout_problems(url, layout)
    report(f"phone 375×812: {len(site_pages)} pages, {wide_tables} wide tables scroll in their box")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page_type", ["home", "industry", "insurer"])
def test_phone_layout_without_javascript(page_type, browser, base_url, page_paths):
    # Without JavaScript the theme does not wrap tables: the site's own CSS must keep them in a box.
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN", java_script_enabled=False
    )
    page = context.new_page()
    url = base_url + page_paths[page_type]
    page.goto(url, wait_until="load")
    layout = page.evaluate(LAYOUT_JS)
    context.close()
    assert not layout_problems(url, layout), "\n".join(layout_problems(url, layout))
