"""Pages: every expected page is planned, links are relative, data text is escaped."""

import dataclasses
import re
from pathlib import Path

import pandas as pd
import pytest

from generator.package.load import load_package
from generator.site import charts, pages, publisher, render
from generator.site.figures import compute

DATA = Path(__file__).resolve().parents[1] / "data"


def site_data(root: Path) -> pages.SiteData:
    """The pages' input for the package at `root`, with its publisher file (else data/'s)."""
    package = load_package(root)
    return pages.SiteData(package, figures=compute(package),
                          publisher=publisher.load(root, DATA))


def test_plan_lists_every_page_once(fixture_package):
    paths = [p.path for p in pages.plan(site_data(fixture_package("site_small")))]
    assert len(paths) == len(set(paths))
    assert set(paths) == {
        "index.md", "coverage/index.md", "industries/index.md", "regions/index.md",
        "industries/coal.md", "industries/hazchem.md", "industries/metallurgy.md",
        "regions/411702.md", "regions/411721.md", "regions/4117kf.md",
        "insurers/index.md", "insurers/hhcx.md", "insurers/sycx.md",
        "prevention.md", "claims.md", "enforcement.md", "rates.md", "bulletins/index.md",
        "bulletins/2025-06.md", "milestones.md", "lookup/index.md",
        "downloads.md", "dictionary.md", "validation.md", "about.md", "about/basis.md",
        "about/rules.md", "updates.md",
    }


def test_output_depth_follows_directory_urls():
    assert render.output_depth("index.md") == 0
    assert render.output_depth("claims.md") == 1
    assert render.output_depth("insurers/index.md") == 1
    assert render.output_depth("insurers/sycx.md") == 2


def test_colours_are_fixed_per_code():
    assert charts.colours(["a", "b"]) == {"a": charts.PALETTE[0], "b": charts.PALETTE[1]}


def test_chart_alt_text_states_the_finding(fixture_package):
    fig = site_data(fixture_package("site_small")).figures
    chart = charts.industry_coverage("x", fig.by_industry, fig.industry_colour, fig.period,
                                     fig.target)
    # in 2025-06: coal 14 of 16, hazchem 55 of 62, metallurgy 19 of 22 units insured
    assert chart.alt == ("截至2025年6月,3个行业中0个达到全覆盖;覆盖率最高的是危险化学品(88.7%),"
                         "最低的是金属冶炼(86.4%)。")
    assert chart.table.rows[0] == ("煤矿", "16", "14", "87.5%", "2024年12月31日")


def render_page(tmp_path: Path, root: Path, path: str, aliases: dict | None = None) -> str:
    data = site_data(root)
    planned = pages.plan(data)
    drawn = {c.name: dataclasses.replace(c, src=f"charts/{c.name}.svg")
             for p in planned for c in p.charts}
    page = next(p for p in planned if p.path == path)
    render.render([page], drawn, tmp_path, lambda files: data.figures.as_of, data.package,
                 aliases=aliases)
    return (tmp_path / path).read_text(encoding="utf-8")


ALIASES = {"危险化学品": ("危化品", "危险品"), "洪河财险": ("洪河",), "驿城区": ("驿城",),
           "安全生产责任保险": ("安责险",)}


@pytest.mark.parametrize(("path", "title", "line"), [
    ("industries/hazchem.md", "危险化学品", "又称:危化品、危险品"),
    ("insurers/hhcx.md", "洪河财险", "又称:洪河"),
    ("regions/411702.md", "驿城区", "又称:驿城"),
])
def test_an_entity_page_names_its_short_names_and_ranks_first_in_search(
        tmp_path, fixture_package, path, title, line):
    text = render_page(tmp_path, fixture_package("site_small"), path, ALIASES)
    assert text.startswith(f'---\ntitle: "{title}"\nsearch:\n  boost: 2\n---\n\n# {title}\n\n'
                           f"{line}\n\n!!! warning")


def test_an_entity_page_without_short_names_has_no_such_line(tmp_path, fixture_package):
    text = render_page(tmp_path, fixture_package("site_small"), "industries/coal.md", ALIASES)
    assert text.startswith('---\ntitle: "煤矿"\nsearch:\n  boost: 2\n---\n\n# 煤矿\n\n!!!')
    assert "又称" not in text


def test_other_pages_are_not_boosted_and_name_no_short_names(tmp_path, fixture_package):
    text = render_page(tmp_path, fixture_package("site_small"), "claims.md", ALIASES)
    assert text.startswith('---\ntitle: "理赔"\n---\n\n# 理赔\n\n!!!')
    assert "boost" not in text
    assert "又称" not in text


def test_rendered_markdown_escapes_text_from_data(tmp_path, fixture_package):
    text = render_page(tmp_path, fixture_package("xss"), "insurers/hhcx.md")
    assert "<script>" not in text
    assert "<img src=x" not in text
    assert "# &#60;script&#62;x&#60;/script&#62;" in text
    assert "&#60;img src=x onerror=alert(1)&#62; &#42;&#42;粗体&#42;&#42; &#124; 竖线" in text


def test_every_page_carries_the_illustrative_banner_and_its_date(tmp_path, fixture_package):
    text = render_page(tmp_path, fixture_package("site_small"), "claims.md")
    assert '!!! warning "示例数据"' in text
    assert "本站数据为示例数据" in text
    assert '<p class="azx-updated">数据更新于 2025年6月30日</p>' in text
    assert '<img src="../charts/claims-paid.svg"' in text


def test_home_names_the_industries_still_short_of_full_coverage(tmp_path, fixture_package):
    planned = pages.plan(site_data(fixture_package("site_small")))
    home = next(p for p in planned if p.path == "index.md")
    uninsured = home.charts[0]
    # in 2025-06: hazchem 62 − 55, metallurgy 22 − 19, coal 16 − 14 units still uninsured
    assert uninsured.title == "各行业尚未投保企业数(2025年6月)"
    assert uninsured.alt == ("截至2025年6月,3个行业中0个已全部投保;尚有12家企业未投保,"
                             "危险化学品7家、金属冶炼3家、煤矿2家。")
    assert uninsured.data["value_labels"] == ["7家", "3家", "2家"]
    text = render_page(tmp_path, fixture_package("site_small"), "index.md")
    assert "- [危险化学品](industries/hazchem.md):7 家未投保,覆盖率 88.7%," in text
    assert "全覆盖截止日期 2024年12月31日 **已过**\n- [金属冶炼]" in text


def test_chart_leaving_out_a_region_says_why(fixture_package):
    industry = next(p for p in pages.plan(site_data(fixture_package("site_small")))
                    if p.path == "industries/coal.md")
    regions = industry.charts[1]
    assert [row[0] for row in regions.table.rows] == ["驿城区", "西平县"]
    assert regions.alt.endswith("经济开发区没有煤矿行业的应投保企业,未列入图表。")


def test_trend_alt_names_the_due_dates_once(fixture_package):
    industry = next(p for p in pages.plan(site_data(fixture_package("site_small")))
                    if p.path == "industries/coal.md")
    assert industry.charts[0].alt == (
        "煤矿投保覆盖率从2025年4月的56.3%变为2025年6月的87.5%;"
        "虚线为全覆盖截止日期(2024年12月31日)。")


def test_every_chart_has_a_heading_above_it_and_its_table_below(tmp_path, fixture_package):
    planned = pages.plan(site_data(fixture_package("site_small")))
    assert [c.name for p in planned for c in p.charts if not c.title] == []
    text = render_page(tmp_path, fixture_package("site_small"), "prevention.md")
    assert ('<figcaption><strong class="azx-chart__title">'
            '2024年各保险机构事故预防费用占实收保费的比例</strong>'
            '<span class="azx-chart__finding">') in text
    figure = text.index('<figure class="azx-chart">')
    assert figure < text.index('<img src="../charts/prevention-share.svg"') < text.index(
        "| 保险机构 |实收保费(万元) |")


def test_wide_chart_scrolls_in_a_named_box(tmp_path, fixture_package):
    text = render_page(tmp_path, fixture_package("site_small"), "coverage/index.md")
    assert '<figure class="azx-chart azx-chart--wide">' in text  # the heat map
    assert ('<div class="azx-chart__scroll" tabindex="0" role="region" '
            'aria-label="图表:各县区各行业投保覆盖率(2025年6月)(可左右滚动)">') in text


def test_quarter_without_settled_claims_shows_no_average_days(tmp_path, fixture_package):
    text = render_page(tmp_path, fixture_package("site_small"), "claims.md")
    assert "| [宿鸭湖财险](insurers/sycx.md) | 1 | 0 | 0.00 | 0 | 0.00 | — | — |" in text
    assert "| 2025年第二季度 |5 |4 |26.00 |1 |5.00 |10.0 |5.0 |" in text


def test_templates_index_no_frames():
    """Templates get records and values: pandas indexing there is compute in disguise."""
    pandas_access = re.compile(r"\.(loc|iloc|at|iat|values|index|to_numpy)\b|iterrows|itertuples")
    found = [f"{path.name}:{n}: {line.strip()}"
             for path in sorted(render.TEMPLATES.glob("*.j2"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if pandas_access.search(line.replace("/index.md", ""))]
    assert found == []


def test_no_page_context_holds_a_frame(fixture_package):
    def frames_in(value) -> bool:
        if isinstance(value, pd.DataFrame | pd.Series):
            return True
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return any(frames_in(getattr(value, f.name)) for f in dataclasses.fields(value))
        if isinstance(value, dict):
            return any(frames_in(v) for v in value.values())
        if isinstance(value, list | tuple):
            return any(frames_in(v) for v in value)
        return False

    planned = pages.plan(site_data(fixture_package("site_small")))
    assert [(p.path, key) for p in planned for key, value in p.context.items()
            if frames_in(value)] == []


def test_region_names_its_overdue_industries_inside_the_warning(tmp_path, fixture_package):
    text = render_page(tmp_path, fixture_package("site_small"), "regions/411702.md")
    assert ('!!! danger "未按期实现全覆盖的行业"\n\n'
            "    煤矿(覆盖率 90.0%,截止 2024年12月31日)、危险化学品(覆盖率 90.0%,"
            "截止 2024年12月31日)\n\n## 各行业\n") in text
