"""Coverage rules: insured within required, cumulative premium, full coverage, liability limit."""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.validate.rules.base import PLAN, Hits, business
from generator.validate.rules.frames import frame_with


@business(
    "coverage-insured-exceeds-required", "error", "已投保企业数不能大于应投保企业数",
    f"{PLAN} 三、工作目标(覆盖率 = 已投保企业数 / 应投保企业数)",
    "同一月份、单位、行业的已投保企业数不能多于应投保企业数。",
    "已投保企业数 {units_insured} 大于应投保企业数 {units_required}。请核对:已投保企业数不能多于"
    "应投保企业数,若应投保企业有新增,请同时更新应投保企业数。",
    "units insured {units_insured} exceed units required {units_required}",
    reads=("coverage",),
)
def insured_exceeds_required(frames, policy):
    coverage = frame_with(frames, "coverage", "units_insured", "units_required")
    if coverage is not None:
        rows = coverage[coverage["units_insured"] > coverage["units_required"]]
        yield Hits("coverage", "units_insured", rows[["units_insured", "units_required"]])


@business(
    "coverage-employees-exceed-total", "error", "覆盖从业人员数不能大于从业人员总数",
    f"{PLAN} 四、任务分工(五)(投保安责险并覆盖全体从业人员)",
    "同一月份、单位、行业的覆盖从业人员数不能多于应投保企业的从业人员总数。",
    "覆盖从业人员 {employees_covered} 人,多于从业人员总数 {employees_total} 人。请核对两个数字:"
    "从业人员总数是全部应投保企业(含尚未投保的)的从业人员人数。",
    "employees covered {employees_covered} exceed the workforce {employees_total}",
    reads=("coverage",),
)
def employees_exceed_total(frames, policy):
    coverage = frame_with(frames, "coverage", "employees_covered", "employees_total")
    if coverage is not None:
        rows = coverage[coverage["employees_covered"] > coverage["employees_total"]]
        yield Hits("coverage", "employees_covered", rows[["employees_covered", "employees_total"]])


@business(
    "coverage-premium-decreasing", "error", "本年累计保费不能减少",
    "数据包表结构:本年累计保费为当年 1 月至该月的累计数",
    "同一单位、行业在同一年内,后一个月的本年累计保费不能少于前一个月。",
    "本年累计保费 {premium_ytd} 元少于上一个月({previous_period})的 {previous} 元。累计数在同一年内"
    "只增不减,请核对是否误填了当月保费,或上月数字有误。",
    "cumulative premium {premium_ytd} is below {previous} of {previous_period}",
    reads=("coverage",),
)
def premium_decreasing(frames, policy):
    coverage = frame_with(frames, "coverage", "period", "region_code", "industry_code",
                          "premium_ytd")
    if coverage is None:
        return
    data = coverage[["period", "region_code", "industry_code", "premium_ytd"]].dropna()
    data = data.assign(year=period_start(data["period"]).dt.year).sort_values("period",
                                                                             kind="stable")
    groups = data.groupby(["region_code", "industry_code", "year"], sort=False, observed=True)
    data = data.assign(previous=groups["premium_ytd"].shift(),
                       previous_period=groups["period"].shift())
    rows = data[data["premium_ytd"] < data["previous"]].sort_index()
    yield Hits("coverage", "premium_ytd", rows[["premium_ytd", "previous", "previous_period"]])


def period_start(period: pd.Series) -> pd.Series:
    """The first day of each YYYY-MM period (NaT when missing), parsed once per distinct value."""
    codes, uniques = pd.factorize(period)
    starts = pd.to_datetime(pd.Series(uniques, dtype="string") + "-01", format="%Y-%m-%d",
                            errors="coerce")
    values = starts.to_numpy(dtype="datetime64[ns]", na_value=np.datetime64("NaT"))
    values = np.append(values, np.datetime64("NaT"))[codes]  # code -1 (missing) picks the NaT
    return pd.Series(values, index=period.index)


@business(
    "coverage-short-after-due", "warning", "截止日期已到仍未全覆盖",
    f"{PLAN} 三、工作目标;五、实施步骤",
    "各单位各行业最新月份的覆盖率,在行业全覆盖截止日期当月及以后仍低于目标(policy.yaml 的 "
    "coverage_target)时提示:截止当日的数据即为截止时的情况。",
    "截至 {period},{region}{industry}已投保 {units_insured} 家、应投保 {units_required} 家,覆盖率 "
    "{rate}%,低于目标 {target}%;该行业全覆盖截止日期 {due_date} 已到期。",
    "{period}: {region} {industry} is at {rate}% on or after the due date {due_date}",
    reads=("coverage", "industries", "regions"),
)
def short_after_due(frames, policy):
    coverage = frame_with(frames, "coverage", "period", "region_code", "industry_code",
                          "units_insured", "units_required")
    industries = frame_with(frames, "industries", "code", "name", "due_date")
    if coverage is None or industries is None:
        return
    data = coverage.dropna(subset=["period", "region_code", "industry_code"])
    data = data.sort_values("period", kind="stable")
    latest = data[~data.duplicated(["region_code", "industry_code"], keep="last")]
    due = industries.drop_duplicates("code").astype({"code": "string"}).set_index("code")
    if due.empty:  # every industry row was rejected; mapping onto an empty table would fail
        return
    regions = frame_with(frames, "regions", "code", "name")
    names = regions.drop_duplicates("code").astype({"code": "string"}).set_index("code")["name"] \
        if regions is not None \
        else pd.Series(dtype="string")
    industry_code = latest["industry_code"].astype("string")
    region_code = latest["region_code"].astype("string")
    latest = latest.assign(
        due_date=industry_code.map(due["due_date"]),
        industry=industry_code.map(due["name"]),
        region=region_code.map(names).astype("string").fillna(region_code),
        rate=(latest["units_insured"] / latest["units_required"] * 100).round(1),
        target=policy.coverage_target * 100,
    )
    month_end = period_start(latest["period"]) + pd.offsets.MonthEnd(0)
    short = policy.overdue(latest["due_date"], month_end, latest["units_insured"],
                           latest["units_required"])
    rows = latest[short].sort_index()
    yield Hits("coverage", "units_insured", rows[[
        "period", "region", "industry", "units_insured", "units_required", "rate", "target",
        "due_date"]])


@business(
    "coverage-death-limit-low", "warning", "死亡伤残限额低于规定下限",
    "应急〔2025〕27号《安全生产责任保险实施办法》第十五条;安监总办〔2017〕140号",
    "最低每人死亡伤残限额低于该月适用的下限(policy.yaml 的 death_limit;新规定施行前签发的保单"
    "可能仍在有效期内,故为警告)。",
    "最低每人死亡伤残限额 {min_death_limit} 元,低于 {period} 适用的下限 {required} 元。"
    "请督促相关保单续保时提高限额,或核对数字。",
    "minimum death limit {min_death_limit} is below {required} required in {period}",
    reads=("coverage",),
)
def death_limit_low(frames, policy):
    coverage = frame_with(frames, "coverage", "period", "min_death_limit")
    if coverage is None:
        return
    data = coverage[["period", "min_death_limit"]].dropna()
    start = period_start(data["period"])
    steps = np.array([np.datetime64(day, "ns") for day, _ in policy.death_limit_steps])
    values = np.array([np.nan] + [value for _, value in policy.death_limit_steps])
    index = np.searchsorted(steps, start.to_numpy(dtype="datetime64[ns]"), side="right")
    data = data.assign(required=values[index])
    rows = data[data["min_death_limit"] < data["required"]]
    yield Hits("coverage", "min_death_limit", rows[["min_death_limit", "period", "required"]])
