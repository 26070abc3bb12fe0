"""Charts: a `Chart` spec (data, alt text, table) per figure, drawn to reproducible SVG files.

A spec is plain data, so its hash says whether it must be drawn again: unchanged specs are copied
from the cache under `.build/` instead of being redrawn. Files are named by the hash of their
bytes (`coverage-trend-1a2b3c4d.svg`) so they can be cached forever by browsers and servers.
"""

from __future__ import annotations

import calendar
import dataclasses
import functools
import hashlib
import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from generator.atomic import write_atomic
from generator.package.text import neutralise_all
from generator.site import filters

# Okabe & Ito (2008) then Paul Tol's "muted" scheme: distinguishable with colour-vision deficiency.
PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255",
    "#AA4499",
)
NEUTRAL = "#6b6b6b"
FONT_FILE = "NotoSansCJKsc-Regular.otf"
# Sizes for phones: a WIDTH-inch chart is drawn 461 px wide and shown at 343 px on a 375 px phone
# (scale 0.74), so FONT-point text stays about 11 px tall there. WIDE charts (heat map, many
# series) scroll sideways on a phone rather than shrink below that (see azx.css).
WIDTH = 4.8
WIDE = 6.6
FONT = 11
SMALL = 10
PARALLEL_FROM = 8  # below this many charts to draw, worker start-up costs more than it saves


def colours(codes: list[str]) -> dict[str, str]:
    """One fixed colour per code, given the codes in display order (cycles past the palette)."""
    return {code: PALETTE[i % len(PALETTE)] for i, code in enumerate(codes)}


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Chart:
    """One figure: `kind` names the drawing function, `data` its JSON-able input."""

    name: str
    kind: str
    data: dict
    alt: str
    table: Table
    src: str = field(default="", compare=False)  # set once drawn: "charts/<name>-<hash>.svg"
    title: str = field(default="", compare=False)  # the heading shown above the chart

    @property
    def wide(self) -> bool:
        """Drawn WIDE: scrolls sideways on a phone instead of shrinking (heat map, many lines)."""
        return self.kind == "heatmap" or (self.kind == "trend" and len(self.data["series"]) > 3)

    def key(self) -> str:
        """Hash of everything that decides the drawing, including this module's code."""
        payload = json.dumps([self.kind, self.data], ensure_ascii=False, sort_keys=True)
        digest = hashlib.sha256(_CODE_DIGEST.encode() + payload.encode())
        return digest.hexdigest()


_CODE_DIGEST = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


# --- drawing (runs in worker processes; imports matplotlib lazily) ---------------------------

@functools.cache
def _pyplot():
    """pyplot with the CJK font registered and the reproducible SVG settings (once a process)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import mplfonts
    from matplotlib import font_manager

    font_path = Path(mplfonts.__file__).parent / "fonts" / FONT_FILE
    font_manager.fontManager.addfont(str(font_path))
    name = font_manager.FontProperties(fname=str(font_path)).get_name()
    plt.rcParams.update({
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
    return plt


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


def _ref_line(ax, ref: float, label: str) -> None:
    """A dashed reference line with its label above the plot (never clipped, never on a bar)."""
    ax.axvline(ref, color=NEUTRAL, linestyle="--", linewidth=1)
    ax.annotate(label, xy=(ref, 1), xycoords=("data", "axes fraction"), xytext=(0, 3),
                textcoords="offset points", ha="center", va="bottom", color=NEUTRAL,
                fontsize=SMALL)


def _draw_hbar(plt, d: dict):
    n = len(d["labels"])
    fig, ax = plt.subplots(figsize=(WIDTH, 0.9 + 0.34 * n))
    ys = list(range(n))[::-1]
    values = [v if v is not None else 0 for v in d["values"]]
    bars = ax.barh(ys, values, color=d["colors"], height=0.65)
    ax.set_yticks(ys, d["labels"])
    ax.tick_params(axis="y", length=0)
    full = d.get("percent") and d.get("full_scale", True)  # rates of coverage: always to 100%
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


def _month_formatter():
    import matplotlib.dates as mdates
    from matplotlib.ticker import FuncFormatter

    def month(x, _pos):
        day = mdates.num2date(x)
        return f"{day.year}年{day.month}月"

    return FuncFormatter(month)


def _draw_trend(plt, d: dict):
    import datetime as dt

    import matplotlib.dates as mdates

    many = len(d["series"]) > 3
    fig, ax = plt.subplots(figsize=(WIDE if many else WIDTH, 3.4))
    xs = [dt.date.fromisoformat(x) for x in d["x"]]
    for series in d["series"]:
        values = [float("nan") if v is None else v for v in series["values"]]
        ax.plot(xs, values, color=series["color"], linewidth=1.8, marker="o", markersize=3,
                label=series["label"])
    for due in d.get("due", []):
        day = dt.date.fromisoformat(due["date"])
        ax.axvline(day, color=NEUTRAL, linestyle="--", linewidth=1)
        ax.annotate(due["label"], (day, 0.03), xytext=(-2, 0), textcoords="offset points",
                    fontsize=SMALL, color=NEUTRAL, rotation=90, ha="right", va="bottom")
    ax.axhline(1.0, color=NEUTRAL, linewidth=0.6)
    _percent_axis(ax.yaxis)
    ax.set_ylim(0, 1.05)
    long_span = (xs[-1] - xs[0]).days > 460
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 7) if long_span else (1, 4, 7, 10)))
    ax.xaxis.set_major_formatter(_month_formatter())
    if len(d["series"]) > 1:  # below the plot, so it never covers a line
        ax.legend(ncol=4 if many else len(d["series"]), frameon=False, loc="upper center",
                  bbox_to_anchor=(0.5, -0.12))
    return fig


def _draw_heatmap(plt, d: dict):
    import numpy as np

    rows, cols = d["rows"], d["cols"]
    values = np.array([[np.nan if v is None else v for v in r] for r in d["values"]], dtype=float)
    fig, ax = plt.subplots(figsize=(2.4 + 0.5 * len(cols), 1.2 + 0.36 * len(rows)))
    image = ax.imshow(values, cmap="cividis", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(cols)), cols, rotation=45, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(len(rows)), rows)
    ax.tick_params(length=0)
    for i in range(len(rows)):
        for j in range(len(cols)):
            if not np.isnan(values[i, j]):
                # Short of 100% is never printed as "100": 99.96% shows as 99.
                shown = min(round(values[i, j] * 100), 99 if values[i, j] < 1 else 100)
                ax.text(j, i, f"{shown}", ha="center", va="center",
                        fontsize=SMALL, color="black" if values[i, j] > 0.55 else "white")
    colorbar = fig.colorbar(image, ax=ax, fraction=0.04)
    _percent_axis(colorbar.ax.yaxis)
    return fig


def _draw_grouped(plt, d: dict):
    import numpy as np

    n = len(d["labels"])
    fig, ax = plt.subplots(figsize=(WIDTH, 1.1 + 0.62 * n))
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
    ax.set_yticks(base, d["labels"])
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(0, (top or 1) * 1.25)
    _count_axis(ax.xaxis)
    ax.set_xlabel(d.get("xlabel", ""))
    # Above the plot, so it never covers a bar.
    ax.legend(frameon=False, ncol=len(d["series"]), loc="lower left", bbox_to_anchor=(0, 1.0),
              borderaxespad=0.2)
    return fig


DRAW = {"hbar": _draw_hbar, "trend": _draw_trend, "heatmap": _draw_heatmap,
        "grouped": _draw_grouped}


def render_svg(kind: str, data: dict) -> bytes:
    """Draw one chart to SVG bytes; the same input always gives the same bytes."""
    import io

    plt = _pyplot()
    fig = DRAW[kind](plt, data)
    fig.tight_layout()
    buffer = io.BytesIO()
    # "tight" keeps labels and legends drawn outside the axes inside the picture.
    fig.savefig(buffer, format="svg", bbox_inches="tight", pad_inches=0.05,
                metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return buffer.getvalue()


def _render_job(job: tuple[str, dict]) -> bytes:
    kind, data = job
    return render_svg(kind, neutralise_all(data))


def draw_all(charts: list[Chart], out_dir: Path, cache_dir: Path) -> tuple[list[Chart], int]:
    """Write every chart under `out_dir/charts/`; return the charts with `src` set and how many
    were drawn (the rest came from the cache)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    unique = {c.key(): c for c in charts}
    missing = [k for k in sorted(unique) if not (cache_dir / f"{k}.svg").is_file()]
    jobs = [(unique[k].kind, unique[k].data) for k in missing]
    if len(jobs) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        with ProcessPoolExecutor(max_workers=min(os.cpu_count() or 1, 4)) as pool:
            results = list(pool.map(_render_job, jobs, chunksize=4))
    else:
        results = [_render_job(job) for job in jobs]
    for key, svg in zip(missing, results, strict=True):
        write_atomic(cache_dir / f"{key}.svg", svg)  # a full disk leaves no truncated SVG
    (out_dir / "charts").mkdir(parents=True, exist_ok=True)
    drawn = []
    for chart in charts:
        svg = (cache_dir / f"{chart.key()}.svg").read_bytes()
        src = f"charts/{chart.name}-{hashlib.sha256(svg).hexdigest()[:10]}.svg"
        target = out_dir / src
        if not target.exists():
            target.write_bytes(svg)
        drawn.append(dataclasses.replace(chart, src=src))
    return drawn, len(missing)


# --- specs: one function a figure, each computing its finding sentence from the numbers ------

def _num(value) -> float | None:
    return None if value != value else round(float(value), 6)  # NaN → None (JSON-able)


def _pct(value) -> str:
    return filters.percent(value)


def industry_coverage(name: str, table, colour_of: dict, period: str, target: float) -> Chart:
    """Coverage rate per industry in one month, against the full-coverage target."""
    rows = table[table["units_required"] > 0]
    labels = list(rows["name"])
    values = [_num(v) for v in rows["coverage_rate"]]
    met = int((rows["coverage_rate"] >= target).sum())
    best, worst = rows.loc[rows["coverage_rate"].idxmax()], rows.loc[rows["coverage_rate"].idxmin()]
    alt = (f"截至{filters.period_zh(period)},{len(rows)}个行业中{met}个达到全覆盖;"
           f"覆盖率最高的是{best['name']}({_pct(best['coverage_rate'])}),"
           f"最低的是{worst['name']}({_pct(worst['coverage_rate'])})。")
    data = {"labels": labels, "values": values, "colors": [colour_of[c] for c in rows["code"]],
            "value_labels": [_pct(v) for v in rows["coverage_rate"]],
            "percent": True, "ref": target, "ref_label": "全覆盖目标", "xlabel": "投保覆盖率"}
    headers = ("行业", "应投保企业数", "已投保企业数", "覆盖率", "全覆盖截止日期")
    body = tuple(
        (r["name"], filters.number(r["units_required"]), filters.number(r["units_insured"]),
         _pct(r["coverage_rate"]), filters.date_zh(r["due_date"]))
        for _, r in rows.iterrows()
    )
    title = f"各行业投保覆盖率({filters.period_zh(period)})"
    return Chart(name, "hbar", data, alt, Table(headers, body), title=title)


def uninsured_by_industry(name: str, table, colour_of: dict, period: str) -> Chart:
    """Units still uninsured per industry, most first: who is furthest from full coverage.

    Only industries with uninsured units are drawn; the table lists every industry with units to
    insure. `table` is `metrics.coverage_by_industry` output.
    """
    rows = table[table["units_required"] > 0].sort_values(
        "units_uninsured", ascending=False, kind="stable")
    lagging = rows[rows["units_uninsured"] > 0]
    total = int(rows["units_uninsured"].sum())
    alt = (f"截至{filters.period_zh(period)},{len(rows)}个行业中{len(rows) - len(lagging)}个"
           f"已全部投保;尚有{filters.number(total)}家企业未投保")
    alt += ("," + "、".join(f"{r['name']}{filters.number(r['units_uninsured'])}家"
                             for _, r in lagging.iterrows()) + "。") if total else "。"
    data = {"labels": list(lagging["name"]),
            "values": [_num(v) for v in lagging["units_uninsured"]],
            "colors": [colour_of[c] for c in lagging["code"]],
            "value_labels": [f"{filters.number(v)}家" for v in lagging["units_uninsured"]],
            "percent": False, "ref": None, "xlabel": "尚未投保企业数(家)"}
    headers = ("行业", "尚未投保企业数", "覆盖率", "全覆盖截止日期")
    body = tuple(
        (r["name"], filters.number(r["units_uninsured"]), _pct(r["coverage_rate"]),
         filters.date_zh(r["due_date"]))
        for _, r in rows.iterrows()
    )
    title = f"各行业尚未投保企业数({filters.period_zh(period)})"
    return Chart(name, "hbar", data, alt, Table(headers, body), title=title)


def group_coverage(name: str, table, label_header: str, scope: str, period: str,
                   note: str = "") -> Chart:
    """Coverage rate per row of `table` (regions of the city, or industries of one region).

    Rows with no units to insure are left out; `note` (a sentence) says which, for the caption.
    """
    rows = table[table["units_required"] > 0]
    best, worst = rows.loc[rows["coverage_rate"].idxmax()], rows.loc[rows["coverage_rate"].idxmin()]
    if _pct(best["coverage_rate"]) == _pct(worst["coverage_rate"]):
        alt = f"截至{filters.period_zh(period)},{scope}覆盖率均为{_pct(best['coverage_rate'])}。"
    else:
        alt = (f"截至{filters.period_zh(period)},{scope}覆盖率最高的是{best['name']}"
               f"({_pct(best['coverage_rate'])}),最低的是{worst['name']}"
               f"({_pct(worst['coverage_rate'])})。")
    alt += note
    data = {"labels": list(rows["name"]), "values": [_num(v) for v in rows["coverage_rate"]],
            "colors": list(rows["colour"]) if "colour" in rows else [PALETTE[0]] * len(rows),
            "value_labels": [_pct(v) for v in rows["coverage_rate"]],
            "percent": True, "ref": 1.0, "ref_label": "全覆盖", "xlabel": "投保覆盖率"}
    headers = (label_header, "应投保企业数", "已投保企业数", "未投保企业数", "覆盖率")
    body = tuple(
        (r["name"], filters.number(r["units_required"]), filters.number(r["units_insured"]),
         filters.number(r["units_uninsured"]), _pct(r["coverage_rate"]))
        for _, r in rows.iterrows()
    )
    title = f"{scope}投保覆盖率({filters.period_zh(period)})"
    return Chart(name, "hbar", data, alt, Table(headers, body), title=title)


def coverage_heatmap(name: str, matrix, region_names: dict, industry_names: dict,
                     period: str) -> Chart:
    """Region × industry coverage rates for one month."""
    regions = [c for c in region_names if c in matrix.index]
    industries = [c for c in industry_names if c in matrix.columns]
    grid = matrix.reindex(index=regions, columns=industries)
    stacked = grid.stack().dropna()
    low_region, low_industry = stacked.idxmin()
    below = int((stacked < 1.0).sum())
    alt = (f"截至{filters.period_zh(period)},{len(stacked)}个县区行业组合中{below}个未达到全覆盖,"
           f"最低的是{region_names[low_region]}的{industry_names[low_industry]}"
           f"({_pct(stacked.min())})。")
    data = {"rows": [region_names[c] for c in regions],
            "cols": [industry_names[c] for c in industries],
            "values": [[_num(v) for v in row] for row in grid.to_numpy()]}
    headers = ("县区", *[industry_names[c] for c in industries])
    body = tuple(
        (region_names[code], *[_pct(v) for v in grid.loc[code]]) for code in regions
    )
    title = f"各县区各行业投保覆盖率(%,{filters.period_zh(period)})"
    return Chart(name, "heatmap", data, alt, Table(headers, body), title=title)


@functools.cache
def _month_end(period: str) -> str:
    """The last day of a "2025-06" month as "2025-06-30"."""
    year, month = map(int, period.split("-"))
    return f"{period}-{calendar.monthrange(year, month)[1]:02d}"


def coverage_trend(name: str, trend, labels: dict, colour_of: dict, due: list[tuple],
                   subject: str) -> Chart:
    """Monthly coverage rate per series (columns of `trend`), with due dates drawn.

    `due` lists (date, label) pairs; `labels` maps a column to its Chinese name.
    """
    periods = list(trend.index)
    x = [_month_end(p) for p in periods]
    columns = [c for c in labels if c in trend.columns]
    series = [{"label": labels[c], "color": colour_of[c],
               "values": [_num(v) for v in trend[c]]} for c in columns]
    first, last = periods[0], periods[-1]
    if len(columns) == 1:
        column = trend[columns[0]]
        alt = (f"{subject}投保覆盖率从{filters.period_zh(first)}的{_pct(column.iloc[0])}"
               f"变为{filters.period_zh(last)}的{_pct(column.iloc[-1])}")
        at_due = [(day, column.get(f"{day.year}-{day.month:02d}")) for day, _ in due]
        alt += "".join(f",{filters.date_zh(day)}截止时为{_pct(v)}" for day, v in at_due
                       if v is not None and v == v)
    else:
        latest = trend[columns].iloc[-1]
        alt = (f"{filters.period_zh(last)}{subject}覆盖率在{_pct(latest.min())}"
               f"({labels[latest.idxmin()]})到{_pct(latest.max())}({labels[latest.idxmax()]})之间")
    if due:
        alt += ";虚线为全覆盖截止日期(" + "、".join(filters.date_zh(day) for day, _ in due) + ")"
    alt += "。"
    data = {"x": x, "series": series,
            "due": [{"date": str(day), "label": label} for day, label in due]}
    headers = ("统计月份", *[labels[c] for c in columns])
    body = tuple(
        (filters.period_zh(p), *[_pct(trend.at[p, c]) for c in columns]) for p in periods
    )
    title = f"{subject}投保覆盖率变化({filters.period_zh(first)}至{filters.period_zh(last)})"
    return Chart(name, "trend", data, alt, Table(headers, body), title=title)


def score_ranking(name: str, table, colour_of: dict, round_: str, pass_mark: float) -> Chart:
    """One round's total scores, best first."""
    best, worst = table.iloc[0], table.iloc[-1]
    failing = int((table["total_score"] < pass_mark).sum())
    alt = (f"{filters.period_zh(round_)}评估中{best['short_name']}得分最高"
           f"({filters.number(best['total_score'], 1)}分),{worst['short_name']}最低"
           f"({filters.number(worst['total_score'], 1)}分),{failing}家不合格。")
    data = {"labels": list(table["short_name"]), "values": [_num(v) for v in table["total_score"]],
            "colors": [colour_of[c] for c in table["insurer_code"]], "percent": False,
            "value_labels": [filters.number(v, 1) for v in table["total_score"]],
            "ref": pass_mark, "ref_label": "合格线", "xlabel": "总分", "xmax": 100}
    headers = ("排名", "保险机构", "总分", "等级", "服务完成率")
    body = tuple(
        (str(r["rank"]), r["short_name"], filters.number(r["total_score"], 1), r["grade"],
         _pct(r["delivery_rate"]))
        for _, r in table.iterrows()
    )
    title = f"{filters.period_zh(round_)}各保险机构评估总分"
    return Chart(name, "hbar", data, alt, Table(headers, body), title=title)


def dimension_scores(name: str, dims, colour: str, round_: str, insurer: str) -> Chart:
    """One insurer's dimension scores in one round."""
    best, worst = dims.loc[dims["score"].idxmax()], dims.loc[dims["score"].idxmin()]
    alt = (f"{insurer}{filters.period_zh(round_)}评估中{best['dimension_name']}得分最高"
           f"({filters.number(best['score'], 1)}分),{worst['dimension_name']}最低"
           f"({filters.number(worst['score'], 1)}分)。")
    data = {"labels": list(dims["dimension_name"]), "values": [_num(v) for v in dims["score"]],
            "colors": [colour] * len(dims), "percent": False, "ref": None, "xlabel": "维度得分",
            "xmax": 100,
            "value_labels": [filters.number(v, 1) for v in dims["score"]]}
    headers = ("评估维度", "权重", "得分", "加权得分")
    body = tuple(
        (r["dimension_name"], filters.number(r["weight"], 0), filters.number(r["score"], 1),
         filters.number(r["points"], 1))
        for _, r in dims.iterrows()
    )
    title = f"{insurer}{filters.period_zh(round_)}各评估维度得分"
    return Chart(name, "hbar", data, alt, Table(headers, body), title=title)


def services_delivery(name: str, history, subject: str) -> Chart:
    """Services contracted vs delivered per round for one insurer."""
    last = history.iloc[-1]
    alt = (f"{subject}{filters.period_zh(last['round'])}合同约定服务"
           f"{filters.number(last['services_contracted'])}次,实际提供"
           f"{filters.number(last['services_delivered'])}次,完成率{_pct(last['delivery_rate'])}。")
    data = {"labels": [filters.period_zh(r) for r in history["round"]], "xlabel": "服务次数",
            "series": [
                {"label": "合同约定", "color": PALETTE[4],
                 "values": [int(v) for v in history["services_contracted"]],
                 "value_labels": [filters.number(v) for v in history["services_contracted"]]},
                {"label": "实际提供", "color": PALETTE[0],
                 "values": [int(v) for v in history["services_delivered"]],
                 "value_labels": [filters.number(v) for v in history["services_delivered"]]}]}
    headers = ("评估轮次", "合同约定服务次数", "实际提供服务次数", "完成率")
    body = tuple(
        (filters.period_zh(r["round"]), filters.number(r["services_contracted"]),
         filters.number(r["services_delivered"]), _pct(r["delivery_rate"]))
        for _, r in history.iterrows()
    )
    title = f"{subject}各轮事故预防服务次数:合同约定与实际提供"
    return Chart(name, "grouped", data, alt, Table(headers, body), title=title)


def prevention_share(name: str, rows, colour_of: dict, year: int, cap: float) -> Chart:
    """Prevention spending as a share of premium collected per insurer, against the cap."""
    over = rows[rows["over_cap"]]
    verdict = (f"{len(over)}家超过{_pct(cap)}的上限:" + "、".join(over["short_name"])
               if len(over) else f"均未超过{_pct(cap)}的上限")
    alt = f"{year}年{len(rows)}家保险机构的事故预防费用支出占实收保费的比例{verdict}。"
    data = {"labels": list(rows["short_name"]), "values": [_num(v) for v in rows["spending_share"]],
            "colors": [colour_of[c] for c in rows["insurer_code"]], "percent": True,
            "value_labels": [_pct(v) for v in rows["spending_share"]], "full_scale": False,
            "ref": cap, "ref_label": "上限", "xlabel": "事故预防费用支出 / 实收保费"}
    headers = ("保险机构", "实收保费(万元)", "预防费用支出(万元)", "占比", "上限金额(万元)")
    body = tuple(
        (r["short_name"], filters.wan(r["premium_collected"]),
         filters.wan(r["prevention_spending"]), _pct(r["spending_share"]),
         filters.wan(r["cap_amount"]))
        for _, r in rows.iterrows()
    )
    title = f"{year}年各保险机构事故预防费用占实收保费的比例"
    return Chart(name, "hbar", data, alt, Table(headers, body), title=title)


def hazards(name: str, rows, year: int) -> Chart:
    """Hazards found vs rectified per insurer in one year."""
    found, fixed = int(rows["hazards_found"].sum()), int(rows["hazards_rectified"].sum())
    worst = rows.loc[rows["rectified_rate"].idxmin()]
    alt = (f"{year}年共发现隐患{filters.number(found)}项,已整改{filters.number(fixed)}项"
           f"({_pct(fixed / found if found else float('nan'))});整改率最低的是"
           f"{worst['short_name']}({_pct(worst['rectified_rate'])})。")
    data = {"labels": list(rows["short_name"]), "xlabel": "隐患数(项)", "series": [
        {"label": "发现隐患", "color": PALETTE[1],
         "values": [int(v) for v in rows["hazards_found"]],
         "value_labels": [filters.number(v) for v in rows["hazards_found"]]},
        {"label": "已整改", "color": PALETTE[2],
         "values": [int(v) for v in rows["hazards_rectified"]],
         "value_labels": [filters.number(v) for v in rows["hazards_rectified"]]}]}
    headers = ("保险机构", "服务企业数", "服务次数", "发现隐患", "已整改", "整改率")
    body = tuple(
        (r["short_name"], filters.number(r["units_served"]),
         filters.number(r["services_delivered"]), filters.number(r["hazards_found"]),
         filters.number(r["hazards_rectified"]),
         _pct(r["rectified_rate"]))
        for _, r in rows.iterrows()
    )
    title = f"{year}年各保险机构发现隐患与已整改数"
    return Chart(name, "grouped", data, alt, Table(headers, body), title=title)


def claims_paid(name: str, by_period) -> Chart:
    """Amount paid and advance payments per quarter."""
    periods = list(by_period.index)
    last = by_period.iloc[-1]
    alt = (f"{filters.period_zh(periods[-1])}赔付{filters.wan_yuan(last['amount_paid'])},"
           f"先行垫付{filters.number(last['advance_payments'])}件"
           f"{filters.wan_yuan(last['advance_amount'])};"
           f"{len(periods)}个季度累计赔付{filters.wan_yuan(by_period['amount_paid'].sum())}。")
    data = {"labels": [filters.period_zh(p) for p in periods], "xlabel": "金额(万元)", "series": [
        {"label": "赔付金额", "color": PALETTE[0],
         "values": [_num(v / 10_000) for v in by_period["amount_paid"]],
         "value_labels": [filters.wan(v, 1) for v in by_period["amount_paid"]]},
        {"label": "先行垫付金额", "color": PALETTE[1],
         "values": [_num(v / 10_000) for v in by_period["advance_amount"]],
         "value_labels": [filters.wan(v, 1) for v in by_period["advance_amount"]]}]}
    headers = ("统计季度", "报案件数", "结案件数", "赔付金额(万元)", "先行垫付件数",
               "先行垫付金额(万元)", "平均核定天数", "平均支付天数")
    body = tuple(
        (filters.period_zh(p), filters.number(r["claims_reported"]),
         filters.number(r["claims_settled"]), filters.wan(r["amount_paid"]),
         filters.number(r["advance_payments"]), filters.wan(r["advance_amount"]),
         filters.number(r["avg_days_to_decide"], 1), filters.number(r["avg_days_to_pay"], 1))
        for p, r in by_period.iterrows()
    )
    title = "各季度赔付金额与先行垫付金额(万元)"
    return Chart(name, "grouped", data, alt, Table(headers, body), title=title)
