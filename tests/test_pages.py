"""Pages: every expected page is planned, links are relative, data text is escaped."""

from pathlib import Path

from generator import charts, pages
from generator.load import load_package

FIXTURES = Path(__file__).parent / "fixtures"


def site_data(name: str) -> pages.SiteData:
    package = load_package(FIXTURES / name)
    return pages.SiteData(package, figures=pages.compute(package))


def test_plan_lists_every_page_once():
    paths = [p.path for p in pages.plan(site_data("site_small"))]
    assert len(paths) == len(set(paths))
    assert set(paths) == {
        "index.md", "coverage/index.md", "industries/index.md", "regions/index.md",
        "industries/coal.md", "industries/hazchem.md", "industries/metallurgy.md",
        "regions/411702.md", "regions/411721.md", "regions/4117kf.md",
        "insurers/index.md", "insurers/picc.md", "insurers/cpic.md",
        "prevention.md", "claims.md", "milestones.md",
        "downloads.md", "dictionary.md", "validation.md", "about.md", "updates.md",
    }


def test_output_depth_follows_directory_urls():
    assert pages.output_depth("index.md") == 0
    assert pages.output_depth("claims.md") == 1
    assert pages.output_depth("insurers/index.md") == 1
    assert pages.output_depth("insurers/picc.md") == 2


def test_colours_are_fixed_per_code():
    assert charts.colours(["a", "b"]) == {"a": charts.PALETTE[0], "b": charts.PALETTE[1]}


def test_chart_alt_text_states_the_finding():
    fig = site_data("site_small").figures
    chart = charts.industry_coverage("x", fig["by_industry"], fig["industry_colour"],
                                     fig["period"], fig["target"])
    # in 2025-06: coal 14 of 16, hazchem 55 of 62, metallurgy 19 of 22 units insured
    assert chart.alt == ("截至2025年6月,3个行业中0个达到全覆盖;覆盖率最高的是危险化学品(88.7%),"
                         "最低的是金属冶炼(86.4%)。")
    assert chart.table.rows[0] == ("煤矿", "16", "14", "87.5%", "2024年12月31日")


def render_page(tmp_path: Path, name: str, path: str) -> str:
    data = site_data(name)
    planned = pages.plan(data)
    drawn = {c.name: charts.Chart(c.name, c.kind, c.data, c.alt, c.table, f"charts/{c.name}.svg")
             for p in planned for c in p.charts}
    page = next(p for p in planned if p.path == path)
    pages.render([page], drawn, tmp_path, lambda files: data.figures["as_of"], data.package)
    return (tmp_path / path).read_text(encoding="utf-8")


def test_rendered_markdown_escapes_text_from_data(tmp_path):
    text = render_page(tmp_path, "xss", "insurers/cpic.md")
    assert "<script>" not in text
    assert "<img src=x" not in text
    assert "# &#60;script&#62;x&#60;/script&#62;" in text
    assert "&#60;img src=x onerror=alert(1)&#62; &#42;&#42;粗体&#42;&#42; &#124; 竖线" in text


def test_every_page_carries_the_illustrative_banner_and_its_date(tmp_path):
    text = render_page(tmp_path, "site_small", "claims.md")
    assert '!!! warning "示例数据"' in text
    assert "本站数据为示例数据" in text
    assert '<p class="azx-updated">数据更新于 2025年6月30日</p>' in text
    assert '<img src="../charts/claims-paid.svg"' in text
