"""Chart specs: one function a figure, each computing its data, its finding sentence (the alt
text) and its table from the figures. A spec is plain data; `draw` turns it into an SVG file.
"""

from __future__ import annotations

import calendar
import functools
from dataclasses import dataclass, field

from generator.site import filters

# Okabe & Ito (2008) then Paul Tol's "muted" scheme: distinguishable with colour-vision deficiency.
PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255",
    "#AA4499",
)


def colours(codes: list[str]) -> dict[str, str]:
    """One fixed colour per code, given the codes in display order (cycles past the palette)."""
    return {code: PALETTE[i % len(PALETTE)] for i, code in enumerate(codes)}


# A chart's table longer than this (a monthly history, a county by industry grid) is folded
# under its chart in a <details> the reader opens, so that it does not make the page long.
LONG_TABLE_ROWS = 12


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    @property
    def long(self) -> bool:
        """Folded under its chart (see LONG_TABLE_ROWS)."""
        return len(self.rows) > LONG_TABLE_ROWS


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
    width: int = field(default=0, compare=False)  # once drawn: its size in CSS pixels, so that
    height: int = field(default=0, compare=False)  # the page keeps its place before it loads

    @property
    def wide(self) -> bool:
        """Drawn WIDE: scrolls sideways on a phone instead of shrinking (heat map, many lines)."""
        return self.kind == "heatmap" or (self.kind == "trend" and len(self.data["series"]) > 3)


def _num(value) -> float | None:
    return None if value != value else round(float(value), 6)  # NaN → None (JSON-able)


def _pct(value) -> str:
    return filters.percent(value)


def _points(value) -> str:
    return f"{filters.number(value, 1)}分"


def _who(names: list[str], counter: str, few: int = 3) -> str:
    """Tied names listed when few ("煤矿、危险化学品"), else counted ("9个行业")."""
    return "、".join(names) if len(names) <= few else f"{len(names)}{counter}"


def _extreme(names, values, fmt, word: str, counter: str, measure: str = "",
             name_first: bool = False) -> str:
    """The highest (`word` 最高) or lowest (最低) of `values`, tie-aware on the shown text `fmt(v)`:
    "最高的是煤矿(99.5%)" (or "煤矿最高(99.5%)" with `name_first`), or for a tie
    "煤矿、危险化学品并列最高,均为100.0%" / "9个行业并列最高,均为100.0%". `measure` ("覆盖率",
    "得分") goes before 最高 alone, after the names when tied."""
    pairs = [(n, v) for n, v in zip(names, values, strict=True) if v == v]
    pick = max if word == "最高" else min
    top = fmt(pick(v for _, v in pairs))
    tied = [n for n, v in pairs if fmt(v) == top]
    if len(tied) > 1:
        return f"{_who(tied, counter)}{measure}并列{word},均为{top}"
    if name_first:
        return f"{tied[0]}{measure}{word}({top})"
    return f"{measure}{word}的是{tied[0]}({top})"


# Heat-map colour classes, chosen for where coverage data lies: (legend label, upper bound of the
# shown percentage, exclusive). A rate short of 1 is never in the 100% class.
HEAT_CLASSES = (("低于90%", 90), ("90%至95%", 95), ("95%至99%", 99), ("99%至不足100%", 100),
                ("100%(全覆盖)", None))
# Five steps of cividis (Nuñez et al. 2018): sequential and readable with colour-vision deficiency.
HEAT_COLOURS = ("#00224e", "#4f576c", "#888578", "#c3b369", "#fee838")


def heat_class(rate) -> int | None:
    """The HEAT_CLASSES index of a coverage rate, judged on the percentage as shown
    (`filters.percent`, so a cell's colour agrees with its label); None when missing."""
    if rate is None or rate != rate:
        return None
    if rate >= 1:
        return len(HEAT_CLASSES) - 1
    shown = float(filters.percent(rate).rstrip("%").replace(",", ""))
    return next(i for i, (_, upper) in enumerate(HEAT_CLASSES)
                if upper is not None and shown < upper)


def industry_coverage(name: str, table, colour_of: dict, period: str, target: float) -> Chart:
    """Coverage rate per industry in one month, against the full-coverage target."""
    rows = table[table["units_required"] > 0]
    labels = list(rows["name"])
    values = [_num(v) for v in rows["coverage_rate"]]
    met = int(rows["meets_target"].sum())  # as the policy defines it (metrics.industry_table)
    names, rates = list(rows["name"]), list(rows["coverage_rate"])
    alt = f"截至{filters.period_zh(period)},{len(rows)}个行业中{met}个达到全覆盖;"
    if len({_pct(v) for v in rates}) == 1:
        alt += f"覆盖率均为{_pct(rates[0])}。"
    else:
        alt += (_extreme(names, rates, _pct, "最高", "个行业", "覆盖率") + ","
                + _extreme(names, rates, _pct, "最低", "个行业") + "。")
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
    names, rates = list(rows["name"]), list(rows["coverage_rate"])
    counter = f"个{label_header}"
    if len({_pct(v) for v in rates}) == 1:
        alt = f"截至{filters.period_zh(period)},{scope}覆盖率均为{_pct(rates[0])}。"
    else:
        top = _pct(max(v for v in rates if v == v))
        tied = sum(_pct(v) == top for v in rates) > 1  # "各县区中,11个县区…并列最高"
        alt = (f"截至{filters.period_zh(period)},{scope}" + ("中," if tied else "")
               + _extreme(names, rates, _pct, "最高", counter, "覆盖率") + ","
               + _extreme(names, rates, _pct, "最低", counter) + "。")
    alt += note
    data = {"labels": list(rows["name"]), "values": [_num(v) for v in rows["coverage_rate"]],
            "colors": list(rows["colour"]) if "colour" in rows else [PALETTE[0]] * len(rows),
            "value_labels": [_pct(v) for v in rows["coverage_rate"]],
            "percent": True, "ref": 1.0, "ref_label": "全覆盖", "xlabel": "投保覆盖率"}
    headers = (label_header, "应投保企业数", "已投保企业数", "未投保企业数", "覆盖率")
    body = tuple(
        (name, filters.number(required), filters.number(insured), filters.number(uninsured),
         _pct(rate))
        for name, required, insured, uninsured, rate in zip(
            rows["name"], rows["units_required"], rows["units_insured"], rows["units_uninsured"],
            rows["coverage_rate"], strict=True)
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
    below = int((stacked < 1.0).sum())
    alt = f"截至{filters.period_zh(period)},{len(stacked)}个县区行业组合中{below}个未达到全覆盖"
    if below:
        pairs = [f"{region_names[r]}的{industry_names[i]}" for r, i in stacked.index]
        alt += "," + _extreme(pairs, list(stacked), _pct, "最低", "个组合")
    alt += "。"
    values = grid.to_numpy()
    data = {"rows": [region_names[c] for c in regions],
            "cols": [industry_names[c] for c in industries],
            "values": [[_num(v) for v in row] for row in values],
            "labels": [[_pct(v) for v in row] for row in values],  # as the table shows them
            "classes": [[heat_class(v) for v in row] for row in values],
            "class_labels": [label for label, _ in HEAT_CLASSES],
            "class_colours": list(HEAT_COLOURS)}
    headers = ("县区", *[industry_names[c] for c in industries])
    body = tuple(
        (region_names[code], *[_pct(v) for v in grid.loc[code]]) for code in regions
    )
    title = f"各县区各行业投保覆盖率({filters.period_zh(period)})"
    return Chart(name, "heatmap", data, alt, Table(headers, body), title=title)


@functools.cache
def _month_end(period: str) -> str:
    """The last day of a "2025-06" month as "2025-06-30"."""
    year, month = map(int, period.split("-"))
    return f"{period}-{calendar.monthrange(year, month)[1]:02d}"


def coverage_trend(name: str, trend, labels: dict, colour_of: dict, due: list[tuple],
                   subject: str, counter: str = "个行业") -> Chart:
    """Monthly coverage rate per series (columns of `trend`), with due dates drawn.

    `due` lists (date, label) pairs; `labels` maps a column to its Chinese name; `counter` counts
    series tied at the lowest or highest rate when too many to list ("9个行业").
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
        latest = trend[columns].iloc[-1].dropna()
        shown = {c: _pct(v) for c, v in latest.items()}
        low, high = _pct(latest.min()), _pct(latest.max())

        def at(value: str) -> str:  # who is at a shown value: tied names listed, or counted
            return _who([labels[c] for c in latest.index if shown[c] == value], counter)

        alt = (f"{filters.period_zh(last)}{subject}覆盖率均为{high}" if low == high else
               f"{filters.period_zh(last)}{subject}覆盖率在{low}({at(low)})到{high}({at(high)})之间")
    if due:
        alt += ";虚线为全覆盖截止日期(" + "、".join(filters.date_zh(day) for day, _ in due) + ")"
    alt += "。"
    data = {"x": x, "series": series,
            "due": [{"date": str(day), "label": label} for day, label in due]}
    headers = ("统计月份", *[labels[c] for c in columns])
    body = tuple(
        (filters.period_zh(p), *map(_pct, row))
        for p, row in zip(periods, trend[columns].to_numpy(), strict=True)
    )
    title = f"{subject}投保覆盖率变化({filters.period_zh(first)}至{filters.period_zh(last)})"
    return Chart(name, "trend", data, alt, Table(headers, body), title=title)
