"""Charts keep their place: every drawn chart knows its size, and its <img> gives it and loads
lazily, so the page does not move when a chart arrives."""

from __future__ import annotations

import re

from generator.package.load import load_package
from generator.site import charts, pages, render
from generator.site.charts.draw import TRIM
from generator.site.figures import compute


def test_svg_size_converts_matplotlibs_points_to_css_pixels():
    svg = (b'<?xml version="1.0"?>\n<svg xmlns:xlink="http://www.w3.org/1999/xlink" '
           b'width="329.84pt" height="243.6075pt" viewBox="0 0 329.84 243.6075">\n<g/></svg>')
    assert charts.svg_size(svg) == (440, 325)


def test_a_drawn_chart_is_shown_with_its_size_and_loaded_lazily(tmp_path, fixture_package):
    package = load_package(fixture_package("site_small"))
    data = pages.SiteData(package, figures=compute(package))
    [page] = pages.claims_page(data)
    drawn, _ = charts.draw_all(list(page.charts), tmp_path, tmp_path / "cache")
    [chart] = drawn
    head = (tmp_path / chart.src).read_text(encoding="utf-8")[:600]
    width, height = (float(v) for v in re.search(r'width="([0-9.]+)pt" height="([0-9.]+)pt"',
                                                  head).groups())
    assert (chart.width, chart.height) == (round(width * 4 / 3), round(height * 4 / 3))
    render.render([page], {chart.name: chart}, tmp_path, lambda files: data.fig.as_of,
                 package)
    text = (tmp_path / "claims.md").read_text(encoding="utf-8")
    assert (f'<img src="../{chart.src}" alt="{chart.alt}" width="{chart.width}" '
            f'height="{chart.height}" loading="lazy" decoding="async">') in text


def test_a_chart_keeps_its_drawn_width_and_grows_for_labels_too_long_for_it():
    data = {"labels": ["确山县", "泌阳县"], "values": [0.5, 0.9], "colors": ["#0072b2"] * 2,
            "percent": True, "xlabel": "投保覆盖率"}
    width, height = charts.svg_size(charts.render_svg("hbar", data))
    assert (width, height) == (439, round((0.9 + 0.34 * 2 - 2 * TRIM) * 96))
    long = dict(data, labels=["驻马店市" * 30, "泌阳县"])
    grown, same = charts.svg_size(charts.render_svg("hbar", long))
    assert grown > 3 * width and same == height
