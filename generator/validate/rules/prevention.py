"""Accident-prevention rules: spending cap and hazards rectified."""

from __future__ import annotations

from generator.validate.rules.base import Hits, business
from generator.validate.rules.frames import frame_with


@business(
    "prevention-spending-over-cap", "error", "事故预防费用超过上限",
    "应急〔2025〕27号《安全生产责任保险实施办法》;应急厅函〔2024〕322号",
    "事故预防费用支出不能超过当年实收保费乘以上限比例(policy.yaml 的 prevention_cap)。",
    "事故预防费用支出 {prevention_spending} 元超过上限 {cap_amount} 元(实收保费 {premium_collected}"
    " 元的 {cap_percent}%)。请核对支出和实收保费;超出部分不能列支为事故预防费用。",
    "prevention spending {prevention_spending} exceeds the cap {cap_amount} "
    "({cap_percent}% of {premium_collected})",
    reads=("prevention",),
)
def spending_over_cap(frames, policy):
    prevention = frame_with(frames, "prevention", "prevention_spending", "premium_collected")
    if prevention is None:
        return
    cap = (prevention["premium_collected"] * policy.prevention_cap).round(2)
    rows = prevention.assign(cap_amount=cap, cap_percent=policy.prevention_cap * 100)
    rows = rows[rows["prevention_spending"] > cap + 0.005]
    yield Hits("prevention", "prevention_spending",
               rows[["prevention_spending", "cap_amount", "premium_collected", "cap_percent"]])


@business(
    "prevention-rectified-exceeds-found", "error", "已整改隐患数不能大于发现隐患数",
    "AQ 9010-2019《安全生产责任保险事故预防技术服务规范》(隐患书面告知与整改)",
    "同一年度同一保险机构的已整改隐患数不能多于发现隐患数。",
    "已整改隐患数 {hazards_rectified} 大于发现隐患数 {hazards_found}。请核对两个数字。",
    "hazards rectified {hazards_rectified} exceed hazards found {hazards_found}",
    reads=("prevention",),
)
def rectified_exceeds_found(frames, policy):
    prevention = frame_with(frames, "prevention", "hazards_rectified", "hazards_found")
    if prevention is not None:
        rows = prevention[prevention["hazards_rectified"] > prevention["hazards_found"]]
        yield Hits("prevention", "hazards_rectified",
                   rows[["hazards_rectified", "hazards_found"]])


@business(
    "prevention-spending-under-floor", "warning", "事故预防费用支出低于预算的执行下限",
    "实施方案:事故预防费用足额投入;下限为本地设定(policy.yaml 的 prevention_floor)",
    "事故预防费用支出占当年预算的比例低于 policy.yaml 的 prevention_floor 时提示。",
    "事故预防费用支出 {prevention_spending} 元,仅为预算 {prevention_budget} 元的 {share}%,"
    "低于执行下限 {floor_percent}%。请核实是否足额投入事故预防服务。",
    "prevention spending {prevention_spending} is {share}% of the budget {prevention_budget}, "
    "below the floor of {floor_percent}%",
    reads=("prevention",),
)
def spending_under_floor(frames, policy):
    prevention = frame_with(frames, "prevention", "prevention_spending", "prevention_budget")
    if prevention is None:
        return
    share = (prevention["prevention_spending"] / prevention["prevention_budget"] * 100).round(1)
    rows = prevention.assign(share=share, floor_percent=round(policy.prevention_floor * 100, 1))
    rows = rows[rows["prevention_spending"] < rows["prevention_budget"] * policy.prevention_floor]
    yield Hits("prevention", "prevention_spending",
               rows[["prevention_spending", "prevention_budget", "share", "floor_percent"]])
