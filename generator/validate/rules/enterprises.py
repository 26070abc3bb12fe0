"""Roster rules: the enterprise list agrees with coverage, and its policy periods are in order."""

from __future__ import annotations

import pandas as pd

from generator.validate.rules.base import PLAN, Hits, business
from generator.validate.rules.coverage import period_start
from generator.validate.rules.frames import frame_with

CELL = ["region_code", "industry_code"]


def _names(frames, resource: str) -> dict[str, str]:
    table = frame_with(frames, resource, "code", "name")
    return {} if table is None else dict(zip(table["code"].astype(str),
                                             table["name"].astype(str), strict=True))


@business(
    "roster-counts-match-coverage", "error", "应投保企业名单的家数与投保进展不一致",
    f"{PLAN} 四、(一) 全面准确掌握应投保企业基本情况",
    "每个县区、每个行业,名单中的企业家数和已投保家数必须等于投保进展在名单最近核查月份(通常即最近"
    "一个月)的应投保企业数和已投保企业数。",
    "{region_name}{industry_name}:投保进展 {period} 应投保 {units_required} 家、已投保 "
    "{units_insured} 家,应投保企业名单有 {listed} 家、其中已投保 {listed_insured} 家。"
    "请补齐或删去名单中的企业,或更正投保进展的数字。",
    "{region_code} {industry_code}: coverage {period} has {units_required} required and "
    "{units_insured} insured, the roster {listed} and {listed_insured}",
    reads=("enterprises", "coverage", "regions", "industries"),
)
def roster_counts(frames, policy):
    roster = frame_with(frames, "enterprises", *CELL, "insured", "last_checked")
    coverage = frame_with(frames, "coverage", "period", *CELL, "units_required", "units_insured")
    if roster is None or coverage is None or roster["last_checked"].dropna().empty:
        return
    # the roster is as of its latest check: coverage may already report a later month
    period = str(roster["last_checked"].dropna().astype(str).max())
    latest = coverage[coverage["period"].astype(str) == period][
        [*CELL, "units_required", "units_insured"]].astype({c: str for c in CELL})
    latest = latest.reset_index().rename(columns={"index": "position"})
    # an insured cell Frictionless rejected is unknown: its cell's insured count is not compared
    insured = roster["insured"]
    listed = roster[CELL].astype(str).assign(insured=insured.eq("是").fillna(False).astype(int),
                                             unknown=insured.isna().astype(int))
    counts = listed.reset_index().groupby(CELL).agg(
        listed=("insured", "size"), listed_insured=("insured", "sum"), unknown=("unknown", "sum"),
        first=("index", "min"))
    cells = latest.merge(counts.reset_index(), on=CELL, how="outer")
    numbers = ["units_required", "units_insured", "listed", "listed_insured", "unknown"]
    cells[numbers] = cells[numbers].fillna(0).astype(int)
    wrong = cells[(cells["units_required"] != cells["listed"])
                  | ((cells["units_insured"] != cells["listed_insured"]) & (cells["unknown"] == 0))]
    regions, industries = _names(frames, "regions"), _names(frames, "industries")
    wrong = wrong.assign(
        period=period,
        region_name=wrong["region_code"].map(lambda c: regions.get(c, c)),
        industry_name=wrong["industry_code"].map(lambda c: industries.get(c, c)))
    columns = ["region_code", "industry_code", "region_name", "industry_name", "period",
               "units_required", "units_insured", "listed", "listed_insured"]
    in_coverage = wrong[wrong["position"].notna()]
    yield Hits("coverage", "units_required",
               in_coverage.set_index(in_coverage["position"].astype(int))[columns])
    only_listed = wrong[wrong["position"].isna()]
    yield Hits("enterprises", "region_code",
               only_listed.set_index(only_listed["first"].astype(int))[columns])


@business(
    "roster-policy-dates-order", "error", "保险止期不晚于起期",
    "数据包表结构:保险期间从起期到止期",
    "名单中保险止期必须晚于保险起期。",
    "保险止期 {policy_end} 不晚于起期 {policy_start}。请对照保单核对两个日期。",
    "policy end {policy_end} is not after its start {policy_start}",
    reads=("enterprises",),
)
def policy_dates_order(frames, policy):
    roster = frame_with(frames, "enterprises", "policy_start", "policy_end")
    if roster is not None:
        rows = roster[roster["policy_end"] <= roster["policy_start"]]
        yield Hits("enterprises", "policy_end", rows[["policy_start", "policy_end"]].apply(
            lambda column: column.dt.strftime("%Y-%m-%d")))


@business(
    "roster-policy-lapsed", "warning", "已投保企业的保单在核查时已到期",
    f"{PLAN} 四、(二) 严格落实投保要求(保单到期应及时续保)",
    "标为已投保的企业,保险止期早于最近核查月份的,可能已脱保。",
    "标为已投保,但保险止期 {policy_end} 早于最近核查月份 {last_checked}。请核实是否已续保,"
    "续保后更新保险期间;未续保的改为未投保。",
    "insured, but the policy ended {policy_end} before the last check {last_checked}",
    reads=("enterprises",),
)
def policy_lapsed(frames, policy):
    roster = frame_with(frames, "enterprises", "insured", "policy_end", "last_checked")
    if roster is None:
        return
    checked = period_start(roster["last_checked"])
    rows = roster[(roster["insured"] == "是") & (roster["policy_end"] < checked)]
    yield Hits("enterprises", "policy_end", pd.DataFrame({
        "policy_end": rows["policy_end"].dt.strftime("%Y-%m-%d"),
        "last_checked": rows["last_checked"].astype(str)}, index=rows.index))
