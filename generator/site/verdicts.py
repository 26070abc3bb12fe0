"""Deadline verdicts: was full coverage reached by each industry's due date, and when?

Pure functions over the coverage table. One definition everywhere (`Policy.due_passed`): the
data of a due date's month stands at that date (months end on their last day), so the due day
itself is on time and its data decides; a row with nothing to insure has no target to miss
(`Policy.target_met`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from generator.site.metrics import rate

if TYPE_CHECKING:
    from generator.package.policy import Policy

# status: on_time (met at the due month), late (missed, reached after), missed (not reached yet),
# met (not due yet, already met), open (not due yet, not met), none (nothing to insure),
# unknown (due, but no coverage reported for the due month)
STATUSES = ("on_time", "late", "missed", "met", "open", "none", "unknown")
# the verdict columns an industry table gains (`deadline_verdicts`)
# the columns of `deadline_verdicts` after the keys
COLUMNS = ["due_date", "due_passed", "required_at_due", "insured_at_due", "rate_at_due",
           "units_required", "units_insured", "coverage_rate", "units_uninsured", "first_full",
           "met_after", "met_on_time", "status"]
VERDICT = ["due_passed", "required_at_due", "insured_at_due", "rate_at_due", "first_full",
           "met_after", "met_on_time", "status"]


def due_month(due) -> str:
    """The month period holding a due date: 2024-12-31 → "2024-12"."""
    return pd.Timestamp(due).strftime("%Y-%m")


def period_sums(coverage: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Units insured and required summed by `keys` and period, sorted by them."""
    return (coverage.groupby(keys + ["period"], sort=True)[["units_insured", "units_required"]]
            .sum().astype("float64").reset_index())


def deadline_verdicts(coverage: pd.DataFrame, industries: pd.DataFrame, keys: list[str],
                      latest: str, policy: Policy, basis: Basis | None = None
                      ) -> pd.DataFrame:
    """One row per combination of `keys` (which include industry_code) seen in `coverage`:
    units required / insured and the rate at the due month and at `latest`, whether the target
    was met on time, the first month it was met (`first_full`), the first month after the due
    month it was met (`met_after`), units still uninsured now and a `status` (see STATUSES).
    `basis`, when given, is `verdict_basis` of a table whose rows up to `latest` are those of
    `coverage`: prepared once for the verdicts of many months."""
    if basis is None:
        basis = verdict_basis(period_sums(coverage[coverage["period"] <= latest], keys),
                              industries, keys, policy)
    sums, first, periods = basis
    # what is known at `latest`: the combinations seen by then; the due month's figures and the
    # first months met once those months have come
    table = first[(first["since"] <= latest).to_numpy(dtype=bool, na_value=False)].copy()
    due_seen = (table["due_month"] <= latest).to_numpy(dtype=bool, na_value=False)
    reported = table["reported"].to_numpy() & due_seen
    now = sums.iloc[periods.get(latest, [])].set_index(keys)
    as_of = pd.Period(latest, freq="M").end_time.date()
    passed = {day: bool(policy.due_passed(day, as_of)) for day in set(table["due_date"])}
    table["due_passed"] = [passed[day] for day in table["due_date"]]  # a dozen dates, many rows
    table["required_at_due"] = table["required_at_due"].where(reported, 0.0)
    table["insured_at_due"] = table["insured_at_due"].where(reported, 0.0)
    table["rate_at_due"] = rate(table["insured_at_due"], table["required_at_due"])
    table["units_required"] = now["units_required"].reindex(table.index).fillna(0)
    table["units_insured"] = now["units_insured"].reindex(table.index).fillna(0)
    table["coverage_rate"] = rate(table["units_insured"], table["units_required"])
    table["units_uninsured"] = table["units_required"] - table["units_insured"]
    for column in ("first_full", "met_after"):  # a first month after `latest` is not known yet
        table[column] = table[column].where(
            (table[column] <= latest).to_numpy(dtype=bool, na_value=False))
    missed = (table["required_at_due"] > 0) & ~policy.target_met(
        table["insured_at_due"], table["required_at_due"])
    table["met_on_time"] = table["due_passed"] & ~missed & reported
    met_now = policy.target_met(table["units_insured"], table["units_required"])
    nothing = (table["required_at_due"] == 0) & (table["units_required"] == 0)
    table["status"] = [
        "unknown" if passed and not known else "none" if empty else
        ("on_time" if not miss else ("late" if isinstance(after, str) else "missed")) if passed
        else ("met" if full else "open")
        for known, empty, passed, miss, after, full in zip(
            reported, nothing, table["due_passed"], missed, table["met_after"], met_now,
            strict=True)
    ]
    return table[COLUMNS].reset_index()


Basis = tuple[pd.DataFrame, pd.DataFrame, dict]  # `verdict_basis`


def verdict_basis(sums: pd.DataFrame, industries: pd.DataFrame, keys: list[str],
                  policy: Policy) -> Basis:
    """What the verdicts of every month are made from (`deadline_verdicts`): `sums`
    (`period_sums` by `keys`); per combination of `keys` its first month (`since`), its
    industry's due date and month, the units at the due month (`reported`: rows there), the first
    month it met the target and the first month after the due month it did; and the positions
    of each period's rows in `sums` (found once, not by comparing every row for each month)."""
    due = dict(zip(industries["code"], pd.to_datetime(industries["due_date"]).dt.date,
                   strict=True))
    months = {code: due_month(day) for code, day in due.items()}  # once a code, not a row
    due_months = sums["industry_code"].map(months).astype("string")
    met = policy.target_met(sums["units_insured"], sums["units_required"])
    at_due = sums[(sums["period"] == due_months).to_numpy(dtype=bool, na_value=False)]
    at_due = at_due.set_index(keys)
    first = sums.groupby(keys, sort=True)[["period"]].first().rename(columns={"period": "since"})
    codes = first.index.get_level_values("industry_code")
    first["due_date"] = [due[c] for c in codes]
    first["due_month"] = pd.array([months[c] for c in codes], dtype="string")
    first["reported"] = first.index.isin(at_due.index)
    first["required_at_due"] = at_due["units_required"].reindex(first.index)
    first["insured_at_due"] = at_due["units_insured"].reindex(first.index)
    first["first_full"] = _first_period(sums[met], keys).reindex(first.index)
    after = (sums["period"] > due_months).to_numpy(dtype=bool, na_value=False)
    first["met_after"] = _first_period(sums[met & after], keys).reindex(first.index)
    return sums, first, sums.groupby("period", sort=False).indices


def _first_period(sums: pd.DataFrame, keys: list[str]) -> pd.Series:
    """The earliest period of each combination of `keys` in `sums` (sorted by keys, then
    period): its first row, without a text minimum computed row by row in Python."""
    return sums.drop_duplicates(keys).set_index(keys)["period"]


def batch_sentences(verdicts: pd.DataFrame, industries: pd.DataFrame, as_of) -> list[dict]:
    """Per batch (in due order), what the home page says of it: its due date, how many of its
    industries, whether the date has passed, and the industries met / missed (name, rate at
    the due month, month reached after) or, before the date, still open (name, rate now);
    `met_names` names the industries met (on time once the date has passed);
    `unknown` names the industries without coverage reported for the due month."""
    table = verdicts.merge(industries[["code", "name", "batch", "display_order"]],
                           left_on="industry_code", right_on="code")
    table = table.sort_values(["due_date", "display_order"])
    rows = table[["batch", "name", "due_date", "due_passed", "status", "rate_at_due",
                  "met_after", "units_uninsured", "coverage_rate"]].to_dict("records")
    parts: dict = {}  # batch → its rows, batches in the order of their first row
    for row in rows:
        parts.setdefault(row["batch"], []).append(row)
    out = []
    for batch, part in parts.items():  # a dozen rows: plain Python, not a frame a batch
        due = max(r["due_date"] for r in part)
        passed = all(r["due_passed"] for r in part)
        counted = [r for r in part if r["status"] != "none"]
        met = [r["name"] for r in counted if r["status"] == ("on_time" if passed else "met")]
        missed = [r for r in counted if r["status"] in ("late", "missed")]
        out.append({
            "batch": batch, "due_date": due, "count": len(counted), "passed": passed,
            "met": len(met),
            "met_names": tuple(met),
            "missed": tuple({"name": r["name"], "rate_at_due": r["rate_at_due"]}
                            for r in missed),
            "reached_later": tuple({"name": r["name"], "met_after": r["met_after"]}
                                   for r in missed if r["status"] == "late"),
            "still_missed": tuple({"name": r["name"], "units_uninsured": r["units_uninsured"]}
                                  for r in missed if r["status"] == "missed"),
            "open": tuple({"name": r["name"], "coverage_rate": r["coverage_rate"]}
                          for r in counted if r["status"] == "open"),
            "unknown": tuple(r["name"] for r in counted if r["status"] == "unknown"),
            "days_left": (due - as_of).days,
        })
    return out


def county_assessment(county_verdicts: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Per county (display order), for the 考核: coverage at the due months of the industries
    whose date has passed (insured ÷ required summed over them), industries that missed their
    date, coverage now over all industries and units still uninsured."""
    passed = county_verdicts[county_verdicts["due_passed"]]
    at_due = passed.groupby("region_code")[["insured_at_due", "required_at_due"]].sum()
    now = county_verdicts.groupby("region_code")[["units_insured", "units_required"]].sum()
    missed = passed[passed["status"].isin(["late", "missed"])].groupby("region_code").size()
    table = regions.sort_values("display_order").set_index("code", drop=False)
    table = table.join(at_due).join(now)
    table = table.fillna({c: 0 for c in ("insured_at_due", "required_at_due", "units_insured",
                                         "units_required")})
    table["rate_at_due"] = rate(table["insured_at_due"], table["required_at_due"])
    table["coverage_rate"] = rate(table["units_insured"], table["units_required"])
    table["units_uninsured"] = table["units_required"] - table["units_insured"]
    table["industries_missed"] = missed.reindex(table.index).fillna(0).astype(int)
    return table.reset_index(drop=True)
