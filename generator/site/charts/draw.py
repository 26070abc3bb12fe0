"""Drawing: chart specs to reproducible SVG files, with matplotlib (imported lazily, in the
drawing processes of a build: `workers`).

Files are named by the hash of their bytes (`coverage-trend-1a2b3c4d.svg`) so browsers and servers
may cache them forever. A drawing is kept in the cache folder under the fingerprint of its spec,
this module's code and the library versions (`generator.cache.fingerprint`): an unchanged chart is
copied, not drawn again.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from generator import cache
from generator.package.text import neutralise_all
from generator.site.charts.specs import Chart

if TYPE_CHECKING:
    from generator.site.charts.workers import Workers

NEUTRAL = "#6b6b6b"
FONT_FILE = "NotoSansCJKsc-Regular.otf"
# Sizes for phones: a WIDTH-inch chart is drawn 439 px wide (WIDTH less 2 × TRIM) and shown at
# 343 px on a 375 px phone (scale 0.78), so FONT-point text stays about 11 px tall there. WIDE
# charts (heat map, many series) scroll sideways on a phone rather than shrink below that (see
# azx.css).
WIDTH = 4.8
WIDE = 6.6
FONT = 11
SMALL = 10
# Most x labels side by side on a WIDTH chart: "2024年10月" (5) or "2024年" (8), so none overlap
MONTH_LABELS = 5
YEAR_LABELS = 8


@functools.cache
def set_up_matplotlib() -> None:
    """matplotlib with the CJK font registered and the reproducible SVG settings (once a process,
    before its first drawing).
    Charts are drawn on bare `Figure`s: pyplot's figure managers cost time and nothing else here.
    Only what drawing needs is imported (a build that redraws one chart pays for the import)."""
    import importlib.util
    import sys
    import warnings

    import matplotlib
    from matplotlib import font_manager

    # matplotlib.figure imports all that drawing needs, and mplot3d's Axes3D besides, which its
    # projections import when they can (no chart is 3-D): kept out for the import, a fifth of it
    blocked = "mpl_toolkits.mplot3d" not in sys.modules
    if blocked:
        sys.modules["mpl_toolkits.mplot3d"] = None  # type: ignore[assignment]  # import fails
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Unable to import Axes3D")
            import matplotlib.figure  # noqa: F401
    finally:
        if blocked:
            del sys.modules["mpl_toolkits.mplot3d"]
    fonts = importlib.util.find_spec("mplfonts")  # its folder only: importing it costs more
    assert fonts is not None and fonts.origin is not None, "mplfonts is a dependency"
    font_path = Path(fonts.origin).parent / "fonts" / FONT_FILE
    font_manager.fontManager.addfont(str(font_path))
    name = font_manager.FontProperties(fname=str(font_path)).get_name()
    matplotlib.rcParams.update({
        "svg.fonttype": "none",
        "svg.hashsalt": "azx",
        "font.family": [name, "sans-serif"],
        "font.size": FONT,
        "axes.labelsize": FONT,
        "xtick.labelsize": SMALL,
        "ytick.labelsize": FONT,
        "legend.fontsize": SMALL,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.unicode_minus": False,
        "text.parse_math": False,  # a name with $…$ from data is text, not maths
    })


@functools.cache
def _blank(kind: str):
    """The figure and axes a process draws its charts of `kind` on, one after another."""
    from matplotlib.figure import Figure

    fig = Figure(dpi=72)
    ax = fig.subplots()
    return fig, ax, ax.get_position().frozen()


def _figure(kind: str, width: float, height: float):
    """A figure of `width` × `height` inches at 72 dpi (SVG points) and its one axes: the
    process's blank ones for `kind`, emptied of the last chart's artists and settings. Making
    an Axes (two axes with their first ticks) cost a fifth of drawing a chart."""
    from matplotlib.ticker import AutoLocator, ScalarFormatter

    fig, ax, home = _blank(kind)
    for artist in [*ax.artists, *ax.collections, *ax.images, *ax.lines, *ax.patches, *ax.texts,
                   *([ax.legend_] if ax.legend_ else [])]:
        artist.remove()
    ax.containers.clear()
    ax.relim()
    ax.set_autoscale_on(True)
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(AutoLocator())
        axis.set_major_formatter(ScalarFormatter())
    fig.set_size_inches(width, height)
    ax.set_position(home)  # where `_fit` starts from
    return fig, ax


def _percent_axis(axis, full: bool = True) -> None:
    """Percent ticks: 0–100% in quarters (`full`), else about four round steps."""
    from matplotlib.ticker import FixedLocator, MaxNLocator, PercentFormatter

    if full:
        axis.set_major_locator(FixedLocator([0, 0.25, 0.5, 0.75, 1.0]))
    else:
        axis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]))
    axis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))


def _count_axis(axis) -> None:
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(nbins=4, integer=True))


def _names(ax, ys, labels) -> None:
    """The names of the rows beside the y axis, where its tick labels would be, as plain texts
    (ticks of length 0, as the charts had them)."""
    import matplotlib as mpl

    ax.yaxis.set_visible(False)
    transform, va, ha = ax.get_yaxis_text1_transform(mpl.rcParams["ytick.major.pad"])
    texts = [ax.text(0, y, label, transform=transform, va=va, ha=ha, fontsize=FONT,
                     clip_path=_unclipped(ax))
             for y, label in zip(ys, labels, strict=True)]
    _measure_furthest([(0, text) for text in texts])  # the widest: all end at the axis


def _bars(ax, ys, values: list, height: float, colours: list, label: str = "_nolegend_"):
    """Horizontal bars as `barh` draws them, but with the data limits updated once rather than
    after each bar (a fifth of drawing a chart of many bars); call `ax.autoscale_view()` after
    the last. Returns their container, for `_value_labels` and the legend. Clipped to the plot,
    they cannot reach past it: they are left out of `_fit`'s measurement (as matplotlib leaves
    them out after comparing each one's clip box with the plot's, at a cost)."""
    from matplotlib.container import BarContainer
    from matplotlib.patches import Rectangle

    bars, bottoms = [], [y - height / 2 for y in ys]
    for bottom, value, colour in zip(bottoms, values, colours, strict=True):
        bar = Rectangle((0, bottom), value, height, facecolor=colour, label="_nolegend_")
        bar.sticky_edges.x.append(0)
        bar.set_in_layout(False)
        bars.append(ax.add_artist(bar))
    ax.update_datalim([(0, min(bottoms)), (max(values), max(bottoms) + height)])
    return BarContainer(bars, datavalues=values, orientation="horizontal", label=label)


def _value_labels(ax, series: list) -> None:
    """Each bar's value beside its end, 3 points after it, where `bar_label` puts it; but as a
    plain text, where `bar_label` makes an annotation, which costs more to make and to draw.
    `series` lists (bars, their labels) pairs; the bars' lengths are never negative."""
    from matplotlib.transforms import Affine2D

    after = ax.transData + Affine2D().translate(3, 0)  # points: the figures are at 72 dpi
    pairs = []
    for group, names in series:
        for bar, name in zip(group, names, strict=True):
            (_, y0), (x1, y1) = bar.get_bbox().get_points()
            text = ax.text(x1, (y0 + y1) / 2, name, transform=after, ha="left", va="center",
                           fontsize=SMALL, clip_path=_unclipped(ax))
            pairs.append((bar.get_width(), text))
    _measure_furthest(pairs)


def _measure_furthest(pairs: list) -> None:
    """Of texts each placed after a length (a bar's, in data units), only those that may end
    furthest out, whatever the plot's width, count for `_fit`: a text after a shorter length
    and no wider than another's cannot (measuring every text of a chart of 157 rows cost more
    than drawing them)."""
    widest = -1.0
    for _, text in sorted(pairs, key=lambda pair: -pair[0]):
        width = _text_width(text)
        if width > widest:
            widest = width
        else:
            text.set_in_layout(False)


def _text_width(text) -> float:
    """A one-line text's width in points (measured once a process for each text and font)."""
    return _measurer().get_text_width_height_descent(text.get_text(),
                                                      text.get_fontproperties(), False)[0]


@functools.cache
def _unclipped(ax):
    """A clip path for the texts of `ax`, made once: `ax.text` draws its texts unclipped but
    makes each a clip path of its own unless given one."""
    from matplotlib.transforms import TransformedPatchPath

    return TransformedPatchPath(ax.patch)


def _ticks(ax, which: str, length: float | None = None, **label) -> list:
    """The major ticks of the x or y axis (`which`) drawn as matplotlib draws them, from its
    locator and formatter, but as one line of tick marks and a text a label: matplotlib's Tick
    objects (five artists each, with copied properties) cost a third of drawing a chart. The axis
    itself is hidden; returns the labels' texts."""
    import matplotlib as mpl
    from matplotlib.lines import Line2D
    from matplotlib.markers import TICKDOWN, TICKLEFT

    rc = mpl.rcParams
    if which == "x":
        axis, marks_on, mark, text_on = (ax.xaxis, ax.get_xaxis_transform(), TICKDOWN,
                                         ax.get_xaxis_text1_transform)
        size, pad, width = rc["xtick.major.size"], rc["xtick.major.pad"], rc["xtick.major.width"]
        colour, fontsize = rc["xtick.color"], rc["xtick.labelsize"]
    else:
        axis, marks_on, mark, text_on = (ax.yaxis, ax.get_yaxis_transform(), TICKLEFT,
                                         ax.get_yaxis_text1_transform)
        size, pad, width = rc["ytick.major.size"], rc["ytick.major.pad"], rc["ytick.major.width"]
        colour, fontsize = rc["ytick.color"], rc["ytick.labelsize"]
    axis.set_visible(False)
    length = size if length is None else length
    locs = axis.get_majorticklocs()
    texts = axis.get_major_formatter().format_ticks(locs)
    low, high = sorted(axis.get_view_interval())
    slack = (high - low) * 1e-10  # matplotlib's tolerance for a tick at an end
    shown = [(loc, text) for loc, text in zip(locs, texts, strict=True)
             if low - slack <= loc <= high + slack]
    points = [(loc, 0) if which == "x" else (0, loc) for loc, _ in shown]
    if length and points:
        xs, ys = zip(*points, strict=True)
        ax.add_artist(Line2D(xs, ys, transform=marks_on, linestyle="none", markersize=length,
                             markeredgewidth=width, color=colour, clip_on=False,
                             marker=mark))  # type: ignore[arg-type]  # the stubs' TICK… are int
    transform, va, ha = text_on(pad + length)
    label = {"va": va, "ha": ha, "fontsize": fontsize, "clip_path": _unclipped(ax), **label}
    return [ax.text(x, y, text, transform=transform, **label)
            for (x, y), (_, text) in zip(points, shown, strict=True)]


def _xlabel(ax, text: str, below) -> None:
    """The x axis's name under its tick labels (`below`, a text), where matplotlib puts it."""
    import matplotlib as mpl

    if text:
        ax.annotate(text, xy=(0.5, 0), xycoords=("axes fraction", below),
                    xytext=(0, -mpl.rcParams["axes.labelpad"]), textcoords="offset points",
                    ha="center", va="top", fontsize=mpl.rcParams["axes.labelsize"])


def _rule(ax, which: str, at: float, **style) -> None:
    """A line across the plot at `at` on the x axis (vertical) or the y axis (`which`), as
    `axvline` and `axhline` draw it, but without their work on the data limits, which every
    chart sets itself (a tenth of drawing a trend chart)."""
    from matplotlib.lines import Line2D

    if which == "x":
        line = Line2D([at, at], [0, 1], transform=ax.get_xaxis_transform(which="grid"), **style)
    else:
        line = Line2D([0, 1], [at, at], transform=ax.get_yaxis_transform(which="grid"), **style)
    line.set_in_layout(False)  # clipped to the plot (see `_bars`)
    ax.add_artist(line)


def _ref_line(ax, ref: float, label: str) -> None:
    """A dashed reference line with its label above the plot (never clipped, never on a bar)."""
    _rule(ax, "x", ref, color=NEUTRAL, linestyle="--", linewidth=1)
    ax.annotate(label, xy=(ref, 1), xycoords=("data", "axes fraction"), xytext=(0, 3),
                textcoords="offset points", ha="center", va="bottom", color=NEUTRAL,
                fontsize=SMALL)


def _draw_hbar(d: dict):
    n = len(d["labels"])
    fig, ax = _figure("hbar", WIDTH, 0.9 + 0.34 * n)
    ys = list(range(n))[::-1]
    values = [v if v is not None else 0 for v in d["values"]]
    bars = _bars(ax, ys, values, 0.65, d["colors"])
    ax.autoscale_view()
    _names(ax, ys, d["labels"])
    full = bool(d.get("percent") and d.get("full_scale", True))  # rates of coverage: always to 100%
    top = d.get("xmax") or max([d.get("ref") or 0, *values, 1.0 if full else 0]) or 1
    ax.set_xlim(0, top * (1.25 if d.get("value_labels") else 1.05))
    if d.get("value_labels"):
        _value_labels(ax, [(bars, d["value_labels"])])
    if d.get("ref") is not None:
        _ref_line(ax, d["ref"], d["ref_label"])
    if d.get("percent"):
        _percent_axis(ax.xaxis, full)
    elif d.get("xmax"):  # a bounded scale (scores 0–100): no tick past its end
        from matplotlib.ticker import FixedLocator

        ax.xaxis.set_major_locator(FixedLocator([d["xmax"] * k / 4 for k in range(5)]))
    else:
        _count_axis(ax.xaxis)
    _xlabel(ax, d.get("xlabel", ""), _ticks(ax, "x")[0])
    return fig


def _months(ax, days: list) -> None:
    """The x range of `days` as matplotlib's margins give it, with a tick on the first day of each
    quarter, of January and July, or of January alone (labelled with the year, every n-th year for
    a long span): the finest that keeps the labels apart on a phone-width chart. Fixed ticks, rather
    than a `MonthLocator` that recomputes a calendar rule over three times the span at every use."""
    import datetime as dt

    import matplotlib.dates as mdates
    from matplotlib.ticker import FixedLocator

    first, last = min(days), max(days)
    lo, hi = mdates.date2num([first, last])
    margin = (hi - lo) * 0.05 or 15
    ax.set_xlim(lo - margin, hi + margin)

    def inside(months: tuple[int, ...]) -> list[float]:
        ticks = mdates.date2num([dt.date(year, month, 1)
                                 for year in range(first.year - 1, last.year + 2)
                                 for month in months])
        return [t for t in ticks if lo - margin <= t <= hi + margin]

    label = "{0.year}年{0.month}月"
    for months in ((1, 4, 7, 10), (1, 7)):
        ticks = inside(months)
        if len(ticks) <= MONTH_LABELS:
            break
    else:
        years, label = inside((1,)), "{0.year}年"
        ticks = years[::-(-len(years) // YEAR_LABELS)]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(_month_formatter(label))


def _month_formatter(label: str):
    import matplotlib.dates as mdates
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda x, _pos: label.format(mdates.num2date(x)))


def _draw_trend(d: dict):
    """Dates are drawn as matplotlib's day numbers, converted once: the axis then needs no date
    units (converting each line's dates cost a tenth of drawing a chart)."""
    import datetime as dt

    import matplotlib.dates as mdates

    many = len(d["series"]) > 3
    fig, ax = _figure("trend", WIDE if many else WIDTH, 3.4)
    xs = [dt.date.fromisoformat(x) for x in d["x"]]
    dues = [dt.date.fromisoformat(due["date"]) for due in d.get("due", [])]
    numbers = mdates.date2num(xs)
    for series in d["series"]:
        values = [float("nan") if v is None else v for v in series["values"]]
        ax.plot(numbers, values, color=series["color"], linewidth=1.8, marker="o", markersize=3,
                label=series["label"], in_layout=False)  # clipped to the plot (see `_bars`)
    for due, day in zip(d.get("due", []), mdates.date2num(dues), strict=True):
        _rule(ax, "x", day, color=NEUTRAL, linestyle="--", linewidth=1)
        ax.annotate(due["label"], (day, 0.03), xytext=(-2, 0), textcoords="offset points",
                    fontsize=SMALL, color=NEUTRAL, rotation=90, ha="right", va="bottom")
    _rule(ax, "y", 1.0, color=NEUTRAL, linewidth=0.6)
    _percent_axis(ax.yaxis)
    ax.set_ylim(0, 1.05)
    _months(ax, xs + dues)
    _ticks(ax, "x")
    _ticks(ax, "y")
    if len(d["series"]) > 1:  # below the plot, so it never covers a line
        ax.legend(ncol=4 if many else len(d["series"]), frameon=False, loc="upper center",
                  bbox_to_anchor=(0.5, -0.12))
    return fig


def _trend_layout(d: dict) -> str:
    """What a trend chart's layout depends on: its dates, deadlines and legend, not its values
    (its lines are left out of the measuring, its y axis is fixed), nor a lone series' name."""
    names = [s["label"] for s in d["series"]] if len(d["series"]) > 1 else len(d["series"])
    return json.dumps([d["x"], d.get("due", []), names], ensure_ascii=False, sort_keys=True)


def _draw_heatmap(d: dict):
    import numpy as np
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    rows, cols = d["rows"], d["cols"]
    colours, names = d["class_colours"], d["class_labels"]
    classes = np.array([[np.nan if k is None else k for k in r] for r in d["classes"]],
                       dtype=float)
    fig, ax = _figure("heatmap", 2.4 + 0.62 * len(cols), 1.2 + 0.36 * len(rows))
    ax.imshow(classes, cmap=ListedColormap(colours), vmin=-0.5, vmax=len(colours) - 0.5,
              aspect="auto", interpolation="none")  # one pixel a cell, scaled by the browser
    ax.set_xticks(range(len(cols)), cols)
    _ticks(ax, "x", length=0, rotation=45, ha="right", rotation_mode="anchor")  # no marks
    _names(ax, range(len(rows)), rows)
    for i in range(len(rows)):
        for j in range(len(cols)):
            k = d["classes"][i][j]
            if k is not None:  # the label is the table's own text ("94.7%", never "100.0%" short)
                ax.text(j, i, d["labels"][i][j], ha="center", va="center", fontsize=SMALL - 1,
                        clip_path=_unclipped(ax),
                        color="white" if k < len(colours) // 2 else "black",
                        in_layout=False)  # inside its cell: `_fit` need not measure it
    handles = [Patch(facecolor=c, edgecolor=NEUTRAL, linewidth=0.5, label=n)
               for c, n in zip(colours, names, strict=True)][::-1]
    ax.legend(handles=handles, title="覆盖率", frameon=False, loc="upper left",
              bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    return fig


def _draw_grouped(d: dict):
    import numpy as np

    n = len(d["labels"])
    fig, ax = _figure("grouped", WIDTH, 1.1 + 0.62 * n)
    height = 0.8 / len(d["series"])
    base = np.arange(n)[::-1]
    top = 0
    labelled, containers = [], []
    for k, series in enumerate(d["series"]):
        values = [v if v is not None else 0 for v in series["values"]]
        bars = _bars(ax, base + 0.4 - height * (k + 0.5), values, height,
                     [series["color"]] * n, series["label"])
        containers.append(bars)
        if series.get("value_labels"):
            labelled.append((bars, series["value_labels"]))
        top = max([top, *values])
    ax.autoscale_view()
    _value_labels(ax, labelled)
    _names(ax, base, d["labels"])
    ax.set_xlim(0, (top or 1) * 1.25)
    _count_axis(ax.xaxis)
    _xlabel(ax, d.get("xlabel", ""), _ticks(ax, "x")[0])
    # Above the plot, so it never covers a bar.
    ax.legend(handles=containers, frameon=False, ncol=len(d["series"]), loc="lower left",
              bbox_to_anchor=(0, 1.0), borderaxespad=0.2)
    return fig


DRAW = {"hbar": _draw_hbar, "trend": _draw_trend, "heatmap": _draw_heatmap,
        "grouped": _draw_grouped}
# The kinds whose layout may repeat from chart to chart: what it depends on (a province's
# hundred-odd trend charts share a few layouts).
LAYOUT = {"trend": _trend_layout}


PAD = 0.05  # inches of white around the drawing
# Inches a chart is narrower and shorter than its figure size on each side: `tight_layout` padded
# by 1.08 × the font size and the "tight" crop cut that back to PAD; the sizes stay as they were.
TRIM = 1.08 * FONT / 72 - PAD
MIN_PLOT = (1.5, 0.3)  # inches: the least width and height the plot keeps beside its labels


@functools.cache
def _renderer():
    """The SVG renderer's class, with the sizes of texts and the heights of fonts kept for the
    whole process instead of per renderer (a new one draws each chart): the measurements of
    `_fit` then serve the drawing, and the tick labels and names charts repeat."""
    from matplotlib.backends.backend_svg import RendererSVG
    from matplotlib.font_manager import fontManager, get_font
    from matplotlib.textpath import TextToPath

    text_to_path = TextToPath()  # what RendererSVG measures with

    @functools.lru_cache(maxsize=1 << 15)
    def text_size(text, prop, ismath):
        return text_to_path.get_text_width_height_descent(text, prop, ismath)

    @functools.lru_cache(maxsize=256)
    def font_heights(prop):
        # what `Text._get_layout` reads from the font's tables (at 72 dpi) for every text
        font = get_font(fontManager._find_fonts_by_props(prop))
        os2, head = font.get_sfnt_table("OS/2"), font.get_sfnt_table("head")
        if os2 is None or head is None:
            return None, None, None  # matplotlib looks further itself
        scale = 1 / head["unitsPerEm"] * prop.get_size_in_points()
        return (os2["sTypoAscender"] * scale, -os2["sTypoDescender"] * scale,
                os2["sTypoLineGap"] * scale)

    class Renderer(RendererSVG):
        def get_text_width_height_descent(self, s, prop, ismath):
            return text_size(s, prop.copy(), ismath)

        def _get_font_height_metrics(self, prop):  # matplotlib's hook for its PDF and PS backends
            return font_heights(prop.copy())

    return Renderer


@functools.cache
def _measurer():
    """One renderer that only measures, shared by every chart of a process."""
    import io

    return _renderer()(1, 1, io.StringIO())


def _fit(fig, layout: str | None = None) -> None:
    """Place the axes so that the drawing with its labels and legend fills the figure with PAD
    to spare: one measurement instead of `tight_layout` plus a "tight" bounding box, and the
    chart keeps the width and height it had with them. A chart whose `layout` (`LAYOUT`) a
    chart before it in this process had is placed as that one was, without measuring."""
    placed = _placements()
    if layout in placed:
        size, position = placed[layout]
        fig.set_size_inches(size)
        fig.axes[0].set_position(position)
        return
    renderer = _measurer()
    ax = fig.axes[0]  # its x and y axes are hidden: their ticks and names are plain texts
    width, height = fig.get_size_inches() - 2 * TRIM
    fig.set_size_inches(width, height)
    whole = fig.get_tightbbox(renderer)  # inches
    box = ax.get_position()  # figure fractions
    left, bottom = box.x0 * width - whole.x0 + PAD, box.y0 * height - whole.y0 + PAD
    right, top = whole.x1 - box.x1 * width + PAD, whole.y1 - box.y1 * height + PAD
    if width - left - right < MIN_PLOT[0] or height - bottom - top < MIN_PLOT[1]:
        # labels too long for the chart: it grows rather than lose its plot
        width = max(width, left + right + MIN_PLOT[0])
        height = max(height, bottom + top + MIN_PLOT[1])
        fig.set_size_inches(width, height)
    position = [left / width, bottom / height, 1 - (left + right) / width,
                1 - (bottom + top) / height]
    ax.set_position(position)
    if layout is not None:
        placed[layout] = ((width, height), position)


@functools.cache
def _placements() -> dict:
    """The figure size and axes position of each layout `_fit` measured in this process."""
    return {}


def render_svg(kind: str, data: dict) -> bytes:
    """Draw one chart to SVG bytes; the same input always gives the same bytes."""
    import io

    set_up_matplotlib()
    fig = DRAW[kind](data)
    _fit(fig, LAYOUT[kind](data) if kind in LAYOUT else None)
    width, height = fig.get_size_inches() * 72
    buffer = io.StringIO()
    renderer = _renderer()(width, height, buffer, metadata={"Date": None, "Creator": None})
    fig.draw(renderer)
    renderer.finalize()
    return buffer.getvalue().encode()


def _render_job(job: tuple[str, dict]) -> bytes:
    kind, data = job
    return render_svg(kind, neutralise_all(data))


def _draw_jobs(jobs: list[tuple[Path, str, dict]]) -> None:
    for job in jobs:
        _draw_job(job)


def _draw_job(job: tuple[Path, str, dict]) -> None:
    """Draw one chart into its cache entry `path` (thousands at national scale: the drawings
    never travel back to, or pile up in, the process that asked for them)."""
    path, kind, data = job
    cache.write_bytes(path, _render_job((kind, data)))


def key(chart: Chart) -> str:
    """The cache key of a chart's drawing: its kind and data, this code, the library versions."""
    payload = json.dumps([chart.kind, chart.data], ensure_ascii=False, sort_keys=True)
    return cache.fingerprint([payload], code=(__name__,))


def start(charts: list[Chart], keys: list[str], cache_dir: Path,
          workers: Workers | None = None) -> Callable[[], int]:
    """Start drawing, into `cache_dir`, the drawings of `charts` it does not hold yet: by
    `workers` at once, else in this process when waited for. The returned
    function waits until all are there (raising a drawing's exception) and says how many were
    drawn. A drawing goes only into the cache: a build starts them before validation has passed.
    `keys` are the charts' keys (`key`)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    unique = dict(zip(keys, charts, strict=True))
    missing = [k for k in sorted(unique) if not cache.use(cache_dir / f"{k}.svg").is_file()]
    jobs = [(cache_dir / f"{k}.svg", unique[k].kind, unique[k].data) for k in missing]
    if workers is not None:
        drawing = workers.run(_draw_job, jobs)
    else:
        drawing = functools.partial(_draw_jobs, jobs)

    def wait() -> int:
        drawing()
        return len(jobs)

    return wait


def place(charts: list[Chart], keys: list[str], out_dir: Path, cache_dir: Path) -> list[Chart]:
    """Put each chart's drawing from `cache_dir` under `out_dir/charts/` (named by the hash of
    its bytes): a hard link to the cache's file (which is only ever replaced, never written in
    place), else a copy; the charts with `src` and size set."""
    (out_dir / "charts").mkdir(parents=True, exist_ok=True)
    drawn = []
    for chart, name in zip(charts, keys, strict=True):
        kept = cache_dir / f"{name}.svg"
        svg = kept.read_bytes()
        src = f"charts/{chart.name}-{hashlib.sha256(svg).hexdigest()[:10]}.svg"
        target = out_dir / src
        if not target.exists():
            try:
                os.link(kept, target)
            except OSError:  # no links here
                target.write_bytes(svg)
        width, height = svg_size(svg)
        drawn.append(dataclasses.replace(chart, src=src, width=width, height=height))
    return drawn


def draw_all(charts: list[Chart], out_dir: Path, cache_dir: Path,
             workers: Workers | None = None) -> tuple[list[Chart], int]:
    """Write every chart under `out_dir/charts/`; return the charts with `src` set and how many
    were drawn (the rest came from the cache), by `workers` when given, else here."""
    keys = [key(c) for c in charts]
    fresh = start(charts, keys, cache_dir, workers)()
    return place(charts, keys, out_dir, cache_dir), fresh


def svg_size(svg: bytes) -> tuple[int, int]:
    """Width and height in CSS pixels of an SVG that matplotlib sized in points."""
    head = svg[:svg.index(b">", svg.index(b"<svg"))].decode()
    found = re.search(r' width="([0-9.]+)pt" height="([0-9.]+)pt"', head)
    assert found is not None, "matplotlib sizes its SVGs in points"
    return round(float(found[1]) * 4 / 3), round(float(found[2]) * 4 / 3)

