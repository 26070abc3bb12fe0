"""Without JavaScript the home, industry and insurer pages still show every figure and table."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

# What a reader gets from the article: its text by lines, each table's rows (visible, with text),
# each chart image (visible, decoded) and each figure caption.
CONTENT_JS = """() => {
  const article = document.querySelector('article');
  // long tables fold into <details>, which open by a click without JavaScript: read them open
  article.querySelectorAll('details').forEach(d => { d.open = true; });
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  return {
    lines: article.innerText.split('\\n').map(l => l.trim()).filter(Boolean),
    tables: [...article.querySelectorAll('table')].map(table => ({
      visible: visible(table),
      rows: [...table.rows].map(row => ({visible: visible(row), text: row.innerText.trim()})),
    })),
    images: [...article.querySelectorAll('img')].map(img => ({
      src: img.getAttribute('src'), visible: visible(img),
      loaded: img.complete && img.naturalWidth > 0,
    })),
  };
}"""

PAGES = ("home", "industry", "insurer")


def read_content(page, url: str) -> dict:
    page.goto(url, wait_until="load")
    return page.evaluate(CONTENT_JS)


@pytest.mark.parametrize("page_type", PAGES)
def test_figures_and_tables_without_javascript(page_type, desktop, no_js, base_url, page_paths):
    url = base_url + page_paths[page_type]
    with_js = read_content(desktop, url)
    without = read_content(no_js, url)
    problems = []
    if not without["tables"]:
        problems.append("没有表格")
    for kind, label in (("tables", "表格"), ("images", "图片")):
        if len(without[kind]) != len(with_js[kind]):
            counts = f"{len(without[kind])} 个,启用 JavaScript 时 {len(with_js[kind])} 个"
            problems.append(f"{label} {counts}")
    for number, table in enumerate(without["tables"], start=1):
        hidden = [row["text"] for row in table["rows"] if not row["visible"] or not row["text"]]
        if not table["visible"] or hidden:
            problems.append(f"第 {number} 个表格不可见或有空行/隐藏行: {hidden[:3]}")
    problems += [f"图片 {image['src']} 不可见或未加载" for image in without["images"]
                 if not image["visible"] or not image["loaded"]]
    shown = set(without["lines"])
    missing = [line for line in with_js["lines"] if line not in shown]
    if missing:
        problems.append(f"这些文字只在启用 JavaScript 时出现: {missing[:5]}")
    assert not problems, f"{url}(禁用 JavaScript)\n" + "\n".join(problems)
