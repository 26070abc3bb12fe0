"""Pages: every expected page is planned, links are relative, data text is escaped."""

import csv
import dataclasses
import re
from collections import defaultdict
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


def rows(root: Path, name: str) -> list[dict[str, str]]:
    with open(root / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def latest_by_industry(root: Path) -> tuple[str, dict[str, tuple[int, int]]]:
    """The latest month of coverage.csv and each industry's (required, insured) in it."""
    coverage = rows(root, "coverage")
    period = max(r["period"] for r in coverage)
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in coverage:
        if r["period"] == period:
            sums[r["industry_code"]][0] += int(r["units_required"])
            sums[r["industry_code"]][1] += int(r["units_insured"])
    return period, {code: (required, insured) for code, (required, insured) in sums.items()}


def month(period: str) -> str:
    year, number = period.split("-")
    return f"{year}年{int(number)}月"


def test_plan_lists_every_page_once(fixture_package):
    root = fixture_package("site_small")
    paths = [p.path for p in pages.plan(site_data(root))]
    assert len(paths) == len(set(paths))
    periods = sorted({r["period"] for r in rows(root, "coverage")})
    quarter_ends = [p for p in periods if p.endswith(("-03", "-06", "-09", "-12"))]
    assert set(paths) == {
        "index.md", "coverage/index.md", "industries/index.md", "regions/index.md",
        *(f"industries/{r['code']}.md" for r in rows(root, "industries")),
        *(f"regions/{r['code'].lower()}.md" for r in rows(root, "regions")),
        "insurers/index.md", *(f"insurers/{r['code'].lower()}.md" for r in rows(root, "insurers")),
        "prevention.md", "claims.md", "enforcement.md", "rates.md", "bulletins/index.md",
        *(f"bulletins/{p}.md" for p in quarter_ends), "milestones.md", "lookup/index.md",
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
    root = fixture_package("site_small")
    fig = site_data(root).figures
    chart = charts.industry_coverage("x", fig.by_industry, fig.industry_colour, fig.period,
                                     fig.target)
    period, latest = latest_by_industry(root)
    transport = latest.pop("transport")
    assert all(required == insured for required, insured in latest.values())
    assert transport[1] < transport[0]
    assert chart.alt == (f"截至{month(period)},3个行业中2个达到全覆盖;危险化学品、烟花爆竹覆盖率"
                         f"并列最高,均为100.0%,最低的是交通运输"
                         f"({100 * transport[1] / transport[0]:.1f}%)。")
    assert chart.table.rows[-1] == ("交通运输", str(transport[0]), str(transport[1]),
                                   f"{100 * transport[1] / transport[0]:.1f}%", "2024年12月31日")


def render_page(tmp_path: Path, root: Path, path: str, aliases: dict | None = None) -> str:
    data = site_data(root)
    planned = pages.plan(data)
    drawn = {c.name: dataclasses.replace(c, src=f"charts/{c.name}.svg")
             for p in planned for c in p.charts}
    page = next(p for p in planned if p.path == path)
    render.render([page], drawn, tmp_path, lambda files: data.figures.as_of, data.package,
                 aliases=aliases)
    return (tmp_path / path).read_text(encoding="utf-8")


ALIASES = {"危险化学品": ("危化品", "危险品"), "棠溪财险": ("棠溪",), "正阳县": ("正阳",),
           "安全生产责任保险": ("安责险",)}


@pytest.mark.parametrize(("path", "title", "line"), [
    ("industries/hazardous_chemicals.md", "危险化学品", "又称:危化品、危险品"),
    ("insurers/txcx.md", "棠溪财险", "又称:棠溪"),
    ("regions/411724.md", "正阳县", "又称:正阳"),
])
def test_an_entity_page_names_its_short_names_and_ranks_first_in_search(
        tmp_path, fixture_package, path, title, line):
    text = render_page(tmp_path, fixture_package("site_small"), path, ALIASES)
    assert text.startswith(f'---\ntitle: "{title}"\nsearch:\n  boost: 2\n---\n\n# {title}\n\n'
                           f"{line}\n\n!!! warning")


def test_an_entity_page_without_short_names_has_no_such_line(tmp_path, fixture_package):
    text = render_page(tmp_path, fixture_package("site_small"), "industries/transport.md",
                       ALIASES)
    assert text.startswith('---\ntitle: "交通运输"\nsearch:\n  boost: 2\n---\n\n# 交通运输\n\n!!!')
    assert "又称" not in text


def test_other_pages_are_not_boosted_and_name_no_short_names(tmp_path, fixture_package):
    text = render_page(tmp_path, fixture_package("site_small"), "claims.md", ALIASES)
    assert text.startswith('---\ntitle: "理赔"\n---\n\n# 理赔\n\n!!!')
    assert "boost" not in text
    assert "又称" not in text


def test_rendered_markdown_escapes_text_from_data(tmp_path, fixture_package):
    text = render_page(tmp_path, fixture_package("xss"), "insurers/czcx.md")
    assert "<script>" not in text
    assert "<img src=x" not in text
    assert "# &#60;script&#62;x&#60;/script&#62;" in text
    assert "&#60;img src=x onerror=alert(1)&#62; &#42;&#42;粗体&#42;&#42; &#124; 竖线" in text


def test_every_page_carries_the_illustrative_banner_and_its_date(tmp_path, fixture_package):
    text = render_page(tmp_path, fixture_package("site_small"), "claims.md")
    assert '!!! warning "示例数据"' in text
    assert "本站数据为示例数据" in text
    assert '<p class="azx-updated">数据更新于 2025年12月31日</p>' in text
    assert '<img src="../charts/claims-paid.svg"' in text


def test_home_names_the_industries_still_short_of_full_coverage(tmp_path, fixture_package):
    root = fixture_package("site_small")
    planned = pages.plan(site_data(root))
    home = next(p for p in planned if p.path == "index.md")
    uninsured = home.charts[0]
    period, latest = latest_by_industry(root)
    required, insured = latest["transport"]  # the one industry still short
    short = required - insured
    assert uninsured.title == f"各行业尚未投保企业数({month(period)})"
    assert uninsured.alt == (f"截至{month(period)},3个行业中2个已全部投保;尚有{short}家企业未投保,"
                             f"交通运输{short}家。")
    assert uninsured.data["value_labels"] == [f"{short}家"]
    text = render_page(tmp_path, root, "index.md")
    assert (f"- [交通运输](industries/transport.md):{short} 家未投保,"
            f"覆盖率 {100 * insured / required:.1f}%,"
            "全覆盖截止日期 2024年12月31日 **已到期**\n") in text
    assert "- [危险化学品]" not in text


def test_chart_leaving_out_a_region_says_why(fixture_package):
    industry = next(p for p in pages.plan(site_data(fixture_package("site_small")))
                    if p.path == "industries/hazardous_chemicals.md")
    regions = industry.charts[1]
    assert [row[0] for row in regions.table.rows] == ["正阳县"]
    assert regions.alt.endswith(
        "驻马店市城乡一体化示范区没有危险化学品行业的应投保企业,未列入图表。")


def test_trend_alt_names_the_due_dates_once(fixture_package):
    root = fixture_package("site_small")
    industry = next(p for p in pages.plan(site_data(root))
                    if p.path == "industries/transport.md")
    coverage = [r for r in rows(root, "coverage") if r["industry_code"] == "transport"]

    def rate(period: str) -> str:
        at = [r for r in coverage if r["period"] == period]
        insured = sum(int(r["units_insured"]) for r in at)
        return f"{100 * insured / sum(int(r['units_required']) for r in at):.1f}%"

    first, last = min(r["period"] for r in coverage), max(r["period"] for r in coverage)
    assert industry.charts[0].alt == (
        f"交通运输投保覆盖率从{month(first)}的{rate(first)}变为{month(last)}的{rate(last)},"
        f"2024年12月31日截止时为{rate('2024-12')};虚线为全覆盖截止日期(2024年12月31日)。")


def test_every_chart_has_a_heading_above_it_and_its_table_below(tmp_path, fixture_package):
    planned = pages.plan(site_data(fixture_package("site_small")))
    assert [c.name for p in planned for c in p.charts if not c.title] == []
    text = render_page(tmp_path, fixture_package("site_small"), "prevention.md")
    assert ('<figcaption><strong class="azx-chart__title">'
            '2025年各保险机构事故预防费用占实收保费的比例</strong>'
            '<span class="azx-chart__finding">') in text
    figure = text.index('<figure class="azx-chart">')
    assert figure < text.index('<img src="../charts/prevention-share.svg"') < text.index(
        "| 保险机构 |实收保费(万元) |")


def test_wide_chart_scrolls_in_a_named_box(tmp_path, fixture_package):
    text = render_page(tmp_path, fixture_package("site_small"), "coverage/index.md")
    assert '<figure class="azx-chart azx-chart--wide">' in text  # the heat map
    assert ('<div class="azx-chart__scroll" tabindex="0" role="region" '
            'aria-label="图表:各县区各行业投保覆盖率(2025年12月)(可左右滚动)">') in text


def test_quarter_without_settled_claims_shows_no_average_days(tmp_path, fixture_package):
    text = render_page(tmp_path, fixture_package("ok_days_unsettled"), "claims.md")
    assert "| [蔡州财险](insurers/czcx.md) | 1 | 0 | 0.00 | 0 | 0.00 | — | — |" in text
    # the quarter's averages are weighted by settled claims: the unsettled row adds nothing
    assert "| [棠溪财险](insurers/txcx.md) | 32 | 28 | 86.37 | 3 | 8.83 | 9.3 | 3.3 |" in text
    assert "| 2025年第四季度 |33 |28 |86.37 |3 |8.83 |9.3 |3.3 |" in text


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
    root = fixture_package("site_small")
    text = render_page(tmp_path, root, "regions/411724.md")
    latest = max(r["period"] for r in rows(root, "coverage"))
    row = next(r for r in rows(root, "coverage") if r["period"] == latest
               and r["region_code"] == "411724" and r["industry_code"] == "transport")
    rate = 100 * int(row["units_insured"]) / int(row["units_required"])
    assert ('!!! danger "截止日期已到、仍未实现全覆盖的行业"\n\n'
            f"    交通运输(覆盖率 {rate:.1f}%,截止 2024年12月31日)\n\n## 各行业\n") in text


def test_industry_past_its_deadline_says_so_in_its_warning(tmp_path, fixture_package):
    root = fixture_package("site_small")
    text = render_page(tmp_path, root, "industries/transport.md")
    latest = max(r["period"] for r in rows(root, "coverage"))
    month = [r for r in rows(root, "coverage")
             if r["period"] == latest and r["industry_code"] == "transport"]
    uninsured = sum(int(r["units_required"]) - int(r["units_insured"]) for r in month)
    assert uninsured > 0
    assert ('!!! danger "截止日期已到、仍未实现全覆盖"\n\n'
            f"    全覆盖截止日期 2024年12月31日 已到期,截至 {latest[:4]}年{int(latest[5:])}月"
            f"尚有 {uninsured:,} 家企业未投保。\n") in text
