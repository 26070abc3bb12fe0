"""Drawing charts cheaply without changing them: a process reuses one figure a chart kind, so a
chart's bytes must not depend on what was drawn before it; ticks are drawn as plain texts and
marks; only the labels that may end furthest out are measured for the layout."""

import re
import subprocess
import sys

import pytest

from generator.site import charts
from generator.site.charts import draw

RATES = {"labels": ["确山县", "泌阳县", "驿城区"], "values": [0.5, 0.95, None],
         "colors": ["#0072B2"] * 3, "value_labels": ["50.0%", "95.0%", "—"], "percent": True,
         "ref": 1.0, "ref_label": "全覆盖", "xlabel": "投保覆盖率"}
COUNTS = {"labels": ["煤矿", "非煤矿山" * 4], "values": [12345, 7], "colors": ["#E69F00"] * 2,
          "value_labels": ["12,345家", "7家"], "percent": False, "ref": None,
          "xlabel": "尚未投保企业数(家)"}
SCORES = {"labels": ["甲", "乙"], "values": [91.5, 58.0], "colors": ["#009E73"] * 2,
          "value_labels": ["91.5", "58.0"], "percent": False, "ref": 60, "ref_label": "合格线",
          "xlabel": "总分", "xmax": 100}
TREND = {"x": ["2024-01-31", "2024-02-29", "2025-06-30"],
         "series": [{"label": "煤矿", "color": "#0072B2", "values": [0.5, None, 1.0]}],
         "due": [{"date": "2024-12-31", "label": "截止日期"}]}
MANY = {"x": [f"2025-{m:02d}-28" for m in range(1, 7)],
        "series": [{"label": f"行业{k}", "color": "#CC79A7", "values": [0.1 * k] * 6}
                   for k in range(6)], "due": []}
GROUPED = {"labels": ["2024年", "2025年"], "xlabel": "服务次数", "series": [
    {"label": "合同约定", "color": "#56B4E9", "values": [10, 2000],
     "value_labels": ["10", "2,000"]},
    {"label": "实际提供", "color": "#0072B2", "values": [9, 1500], "value_labels": ["9", "1,500"]}]}
HEAT = {"rows": ["确山县", "泌阳县"], "cols": ["煤矿", "非煤矿山"],
        "labels": [["100.0%", "94.7%"], ["—", "99.9%"]], "classes": [[4, 1], [None, 3]],
        "class_labels": ["低于90%", "90%至95%", "95%至99%", "99%至不足100%", "100%(全覆盖)"],
        "class_colours": ["#00224e", "#4f576c", "#888578", "#c3b369", "#fee838"]}
PAIRS = [("hbar", RATES, COUNTS), ("hbar", COUNTS, SCORES), ("trend", TREND, MANY),
         ("grouped", GROUPED, {**GROUPED, "labels": ["甲保险公司", "乙"]}), ("heatmap", HEAT,
         {**HEAT, "rows": HEAT["rows"][::-1]})]


@pytest.mark.parametrize(("kind", "one", "other"), PAIRS)
def test_a_charts_bytes_do_not_depend_on_the_charts_drawn_before_it(kind, one, other):
    def fresh(data):  # drawn on a new figure
        draw._blank.cache_clear()
        return charts.render_svg(kind, data)

    first, second = fresh(one), fresh(other)
    assert charts.render_svg(kind, one) == first != second
    assert charts.render_svg(kind, other) == second  # after `one`
    assert charts.render_svg(kind, one) == first


def test_ticks_are_drawn_as_texts_with_the_axis_name_under_them():
    svg = charts.render_svg("hbar", RATES).decode()
    for text in ("0%", "25%", "50%", "75%", "100%", "投保覆盖率", "全覆盖", "95.0%"):
        assert f">{text}<" in svg
    trend = charts.render_svg("trend", TREND).decode()
    for text in ("2024年7月", "2025年1月", "0%", "100%", "截止日期"):
        assert f">{text}<" in trend


@pytest.mark.parametrize(("kind", "data"), [("hbar", RATES), ("hbar", COUNTS),
                                            ("grouped", GROUPED)])
def test_measuring_only_the_furthest_labels_places_the_plot_as_measuring_all(kind, data):
    def placed(everything: bool):
        fig = draw.DRAW[kind](data)
        if everything:
            for text in fig.axes[0].texts:
                text.set_in_layout(True)
        draw._fit(fig)
        return tuple(fig.get_size_inches()), tuple(fig.axes[0].get_position().bounds)

    assert placed(everything=False) == placed(everything=True)


@pytest.mark.parametrize("data", [RATES, COUNTS])
def test_value_labels_are_where_bar_label_puts_them(data):
    from matplotlib.container import BarContainer

    draw.set_up_matplotlib()
    fig = draw.DRAW["hbar"](data)
    draw._fit(fig)
    ax, renderer = fig.axes[0], draw._measurer()
    ours = [t for t in ax.texts if t.get_text() in data["value_labels"]]
    bars = BarContainer(ax.patches, datavalues=[bar.get_width() for bar in ax.patches],
                        orientation="horizontal")
    theirs = ax.bar_label(bars, data["value_labels"], padding=3, fontsize=draw.SMALL)
    assert [t.get_text() for t in ours] == data["value_labels"]
    assert ([t.get_window_extent(renderer).bounds for t in ours]
            == [t.get_window_extent(renderer).bounds for t in theirs])


def test_a_trend_chart_is_placed_as_one_measured_before_it_that_differs_only_in_values():
    other = {**TREND, "series": [{"label": "非煤矿山", "color": "#E69F00",
                                  "values": [1.0, 0.2, None]}]}
    assert draw._trend_layout(other) == draw._trend_layout(TREND)
    assert draw._trend_layout(other) != draw._trend_layout({**TREND, "due": []})
    draw._placements().clear()
    measured = charts.render_svg("trend", other)
    draw._placements().clear()
    charts.render_svg("trend", TREND)
    assert charts.render_svg("trend", other) == measured  # placed as TREND was


@pytest.mark.parametrize(("first", "last", "labels"), [
    ("2025-01-31", "2025-12-31", ["2025年4月", "2025年7月", "2025年10月", "2026年1月"]),
    ("2024-01-31", "2025-12-31", ["2024年1月", "2024年7月", "2025年1月", "2025年7月",
                                  "2026年1月"]),
    ("2021-01-31", "2025-12-31", ["2021年", "2022年", "2023年", "2024年", "2025年", "2026年"]),
    ("2008-01-31", "2025-12-31", ["2008年", "2011年", "2014年", "2017年", "2020年", "2023年",
                                  "2026年"]),
])
def test_month_labels_thin_out_so_that_they_never_overlap(first, last, labels):
    trend = {"x": [first, last], "due": [],
             "series": [{"label": "煤矿", "color": "#0072B2", "values": [0.5, 1.0]}]}
    svg = charts.render_svg("trend", trend).decode()
    assert re.findall(r">(\d{4}年(?:\d+月)?)<", svg) == labels


def test_a_drawing_process_imports_neither_mplot3d_nor_mplfonts_and_leaves_them_importable():
    """Only what drawing needs is imported (a build that redraws one chart pays the import)."""
    script = "\n".join([
        "import sys",
        "from generator.site import charts",
        f"charts.render_svg('hbar', {RATES!r})",
        "print(sorted(m for m in ('mpl_toolkits.mplot3d', 'mplfonts') if m in sys.modules))",
        "from mpl_toolkits.mplot3d import Axes3D",
        "print(Axes3D.name)"])
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    assert (done.stdout, done.stderr) == ("[]\n3d\n", "")
