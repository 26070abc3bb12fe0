"""Reference-table rules: USCC check character (also of the roster), milestone dates."""

from __future__ import annotations

from generator.package import uscc
from generator.validate.rules.base import PLAN, Hits, business
from generator.validate.rules.frames import frame_with


@business(
    "uscc-check-digit", "error", "统一社会信用代码校验码错误",
    "GB 32100-2015《法人和其他组织统一社会信用代码编码规则》",
    "保险机构、评估机构和应投保企业的统一社会信用代码末位校验码必须正确。",
    "统一社会信用代码 {uscc} 的校验码(第 18 位)不对,按前 17 位应为 {expected}。"
    "请对照营业执照核对。",
    "USCC {uscc}: the check character should be {expected}",
    reads=("insurers", "assessors", "enterprises"),
)
def uscc_check(frames, policy):
    for resource in ("insurers", "assessors", "enterprises"):
        table = frame_with(frames, resource, "uscc")
        if table is None:
            continue
        codes = table["uscc"].dropna()
        valid = uscc.valid_codes(codes.astype(str).tolist())
        rows = codes[~valid].to_frame()
        rows = rows.assign(expected=rows["uscc"].str[:17].map(uscc.check_char))
        yield Hits(resource, "uscc", rows)


@business(
    "milestone-dates-order", "error", "步骤开始日期晚于完成时限",
    f"{PLAN} 五、实施步骤",
    "每个实施步骤的开始日期不能晚于完成时限。",
    "开始日期 {start_date} 晚于完成时限 {due_date}。请核对两个日期。",
    "start {start_date} is after the due date {due_date}",
    reads=("milestones",),
)
def milestone_order(frames, policy):
    milestones = frame_with(frames, "milestones", "start_date", "due_date")
    if milestones is not None:
        rows = milestones[milestones["start_date"] > milestones["due_date"]]
        yield Hits("milestones", "start_date", rows[["start_date", "due_date"]])
