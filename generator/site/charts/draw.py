"""Drawing: chart specs to reproducible SVG files, with matplotlib (imported lazily, in worker
processes when there are many charts).

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
PARALLEL_FROM = 8  # below this many charts to draw, worker start-up costs more than it saves


@functools.cache
def set_up_matplotlib() -> None:
    """matplotlib with the CJK font registered and the reproducible SVG settings (once a process,
    before its first drawing).
    Charts are drawn on bare `Figure`s: pyplot's figure managers cost time and nothing else here."""
    import matplotlib
    import mplfonts
    from matplotlib import font_manager

    font_path = Path(mplfonts.__file__).parent / "fonts" / FONT_FILE
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


def _figure(width: float, height: float):
    """A figure of `width` × `height` inches at 72 dpi (SVG points) and its one axes."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=72)
    return fig, fig.subplots()


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
    """The names of the rows beside the y axis, where its tick labels would be, as plain texts:
    a matplotlib tick (three lines with copied markers and two texts) per row cost a third of
    drawing a chart of many rows."""
    import matplotlib as mpl

    ax.set_yticks([])
    pad = mpl.rcParams["ytick.major.pad"]  # with ticks of length 0, as the charts had them
    transform, va, ha = ax.get_yaxis_text1_transform(pad)
    for y, label in zip(ys, labels, strict=True):
        ax.text(0, y, label, transform=transform, va=va, ha=ha, fontsize=FONT)


def _ref_line(ax, ref: float, label: str) -> None:
    """A dashed reference line with its label above the plot (never clipped, never on a bar)."""
    ax.axvline(ref, color=NEUTRAL, linestyle="--", linewidth=1)
    ax.annotate(label, xy=(ref, 1), xycoords=("data", "axes fraction"), xytext=(0, 3),
                textcoords="offset points", ha="center", va="bottom", color=NEUTRAL,
                fontsize=SMALL)


def _draw_hbar(d: dict):
    n = len(d["labels"])
    fig, ax = _figure(WIDTH, 0.9 + 0.34 * n)
    ys = list(range(n))[::-1]
    values = [v if v is not None else 0 for v in d["values"]]
    bars = ax.barh(ys, values, color=d["colors"], height=0.65)
    _names(ax, ys, d["labels"])
    full = bool(d.get("percent") and d.get("full_scale", True))  # rates of coverage: always to 100%
    top = d.get("xmax") or max([d.get("ref") or 0, *values, 1.0 if full else 0]) or 1
    ax.set_xlim(0, top * (1.25 if d.get("value_labels") else 1.05))
    if d.get("value_labels"):
        ax.bar_label(bars, d["value_labels"], padding=3, fontsize=SMALL)
    if d.get("ref") is not None:
        _ref_line(ax, d["ref"], d["ref_label"])
    if d.get("percent"):
        _percent_axis(ax.xaxis, full)
    elif d.get("xmax"):  # a bounded scale (scores 0–100): no tick past its end
        from matplotlib.ticker import FixedLocator

        ax.xaxis.set_major_locator(FixedLocator([d["xmax"] * k / 4 for k in range(5)]))
    else:
        _count_axis(ax.xaxis)
    ax.set_xlabel(d.get("xlabel", ""))
    return fig


def _months(ax, xs: list, due: list) -> None:
    """The x range as matplotlib's margins give it, with a tick on the first day of January
    and July (or of each quarter, for a short span) inside it: fixed ticks, rather than a
    `MonthLocator` that recomputes a calendar rule over three times the span at every use."""
    import datetime as dt

    import matplotlib.dates as mdates
    from matplotlib.ticker import FixedLocator

    first, last = min(xs + due), max(xs + due)
    lo, hi = mdates.date2num(first), mdates.date2num(last)
    margin = (hi - lo) * 0.05 or 15
    ax.set_xlim(lo - margin, hi + margin)
    months = (1, 7) if (xs[-1] - xs[0]).days > 460 else (1, 4, 7, 10)
    ticks = [mdates.date2num(dt.date(year, month, 1))
             for year in range(first.year - 1, last.year + 2) for month in months]
    ax.xaxis.set_major_locator(FixedLocator([t for t in ticks if lo - margin <= t <= hi + margin]))
    ax.xaxis.set_major_formatter(_month_formatter())


def _month_formatter():
    import matplotlib.dates as mdates
    from matplotlib.ticker import FuncFormatter

    def month(x, _pos):
        day = mdates.num2date(x)
        return f"{day.year}年{day.month}月"

    return FuncFormatter(month)


def _draw_trend(d: dict):
    import datetime as dt

    many = len(d["series"]) > 3
    fig, ax = _figure(WIDE if many else WIDTH, 3.4)
    xs = [dt.date.fromisoformat(x) for x in d["x"]]
    for series in d["series"]:
        values = [float("nan") if v is None else v for v in series["values"]]
        ax.plot(xs, values, color=series["color"], linewidth=1.8, marker="o", markersize=3,
                label=series["label"])
    dues = [dt.date.fromisoformat(due["date"]) for due in d.get("due", [])]
    for due, day in zip(d.get("due", []), dues, strict=True):
        ax.axvline(day, color=NEUTRAL, linestyle="--", linewidth=1)
        ax.annotate(due["label"], (day, 0.03), xytext=(-2, 0), textcoords="offset points",
                    fontsize=SMALL, color=NEUTRAL, rotation=90, ha="right", va="bottom")
    ax.axhline(1.0, color=NEUTRAL, linewidth=0.6)
    _percent_axis(ax.yaxis)
    ax.set_ylim(0, 1.05)
    _months(ax, xs, dues)
    if len(d["series"]) > 1:  # below the plot, so it never covers a line
        ax.legend(ncol=4 if many else len(d["series"]), frameon=False, loc="upper center",
                  bbox_to_anchor=(0.5, -0.12))
    return fig


def _draw_heatmap(d: dict):
    import numpy as np
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    rows, cols = d["rows"], d["cols"]
    colours, names = d["class_colours"], d["class_labels"]
    classes = np.array([[np.nan if k is None else k for k in r] for r in d["classes"]],
                       dtype=float)
    fig, ax = _figure(2.4 + 0.62 * len(cols), 1.2 + 0.36 * len(rows))
    ax.imshow(classes, cmap=ListedColormap(colours), vmin=-0.5, vmax=len(colours) - 0.5,
              aspect="auto", interpolation="none")  # one pixel a cell, scaled by the browser
    ax.set_xticks(range(len(cols)), cols, rotation=45, ha="right", rotation_mode="anchor")
    ax.tick_params(axis="x", length=0, bottom=False)  # labels only: no tick marks to draw
    _names(ax, range(len(rows)), rows)
    for i in range(len(rows)):
        for j in range(len(cols)):
            k = d["classes"][i][j]
            if k is not None:  # the label is the table's own text ("94.7%", never "100.0%" short)
                ax.text(j, i, d["labels"][i][j], ha="center", va="center", fontsize=SMALL - 1,
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
    fig, ax = _figure(WIDTH, 1.1 + 0.62 * n)
    height = 0.8 / len(d["series"])
    base = np.arange(n)[::-1]
    top = 0
    for k, series in enumerate(d["series"]):
        values = [v if v is not None else 0 for v in series["values"]]
        bars = ax.barh(base + 0.4 - height * (k + 0.5), values, height=height,
                       color=series["color"], label=series["label"])
        if series.get("value_labels"):
            ax.bar_label(bars, series["value_labels"], padding=3, fontsize=SMALL)
        top = max([top, *values])
    _names(ax, base, d["labels"])
    ax.set_xlim(0, (top or 1) * 1.25)
    _count_axis(ax.xaxis)
    ax.set_xlabel(d.get("xlabel", ""))
    # Above the plot, so it never covers a bar.
    ax.legend(frameon=False, ncol=len(d["series"]), loc="lower left", bbox_to_anchor=(0, 1.0),
              borderaxespad=0.2)
    return fig


DRAW = {"hbar": _draw_hbar, "trend": _draw_trend, "heatmap": _draw_heatmap,
        "grouped": _draw_grouped}


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


def _fit(fig) -> None:
    """Place the axes so that the drawing with its labels and legend fills the figure with PAD
    to spare: one measurement instead of `tight_layout` plus a "tight" bounding box, and the
    chart keeps the width and height it had with them."""
    renderer = _measurer()
    ax = fig.axes[0]
    for axis in (ax.xaxis, ax.yaxis):
        if not axis.label.get_text():  # no name: matplotlib need not place it by the tick labels
            axis.label.set_visible(False)
            axis.set_label_coords(0, 0)
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
    ax.set_position([left / width, bottom / height, 1 - (left + right) / width,
                     1 - (bottom + top) / height])


def render_svg(kind: str, data: dict) -> bytes:
    """Draw one chart to SVG bytes; the same input always gives the same bytes."""
    import io

    set_up_matplotlib()
    fig = DRAW[kind](data)
    _fit(fig)
    width, height = fig.get_size_inches() * 72
    buffer = io.StringIO()
    renderer = _renderer()(width, height, buffer, metadata={"Date": None, "Creator": None})
    fig.draw(renderer)
    renderer.finalize()
    return buffer.getvalue().encode()


def _render_job(job: tuple[str, dict]) -> bytes:
    kind, data = job
    return render_svg(kind, neutralise_all(data))


def _draw_job(job: tuple[Path, str, dict]) -> None:
    """Draw one chart into its cache entry `path` (thousands at national scale: the drawings
    never travel back to, or pile up in, the process that asked for them)."""
    path, kind, data = job
    cache.write_bytes(path, _render_job((kind, data)))


def key(chart: Chart) -> str:
    """The cache key of a chart's drawing: its kind and data, this code, the library versions."""
    payload = json.dumps([chart.kind, chart.data], ensure_ascii=False, sort_keys=True)
    return cache.fingerprint([payload], code=(__name__,))


def start(charts: list[Chart], cache_dir: Path,
          workers: Workers | None = None) -> Callable[[], int]:
    """Start drawing, into `cache_dir`, the drawings of `charts` it does not hold yet: by
    `workers` at once when they are many, else in this process when waited for. The returned
    function waits until all are there (raising a drawing's exception) and says how many were
    drawn. A drawing goes only into the cache: a build starts them before validation has passed."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    unique = {key(c): c for c in charts}
    missing = [k for k in sorted(unique) if not cache.use(cache_dir / f"{k}.svg").is_file()]
    jobs = [(cache_dir / f"{k}.svg", unique[k].kind, unique[k].data) for k in missing]
    if len(jobs) >= PARALLEL_FROM and workers is not None:
        done = workers.map(_draw_job, jobs, chunksize=4)
    else:
        done = map(_draw_job, jobs)

    def wait() -> int:
        for _ in done:
            pass
        return len(jobs)

    return wait


def place(charts: list[Chart], out_dir: Path, cache_dir: Path) -> list[Chart]:
    """Copy each chart's drawing from `cache_dir` under `out_dir/charts/` (named by the hash of
    its bytes); the charts with `src` and size set."""
    (out_dir / "charts").mkdir(parents=True, exist_ok=True)
    drawn = []
    for chart in charts:
        svg = (cache_dir / f"{key(chart)}.svg").read_bytes()
        src = f"charts/{chart.name}-{hashlib.sha256(svg).hexdigest()[:10]}.svg"
        target = out_dir / src
        if not target.exists():
            target.write_bytes(svg)
        width, height = svg_size(svg)
        drawn.append(dataclasses.replace(chart, src=src, width=width, height=height))
    return drawn


def draw_all(charts: list[Chart], out_dir: Path, cache_dir: Path,
             workers: Workers | None = None) -> tuple[list[Chart], int]:
    """Write every chart under `out_dir/charts/`; return the charts with `src` set and how many
    were drawn (the rest came from the cache), by `workers` when given and many, else here."""
    fresh = start(charts, cache_dir, workers)()
    return place(charts, out_dir, cache_dir), fresh


def svg_size(svg: bytes) -> tuple[int, int]:
    """Width and height in CSS pixels of an SVG that matplotlib sized in points."""
    head = svg[:svg.index(b">", svg.index(b"<svg"))].decode()
    found = re.search(r' width="([0-9.]+)pt" height="([0-9.]+)pt"', head)
    assert found is not None, "matplotlib sizes its SVGs in points"
    return round(float(found[1]) * 4 / 3), round(float(found[2]) * 4 / 3)

