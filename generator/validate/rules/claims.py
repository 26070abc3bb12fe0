"""Claims rules: settled within reported, and the insurance law's time limits."""

from __future__ import annotations

from generator.validate.rules.base import Hits, business
from generator.validate.rules.frames import frame_with

LAW = "《中华人民共和国保险法》第二十三条"


@business(
    "claims-settled-exceeds-reported", "error", "累计结案件数不能大于累计报案件数",
    "理赔统计口径:先报案后结案",
    "同一保险机构、行业按季度累计的结案件数不能多于累计报案件数(在第一次超出的季度提示)。",
    "截至本季度累计结案 {settled_total} 件,多于累计报案 {reported_total} 件。请核对本季度及以前"
    "季度的报案件数和结案件数。",
    "cumulative settled {settled_total} exceed cumulative reported {reported_total}",
    reads=("claims",),
)
def settled_exceeds_reported(frames, policy):
    claims = frame_with(frames, "claims", "period", "insurer_code", "industry_code",
                        "claims_reported", "claims_settled")
    if claims is None:
        return
    data = claims.dropna(subset=["period", "insurer_code", "industry_code", "claims_reported",
                                 "claims_settled"]).sort_values("period", kind="stable")
    groups = data.groupby(["insurer_code", "industry_code"], sort=False, observed=True)
    data = data.assign(reported_total=groups["claims_reported"].cumsum(),
                       settled_total=groups["claims_settled"].cumsum())
    over = data["settled_total"] > data["reported_total"]
    keys = [data["insurer_code"], data["industry_code"]]
    first = over & (over.groupby(keys, observed=True).cumsum() == 1)
    rows = data[first].sort_index()
    yield Hits("claims", "claims_settled", rows[["settled_total", "reported_total"]])


@business(
    "claims-days-to-decide", "warning", "平均核定天数超过法定时限", LAW,
    "平均核定天数超过 policy.yaml 的 claim_days.decide_within(保险法:情形复杂的 30 日内核定)。",
    "平均核定天数 {avg_days_to_decide} 天,超过保险法规定的 {limit} 天。"
    "请核实原因并督促保险机构及时核定。",
    "average days to decide {avg_days_to_decide} exceed {limit}",
    reads=("claims",),
)
def days_to_decide(frames, policy):
    claims = frame_with(frames, "claims", "avg_days_to_decide")
    if claims is not None:
        rows = claims[claims["avg_days_to_decide"] > policy.decide_within]
        yield Hits("claims", "avg_days_to_decide",
                   rows[["avg_days_to_decide"]].assign(limit=policy.decide_within))


@business(
    "claims-days-to-pay", "warning", "平均支付天数超过法定时限", LAW,
    "平均支付天数超过 policy.yaml 的 claim_days.pay_within(保险法:达成协议后 10 日内支付)。",
    "平均支付天数 {avg_days_to_pay} 天,超过保险法规定的 {limit} 天。"
    "请核实原因并督促保险机构及时支付。",
    "average days to pay {avg_days_to_pay} exceed {limit}",
    reads=("claims",),
)
def days_to_pay(frames, policy):
    claims = frame_with(frames, "claims", "avg_days_to_pay")
    if claims is not None:
        rows = claims[claims["avg_days_to_pay"] > policy.pay_within]
        yield Hits("claims", "avg_days_to_pay",
                   rows[["avg_days_to_pay"]].assign(limit=policy.pay_within))


@business(
    "claims-days-missing", "error", "有结案时平均天数不能为空",
    "理赔统计口径:平均天数按本期结案的案件计算,没有结案时不存在平均数",
    "平均核定天数和平均支付天数只在本期没有结案(结案件数为 0)时留空;有结案时必须填写。",
    "本期结案 {claims_settled} 件,{title}不能为空。请填写{title};只有结案件数为 0 时才留空。",
    "{claims_settled} claims settled but {column} is empty",
    reads=("claims",),
)
def days_missing(frames, policy):
    claims = frame_with(frames, "claims", "claims_settled", "avg_days_to_decide",
                        "avg_days_to_pay")
    if claims is None:
        return
    titles = {f["name"]: f.get("title", f["name"]) for f in frames.fields["claims"]}
    for column in ("avg_days_to_decide", "avg_days_to_pay"):
        rows = claims[(claims["claims_settled"] > 0) & claims[column].isna()]
        yield Hits("claims", column, rows[["claims_settled"]].assign(
            title=titles.get(column, column), column=column))
