"""The 费率 page's figures: the rates each insurer filed for each industry in the latest year, and
the average premium each industry really paid, computed from coverage (never stored).

Pure: frames in, records out. The realised averages are the year's premium to date at the
year's latest month in coverage, divided by the units insured and the employees covered in that
month (the same month for every industry, so industries compare).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from generator.site import filters, metrics
from generator.site.charts.specs import Chart, Table, _extreme

REALISED = ["premium_ytd", "units_insured", "employees_covered"]


@dataclass(frozen=True)
class RatesPage:
    """What the 费率 template reads: the year, the coverage month averages are taken at, and
    one record per industry with rates filed (display order), each with its insurers' rows."""

    year: str
    month: str
    industries: tuple[dict, ...]


def realised(coverage: pd.DataFrame, year: str) -> tuple[str, pd.DataFrame]:
    """(the latest month of `year` in coverage, or "" when none; per industry code that month:
    premium to date, units insured, employees covered, `per_unit` and `per_employee`)."""
    months = coverage["period"][coverage["period"].str.startswith(year + "-")]
    if months.empty:
        return "", pd.DataFrame(columns=[*REALISED, "per_unit", "per_employee"], dtype="float64")
    month = str(months.max())
    sums = coverage[coverage["period"] == month].groupby("industry_code")[REALISED].sum()
    sums = sums.astype("float64")
    sums["per_unit"] = metrics.rate(sums["premium_ytd"], sums["units_insured"])
    sums["per_employee"] = metrics.rate(sums["premium_ytd"], sums["employees_covered"])
    return month, sums


def _signed(value: float) -> str:
    """A percentage change with its sign: -30 → −30%, 20 → +20%, 0 → 0%."""
    number = f"{abs(value):g}"
    return f"+{number}%" if value > 0 else (f"−{number}%" if value < 0 else "0%")


def rates_page(rates: pd.DataFrame, coverage: pd.DataFrame, industries: pd.DataFrame,
               insurers: pd.DataFrame) -> RatesPage:
    """The latest year's filed rates grouped by industry, with each industry's realised
    averages and the lowest and highest base rate filed for it."""
    if rates.empty:
        return RatesPage("", "", ())
    year = str(rates["period"].max())
    month, averages = realised(coverage, year)
    rows = rates[rates["period"] == year].merge(
        insurers[["code", "short_name", "display_order"]], left_on="insurer_code",
        right_on="code").sort_values(["display_order", "insurer_code"])
    rows["float_range"] = [f"{_signed(lo)} 至 {_signed(hi)}"
                           for lo, hi in zip(rows["float_min"], rows["float_max"], strict=True)]
    found = []
    for industry in industries.sort_values("display_order").to_dict("records"):
        part = rows[rows["industry_code"] == industry["code"]]
        if part.empty:
            continue
        average = (averages.loc[industry["code"]] if industry["code"] in averages.index
                   else pd.Series(dtype="float64"))
        found.append({
            "code": industry["code"], "name": industry["name"],
            "base_low": float(part["base_rate_min"].min()),
            "base_high": float(part["base_rate_max"].max()),
            "per_unit": average.get("per_unit"), "per_employee": average.get("per_employee"),
            "insurers": tuple(part.drop(columns="code").to_dict("records")),
        })
    return RatesPage(year, month, tuple(found))


def premium_chart(name: str, page: RatesPage, colour_of: dict) -> Chart:
    """差别费率 as paid: each industry's average premium per employee covered (display order),
    its table the comparison of industries (base rates filed, averages per unit and employee)."""
    rows = [r for r in page.industries if r["per_employee"] == r["per_employee"]
            and r["per_employee"] is not None]
    names = [r["name"] for r in rows]
    values = [float(r["per_employee"]) for r in rows]

    def fmt(value: float) -> str:
        return f"{filters.number(value)}元"

    when = filters.period_zh(page.month)
    alt = f"{when}各行业每名从业人员平均保费"
    alt += (f":{_extreme(names, values, fmt, '最高', '个行业')},"
            f"{_extreme(names, values, fmt, '最低', '个行业')}。") if rows else "尚无数据。"
    data = {"labels": names, "values": values,
            "colors": [colour_of[r["code"]] for r in rows],
            "value_labels": [fmt(v) for v in values],
            "percent": False, "ref": None, "xlabel": "每名从业人员平均保费(元)"}
    headers = ("行业", "备案基准费率(‰)", "每家企业平均保费(元)", "每名从业人员平均保费(元)")
    body = tuple((r["name"], f"{filters.number(r['base_low'], 2)} 至 "
                  f"{filters.number(r['base_high'], 2)}", filters.number(r["per_unit"]),
                  filters.number(r["per_employee"])) for r in page.industries)
    return Chart(name, "hbar", data, alt, Table(headers, body),
                 title=f"各行业每名从业人员平均保费({when})")
