"""Rules of the insurers' supervision (保险机构监管) and their published commitments (公开承诺):
corrected within found, remedied within undelivered, a fine only with a case, and commitments no
weaker than the insurance law."""

from __future__ import annotations

import numpy as np

from generator.validate.rules.base import PLAN as PLAN_TITLE
from generator.validate.rules.base import Hits, business
from generator.validate.rules.frames import frame_with

PLAN = f"{PLAN_TITLE} 四、任务分工(三)加强从业行为监管"
PROMISE = f"{PLAN_TITLE} 四、任务分工(一)公开承诺责任制;"
LAW = "《中华人民共和国保险法》第二十三条"


def _within(part: str, whole: str):
    """A check: rows of insurer_supervision where column `part` exceeds column `whole`."""
    def check(frames, policy):
        supervision = frame_with(frames, "insurer_supervision", part, whole)
        if supervision is not None:
            rows = supervision[supervision[part] > supervision[whole]]
            yield Hits("insurer_supervision", part, rows[[part, whole]])
    return check


business(
    "supervision-corrected-exceeds-found", "error", "已整改问题数不能大于发现违规问题数", PLAN,
    "同一季度同一保险机构的已整改问题数不能多于发现违规问题数。",
    "已整改问题 {violations_corrected} 个,多于发现违规问题 {violations_found} 个。请核对两个数字。",
    "violations corrected {violations_corrected} exceed violations found {violations_found}",
    reads=("insurer_supervision",),
)(_within("violations_corrected", "violations_found"))

business(
    "supervision-remedied-exceeds-undelivered", "error", "已补正服务数不能大于未按合同提供服务数",
    PLAN,
    "同一季度同一保险机构的已补正服务数不能多于未按合同提供服务数。",
    "已补正服务 {services_remedied} 家,多于未按合同提供服务 {services_undelivered} 家。"
    "请核对两个数字。",
    "services remedied {services_remedied} exceed services undelivered {services_undelivered}",
    reads=("insurer_supervision",),
)(_within("services_remedied", "services_undelivered"))


@business(
    "supervision-fine-without-case", "error", "有罚款金额但没有行政处罚案件", PLAN,
    "同一季度同一保险机构的罚款金额大于 0 时,行政处罚案件数不能为 0。",
    "罚款金额 {penalty_amount} 元,但行政处罚案件数为 0。请填写案件数,或把罚款金额改为 0。",
    "penalty amount {penalty_amount} with no penalty case",
    reads=("insurer_supervision",),
)
def fine_without_case(frames, policy):
    supervision = frame_with(frames, "insurer_supervision", "penalty_amount", "penalty_cases")
    if supervision is not None:
        rows = supervision[(supervision["penalty_amount"] > 0)
                           & (supervision["penalty_cases"] == 0)]
        yield Hits("insurer_supervision", "penalty_amount", rows[["penalty_amount"]])


def _over_law(column: str, limit: str):
    """A check: commitments whose `column` (days) is longer than the policy's `limit`."""
    def check(frames, policy):
        commitments = frame_with(frames, "commitments", column)
        if commitments is not None:
            days = getattr(policy, limit)
            rows = commitments[commitments[column] > days]
            yield Hits("commitments", column, rows[[column]].assign(limit=f"{days:g}"))
    return check


business(
    "commitment-decide-days-over-law", "error", "承诺核定时限长于法定时限", PROMISE + LAW,
    "承诺核定时限不能长于 policy.yaml 的 claim_days.decide_within(保险法:30 日内核定)。",
    "承诺核定时限 {decide_days} 日,长于保险法规定的 {limit} 日。公开承诺不能低于法定要求,"
    "请核对。",
    "promised days to decide {decide_days} exceed the legal {limit}",
    reads=("commitments",),
)(_over_law("decide_days", "decide_within"))

business(
    "commitment-pay-days-over-law", "error", "承诺支付时限长于法定时限", PROMISE + LAW,
    "承诺支付时限不能长于 policy.yaml 的 claim_days.pay_within(保险法:达成协议后 10 日内支付)。",
    "承诺支付时限 {pay_days} 日,长于保险法规定的 {limit} 日。公开承诺不能低于法定要求,请核对。",
    "promised days to pay {pay_days} exceed the legal {limit}",
    reads=("commitments",),
)(_over_law("pay_days", "pay_within"))


@business(
    "commitment-missing", "warning", "承保行业没有公开承诺", PROMISE.rstrip(";"),
    "保险机构在某行业有理赔记录,却没有该行业的公开承诺时提示(在该机构该行业的第一条理赔记录处)。",
    "该保险机构在此行业有理赔记录,但 commitments 表中没有它在此行业的公开承诺。"
    "请补充承诺,或核对保险机构代码和行业代码。",
    "claims of an insurer in an industry without a published commitment",
    reads=("claims", "commitments"),
)
def commitment_missing(frames, policy):
    claims = frame_with(frames, "claims", "insurer_code", "industry_code")
    commitments = frame_with(frames, "commitments", "insurer_code", "industry_code")
    if claims is None or commitments is None:
        return
    keys = ["insurer_code", "industry_code"]
    promised = set(commitments[keys].dropna().astype(str).itertuples(index=False, name=None))
    pairs = claims[keys].dropna().astype(str)
    missing = [pair not in promised for pair in pairs.itertuples(index=False, name=None)]
    first = pairs[np.array(missing, dtype=bool) & ~pairs.duplicated().to_numpy()]
    yield Hits("claims", "industry_code", claims.loc[first.index, []])
