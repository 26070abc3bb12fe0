"""The figures the site shows, computed from the package's DataFrames.

Pure functions: DataFrames in, plain values or small DataFrames out. No I/O, no formatting, no
charts. Rates are ratios (0.873), amounts stay in 元; the filters format them for the pages.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from generator.package.policy import Policy

COVERAGE_SUMS = ["units_required", "units_insured", "employees_covered", "employees_total",
                 "premium_ytd"]
FILLED = COVERAGE_SUMS + ["units_uninsured"]


def rate(numerator, denominator):
    """numerator / denominator, NaN where the denominator is 0 (a rate of nothing is undefined)."""
    if isinstance(denominator, pd.Series):
        return (numerator / denominator.where(denominator != 0)).astype("float64")
    return float(numerator) / float(denominator) if denominator else float("nan")


def latest_period(coverage: pd.DataFrame) -> str:
    """The latest month in the coverage table, e.g. "2025-06"."""
    return str(coverage["period"].max())


def period_end(period: str) -> dt.date:
    """The last day of a month period: "2025-06" → 2025-06-30."""
    return (pd.Period(period, freq="M").end_time).date()


def as_of_date(coverage: pd.DataFrame) -> dt.date:
    """The date the data stands at: the last day of the latest coverage month (not the clock)."""
    return period_end(latest_period(coverage))


def overall_coverage(coverage: pd.DataFrame, period: str) -> dict:
    """Totals and the coverage rate of the whole city for one month."""
    rows = coverage[coverage["period"] == period]
    totals = {c: float(rows[c].sum()) for c in COVERAGE_SUMS if c in rows}  # older versions
    totals["coverage_rate"] = rate(totals["units_insured"], totals["units_required"])
    totals["units_uninsured"] = totals["units_required"] - totals["units_insured"]
    totals["employee_share"] = rate(totals.get("employees_covered", 0.0),
                                    totals.get("employees_total", 0.0))
    return totals


def coverage_sums(coverage: pd.DataFrame, keys: list[str], period: str | None = None
                  ) -> pd.DataFrame:
    """COVERAGE_SUMS per combination of `keys` (only month `period` when given), as floats."""
    rows = coverage if period is None else coverage[coverage["period"] == period]
    return rows.groupby(keys, sort=True)[COVERAGE_SUMS].sum().astype("float64")


def split(sums: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """A table from `coverage_sums` over two keys cut by the first: code → its rows, indexed by
    the second key. Group once, then slice, instead of filtering the rows once a code."""
    return {code: part.droplevel(0) for code, part in sums.groupby(level=0, sort=False)}


def with_rates(sums: pd.DataFrame) -> pd.DataFrame:
    """`sums` (from `coverage_sums`, one key) with coverage_rate, units_uninsured and the share
    of the workforce covered (`employee_share`) added."""
    sums = sums.copy()
    sums["coverage_rate"] = rate(sums["units_insured"], sums["units_required"])
    sums["units_uninsured"] = sums["units_required"] - sums["units_insured"]
    sums["employee_share"] = rate(sums["employees_covered"], sums["employees_total"])
    return sums


def _grouped(coverage: pd.DataFrame, period: str, key: str) -> pd.DataFrame:
    return with_rates(coverage_sums(coverage, [key], period))


def coverage_by_industry(
    coverage: pd.DataFrame, industries: pd.DataFrame, period: str, as_of: dt.date, policy: Policy
) -> pd.DataFrame:
    """One row an industry (in display order) with totals, rate, due date and whether it is late
    (`meets_target` and `overdue` as the policy defines them)."""
    return industry_table(_grouped(coverage, period, "industry_code"), industries, as_of, policy)


def industry_table(sums: pd.DataFrame, industries: pd.DataFrame, as_of: dt.date, policy: Policy
                   ) -> pd.DataFrame:
    """`coverage_by_industry` from one month's sums with rates per industry code (`with_rates`);
    industries without rows count zero."""
    table = industries.sort_values("display_order").set_index("code", drop=False)
    return _due_status(table.join(sums, how="left"), as_of, policy).reset_index(drop=True)


def industry_tables(pairs: pd.DataFrame, codes: list[str], industries: pd.DataFrame,
                    as_of: dt.date, policy: Policy) -> dict[str, pd.DataFrame]:
    """`industry_table` of each of `codes` (regions), from one month's sums by region and
    industry code (`coverage_sums`), computed for all of them at once: a region without rows
    counts zero in every industry."""
    base = industries.sort_values("display_order").reset_index(drop=True)
    size = len(base)
    table = base.iloc[np.tile(np.arange(size), len(codes))].reset_index(drop=True)
    keys = pd.MultiIndex.from_arrays([np.repeat(np.asarray(codes, dtype=object), size),
                                      table["code"].to_numpy(dtype=object)])
    sums = with_rates(pairs).reindex(keys)
    for column in sums.columns:
        table[column] = sums[column].to_numpy()
    table = _due_status(table, as_of, policy)
    return {code: table.iloc[i * size:(i + 1) * size].reset_index(drop=True)
            for i, code in enumerate(codes)}


def _due_status(table: pd.DataFrame, as_of: dt.date, policy: Policy) -> pd.DataFrame:
    """Industries joined to their sums: zeros where none, the due date as a date, and whether
    the target is met, the industry is overdue (both as `policy` defines them), days left."""
    table[FILLED] = table[FILLED].fillna(0)
    due = pd.to_datetime(table["due_date"]).dt.date
    insured, required = table["units_insured"], table["units_required"]
    table["due_date"] = due
    table["meets_target"] = policy.target_met(insured, required)
    table["overdue"] = policy.overdue(due, as_of, insured, required)
    table["days_to_due"] = [(d - as_of).days for d in due]
    return table


def coverage_by_region(coverage: pd.DataFrame, regions: pd.DataFrame, period: str) -> pd.DataFrame:
    """One row a reporting unit (in display order) with its totals and coverage rate."""
    return region_table(_grouped(coverage, period, "region_code"), regions)


def region_table(sums: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """`coverage_by_region` from one month's sums with rates per region code (`with_rates`)."""
    table = regions.sort_values("display_order").set_index("code", drop=False).join(sums)
    table[FILLED] = table[FILLED].fillna(0)
    return table.reset_index(drop=True)


def coverage_matrix(coverage: pd.DataFrame, period: str) -> pd.DataFrame:
    """Coverage rate by region (rows) × industry (columns) for one month; NaN if none required."""
    rows = coverage[coverage["period"] == period]
    sums = rows.groupby(["region_code", "industry_code"], sort=True)[
        ["units_insured", "units_required"]
    ].sum()
    rates = rate(sums["units_insured"].astype("float64"), sums["units_required"].astype("float64"))
    return rates.unstack("industry_code")


def coverage_trend(coverage: pd.DataFrame, key: str | None = None) -> pd.DataFrame:
    """Coverage rate per month, overall (key None) or one column per `key` value."""
    groups = ["period"] + ([key] if key else [])
    sums = coverage.groupby(groups, sort=True)[["units_insured", "units_required"]].sum()
    return trend_table(sums.astype("float64"), key)


def trend_table(sums: pd.DataFrame, key: str | None = None) -> pd.DataFrame:
    """`coverage_trend` from units insured and required per month (and `key`, when given)."""
    rates = rate(sums["units_insured"], sums["units_required"])
    return rates.unstack(key) if key else rates.to_frame("coverage_rate")


def latest_round(assessments: pd.DataFrame) -> str:
    """The latest assessment round, e.g. "2025H1"."""
    return str(assessments["round"].max())


def assessment_table(
    assessments: pd.DataFrame, insurers: pd.DataFrame, round_: str
) -> pd.DataFrame:
    """One round's results ranked by total score (1 = best; ties share a rank), delivery rate."""
    rows = assessments[assessments["round"] == round_].merge(
        insurers[["code", "name", "short_name", "display_order"]],
        left_on="insurer_code", right_on="code", how="left",
    )
    rows["delivery_rate"] = rate(
        rows["services_delivered"].astype("float64"), rows["services_contracted"].astype("float64")
    )
    rows["rank"] = rows["total_score"].rank(method="min", ascending=False).astype(int)
    return rows.sort_values(["rank", "display_order"]).reset_index(drop=True)


def score_history(assessments: pd.DataFrame) -> pd.DataFrame:
    """Total score by round (rows) × insurer (columns)."""
    table = assessments.pivot(index="round", columns="insurer_code", values="total_score")
    return table.sort_index()


def dimension_scores(scores: pd.DataFrame, round_: str, insurer: str) -> pd.DataFrame:
    """The dimension scores behind one insurer's total in one round, with weighted points."""
    rows = scores[(scores["round"] == round_) & (scores["insurer_code"] == insurer)].copy()
    rows["points"] = rows["weight"] * rows["score"] / 100
    return rows.sort_values("dimension").reset_index(drop=True)


def insurer_history(assessments: pd.DataFrame, insurer: str) -> pd.DataFrame:
    """Every round of one insurer, oldest first, with its delivery rate."""
    rows = assessments[assessments["insurer_code"] == insurer].sort_values("round").copy()
    rows["delivery_rate"] = rate(
        rows["services_delivered"].astype("float64"), rows["services_contracted"].astype("float64")
    )
    return rows.reset_index(drop=True)


def prevention_table(prevention: pd.DataFrame, insurers: pd.DataFrame, cap: float,
                     floor: float = 0.0) -> pd.DataFrame:
    """Per year × insurer: spending share of premium, against the cap, spending share of the
    budget, under the floor, and hazards rectified."""
    rows = prevention.merge(
        insurers[["code", "short_name", "display_order"]],
        left_on="insurer_code", right_on="code", how="left",
    )
    rows["spending_share"] = rate(rows["prevention_spending"], rows["premium_collected"])
    rows["cap_amount"] = rows["premium_collected"] * cap
    rows["over_cap"] = rows["prevention_spending"] > rows["cap_amount"]
    rows["budget_share"] = rate(rows["prevention_spending"], rows["prevention_budget"])
    rows["under_floor"] = rows["prevention_spending"] < rows["prevention_budget"] * floor
    rows["rectified_rate"] = rate(
        rows["hazards_rectified"].astype("float64"), rows["hazards_found"].astype("float64")
    )
    rows["hazards_open"] = rows["hazards_found"] - rows["hazards_rectified"]
    return rows.sort_values(["year", "display_order"]).reset_index(drop=True)


CLAIM_SUMS = [
    "claims_reported", "claims_settled", "amount_paid", "advance_payments", "advance_amount",
]


def _claims_by(claims: pd.DataFrame, key: str) -> pd.DataFrame:
    frame = claims.assign(
        _decide=claims["avg_days_to_decide"] * claims["claims_settled"],
        _pay=claims["avg_days_to_pay"] * claims["claims_settled"],
    )
    sums = frame.groupby(key, sort=True)[CLAIM_SUMS + ["_decide", "_pay"]].sum()
    settled = sums["claims_settled"].astype("float64")
    sums["avg_days_to_decide"] = rate(sums["_decide"], settled)
    sums["avg_days_to_pay"] = rate(sums["_pay"], settled)
    sums[CLAIM_SUMS] = sums[CLAIM_SUMS].astype("float64")
    return sums.drop(columns=["_decide", "_pay"])


def claims_by_period(claims: pd.DataFrame) -> pd.DataFrame:
    """Per quarter: counts and amounts summed; days are averages weighted by claims settled."""
    return _claims_by(claims, "period")


def claims_by_insurer(claims: pd.DataFrame, insurers: pd.DataFrame, period: str) -> pd.DataFrame:
    """Per insurer for one quarter, in display order."""
    sums = _claims_by(claims[claims["period"] == period], "insurer_code")
    table = insurers.sort_values("display_order").set_index("code", drop=False)
    return table.join(sums, how="inner").reset_index(drop=True)


def claims_by_industry(claims: pd.DataFrame, industries: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per industry for the quarters of one year, in display order."""
    rows = claims[claims["period"].str.startswith(str(year))]
    sums = _claims_by(rows, "industry_code")
    table = industries.sort_values("display_order").set_index("code", drop=False)
    return table.join(sums, how="inner").reset_index(drop=True)


def milestone_status(milestones: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Each phase with its state on `as_of`: 已到期 (due date reached, `Policy.due_passed`),
    进行中 or 未开始."""
    rows = milestones.sort_values(["start_date", "due_date"]).copy()
    start = pd.to_datetime(rows["start_date"]).dt.date
    due = pd.to_datetime(rows["due_date"]).dt.date
    rows["start_date"], rows["due_date"] = start, due
    rows["status"] = [
        "已到期" if Policy.due_passed(d, as_of) else ("进行中" if s <= as_of else "未开始")
        for s, d in zip(start, due, strict=True)
    ]
    rows["days_left"] = [(d - as_of).days for d in due]
    return rows.reset_index(drop=True)


ENFORCEMENT_SUMS = [
    "units_checked", "units_found_uninsured", "orders_issued", "orders_complied",
    "penalty_cases", "penalty_amount", "units_refusing_service", "hazards_overdue",
]


def enforcement_by(enforcement: pd.DataFrame, key: str, period: str | None = None
                   ) -> pd.DataFrame:
    """ENFORCEMENT_SUMS per `key` (one quarter `period` when given, else all), as floats, with
    the share of orders complied with (`complied_rate`)."""
    rows = enforcement if period is None else enforcement[enforcement["period"] == period]
    sums = rows.groupby(key, sort=True)[ENFORCEMENT_SUMS].sum().astype("float64")
    sums["complied_rate"] = rate(sums["orders_complied"], sums["orders_issued"])
    return sums


def enforcement_table(sums: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """`enforcement_by` sums joined to a reference table (regions or industries) in display
    order; codes without rows are left out."""
    table = reference.sort_values("display_order").set_index("code", drop=False)
    return table.join(sums, how="inner").reset_index(drop=True)


def loss_ratios(claims: pd.DataFrame, prevention: pd.DataFrame, insurers: pd.DataFrame
                ) -> pd.DataFrame:
    """Per year × insurer (years with both claims and premium): amount paid in the year's
    quarters ÷ premium collected that year (`loss_ratio`), in year then display order."""
    paid = claims.assign(year=claims["period"].str[:4].astype(int)).groupby(
        ["year", "insurer_code"])["amount_paid"].sum().astype("float64")
    rows = prevention[["year", "insurer_code", "premium_collected"]].join(
        paid, on=["year", "insurer_code"], how="inner")
    rows = rows.merge(insurers[["code", "short_name", "display_order"]],
                      left_on="insurer_code", right_on="code")
    rows["loss_ratio"] = rate(rows["amount_paid"], rows["premium_collected"].astype("float64"))
    return rows.sort_values(["year", "display_order"]).reset_index(drop=True)


def industry_premium(coverage: pd.DataFrame, year: int) -> pd.Series:
    """Premium per industry code for `year`: the year-to-date sum at its latest month."""
    months = coverage["period"][coverage["period"].str.startswith(str(year))]
    if months.empty:
        return pd.Series(dtype="float64", name="premium_ytd")
    rows = coverage[coverage["period"] == months.max()]
    return rows.groupby("industry_code")["premium_ytd"].sum().astype("float64")
