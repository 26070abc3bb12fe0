"""Every figure the site shows, computed once a build from the package (pure: calls `metrics`).

`Figures` keeps the tables as DataFrames for the page builders and the chart specs; templates get
its `summary()`: single values and plain records (one dict a row), never a DataFrame.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import pandas as pd

from generator.package.load import Package
from generator.package.policy import Policy
from generator.site import metrics, verdicts
from generator.site.charts.specs import colours


def records(frame: pd.DataFrame) -> tuple[dict, ...]:
    """The rows of `frame` as plain dicts, in order: what a template loops over."""
    return tuple(frame.to_dict("records"))


@dataclass(frozen=True)
class Summary:
    """What templates read of the figures: values and records, no frames."""

    period: str
    as_of: dt.date
    round: str
    overall: dict
    claims_quarter: str
    claims_paid: float  # amount paid in the latest quarter
    claims_year: int
    prevention_year: int
    insurer_names: dict
    by_industry: tuple[dict, ...]
    laggards: tuple[dict, ...]
    by_region: tuple[dict, ...]
    milestones: tuple[dict, ...]
    prevention: tuple[dict, ...]
    claims_by_insurer: tuple[dict, ...]
    claims_by_industry: tuple[dict, ...]
    loss_ratios: tuple[dict, ...]
    enforcement_quarter: str
    enforcement_periods: tuple[dict, ...]
    enforcement_by_region: tuple[dict, ...]
    enforcement_by_industry: tuple[dict, ...]
    batches: tuple[dict, ...]  # one deadline sentence per batch (`verdicts.batch_sentences`)
    counties: tuple[dict, ...]  # the county table of the 考核 (`verdicts.county_assessment`)


@dataclass(frozen=True)
class Figures:
    """The computed figures; tables are DataFrames in display order."""

    policy: Policy
    period: str
    as_of: dt.date
    industries: pd.DataFrame
    regions: pd.DataFrame
    insurers: pd.DataFrame
    industry_names: dict
    region_names: dict
    insurer_names: dict
    industry_colour: dict
    insurer_colour: dict
    overall: dict
    by_industry: pd.DataFrame
    laggards: pd.DataFrame
    by_region: pd.DataFrame
    matrix: pd.DataFrame
    trend_by_industry: pd.DataFrame
    trend_by_batch: pd.DataFrame
    batches: list
    round: str
    ranking: pd.DataFrame
    rounds: list
    prevention: pd.DataFrame
    prevention_year: int
    claims_periods: pd.DataFrame
    claims_quarter: str
    claims_by_insurer: pd.DataFrame
    claims_year: int
    claims_by_industry: pd.DataFrame
    milestones: pd.DataFrame
    loss_ratios: pd.DataFrame
    county_verdicts: pd.DataFrame
    batch_verdicts: list
    counties: pd.DataFrame
    enforcement_quarter: str
    enforcement_periods: pd.DataFrame
    enforcement_by_region: pd.DataFrame
    enforcement_by_industry: pd.DataFrame

    @property
    def target(self) -> float:
        return self.policy.coverage_target

    @functools.cached_property
    def summary(self) -> Summary:
        """The figures as templates read them (computed once)."""
        return Summary(
            period=self.period, as_of=self.as_of, round=self.round, overall=self.overall,
            claims_quarter=self.claims_quarter,
            claims_paid=float(self.claims_periods.at[self.claims_quarter, "amount_paid"]),
            claims_year=self.claims_year, prevention_year=self.prevention_year,
            insurer_names=self.insurer_names, by_industry=records(self.by_industry),
            laggards=records(self.laggards), by_region=records(self.by_region),
            milestones=records(self.milestones), prevention=records(self.prevention),
            claims_by_insurer=records(self.claims_by_insurer),
            claims_by_industry=records(self.claims_by_industry),
            loss_ratios=records(self.loss_ratios),
            enforcement_quarter=self.enforcement_quarter,
            enforcement_periods=records(self.enforcement_periods.reset_index()),
            enforcement_by_region=records(self.enforcement_by_region),
            enforcement_by_industry=records(self.enforcement_by_industry),
            batches=tuple(self.batch_verdicts), counties=records(self.counties),
        )


def _with_loss_ratio(table: pd.DataFrame, premium: pd.Series) -> pd.DataFrame:
    """Claims per industry with that year's premium and amount paid ÷ premium."""
    table = table.join(premium.rename("premium"), on="code")
    table["loss_ratio"] = metrics.rate(table["amount_paid"], table["premium"])
    return table


def compute(package: Package) -> Figures:
    """Every figure the pages show, from the package's frames and its policy."""
    f, policy = package.frames, package.policy
    period = metrics.latest_period(f["coverage"])
    as_of = metrics.as_of_date(f["coverage"])
    industries = f["industries"].sort_values("display_order")
    regions = f["regions"].sort_values("display_order")
    insurers = f["insurers"].sort_values("display_order")
    by_industry = metrics.coverage_by_industry(f["coverage"], industries, period, as_of, policy)
    verdict = verdicts.deadline_verdicts(f["coverage"], industries, ["industry_code"], period,
                                         policy)
    by_industry = by_industry.merge(
        verdict[["industry_code", *verdicts.VERDICT]], left_on="code",
        right_on="industry_code", how="left").drop(columns="industry_code")
    county_verdicts = verdicts.deadline_verdicts(
        f["coverage"], industries, ["region_code", "industry_code"], period, policy)
    prevention = metrics.prevention_table(f["prevention"], insurers, policy.prevention_cap,
                                          policy.prevention_floor)
    claims_periods = metrics.claims_by_period(f["claims"])
    latest_quarter = str(claims_periods.index.max())
    round_ = metrics.latest_round(f["assessments"])
    enforcement = f["enforcement"]
    enforcement_quarter = str(enforcement["period"].max()) if len(enforcement) else ""
    counties = verdicts.county_assessment(county_verdicts, regions).join(
        metrics.enforcement_by(enforcement, "region_code")[["orders_issued", "penalty_cases"]],
        on="code").fillna({"orders_issued": 0, "penalty_cases": 0})
    return Figures(
        policy=policy,
        period=period,
        as_of=as_of,
        industries=industries,
        regions=regions,
        insurers=insurers,
        industry_names=dict(zip(industries["code"], industries["name"], strict=True)),
        region_names=dict(zip(regions["code"], regions["name"], strict=True)),
        insurer_names=dict(zip(insurers["code"], insurers["short_name"], strict=True)),
        industry_colour=colours(list(industries["code"])),
        insurer_colour=colours(list(insurers["code"])),
        overall=metrics.overall_coverage(f["coverage"], period),
        by_industry=by_industry,
        laggards=by_industry[by_industry["units_uninsured"] > 0].sort_values(
            "units_uninsured", ascending=False, kind="stable"),
        by_region=metrics.coverage_by_region(f["coverage"], regions, period),
        matrix=metrics.coverage_matrix(f["coverage"], period),
        trend_by_industry=metrics.coverage_trend(f["coverage"], "industry_code"),
        trend_by_batch=metrics.coverage_trend(
            f["coverage"].merge(industries[["code", "batch"]], left_on="industry_code",
                                right_on="code"), "batch"),
        batches=list(industries.sort_values(["due_date", "display_order"])["batch"].unique()),
        round=round_,
        ranking=metrics.assessment_table(f["assessments"], insurers, round_),
        rounds=sorted(f["assessments"]["round"].unique(), reverse=True),
        prevention=prevention,
        prevention_year=int(prevention["year"].max()),
        claims_periods=claims_periods,
        claims_quarter=latest_quarter,
        claims_by_insurer=metrics.claims_by_insurer(f["claims"], insurers, latest_quarter),
        claims_year=int(latest_quarter[:4]),
        claims_by_industry=_with_loss_ratio(metrics.claims_by_industry(
            f["claims"], industries, int(latest_quarter[:4])),
            metrics.industry_premium(f["coverage"], int(latest_quarter[:4]))),
        milestones=metrics.milestone_status(f["milestones"], as_of),
        loss_ratios=metrics.loss_ratios(f["claims"], f["prevention"], insurers),
        county_verdicts=county_verdicts,
        batch_verdicts=verdicts.batch_sentences(verdict, industries, as_of),
        counties=counties,
        enforcement_quarter=enforcement_quarter,
        enforcement_periods=metrics.enforcement_by(enforcement, "period"),
        enforcement_by_region=metrics.enforcement_table(
            metrics.enforcement_by(enforcement, "region_code", enforcement_quarter), regions),
        enforcement_by_industry=metrics.enforcement_table(
            metrics.enforcement_by(enforcement, "industry_code", enforcement_quarter), industries),
    )
