"""Chart specs of the insurers' side: assessment scores, prevention services and claims (moved
out of `specs`, which holds the `Chart` type, its helpers and the coverage charts)."""

from __future__ import annotations

from generator.package.policy import Policy
from generator.site import filters
from generator.site.charts.specs import PALETTE, Chart, Table, _extreme, _num, _pct, _points


def score_ranking(name: str, table, colour_of: dict, round_: str, policy: Policy) -> Chart:
    """One round's total scores, best first, against the policy's pass mark."""
    failing = int(policy.failing(table["grade"]).fillna(False).sum())
    pass_mark = policy.pass_mark
    names, scores = list(table["short_name"]), list(table["total_score"])
    alt = (f"{filters.period_zh(round_)}评估中"
           + _extreme(names, scores, _points, "最高", "家机构", "得分", name_first=True) + ","
           + _extreme(names, scores, _points, "最低", "家机构", name_first=True)
           + f",{failing}家{policy.failing_grade}。")
    data = {"labels": list(table["short_name"]), "values": [_num(v) for v in table["total_score"]],
            "colors": [colour_of[c] for c in table["insurer_code"]], "percent": False,
            "value_labels": [filters.number(v, 1) for v in table["total_score"]],
            "ref": pass_mark, "ref_label": "合格线", "xlabel": "总分", "xmax": 100}
    headers = ("排名", "保险机构", "总分", "等级", "服务完成率")
    body = tuple(
        (str(r["rank"]), r["short_name"], filters.number(r["total_score"], 1), r["grade"],
         _pct(r["delivery_rate"]))
        for _, r in table.iterrows()
    )
    title = f"{filters.period_zh(round_)}各保险机构评估总分"
    return Chart(name, "hbar", data, alt, Table(headers, body), title=title)


def dimension_scores(name: str, dims, colour: str, round_: str, insurer: str) -> Chart:
    """One insurer's dimension scores in one round."""
    names, scores = list(dims["dimension_name"]), list(dims["score"])
    alt = (f"{insurer}{filters.period_zh(round_)}评估中"
           + _extreme(names, scores, _points, "最高", "个维度", "得分", name_first=True) + ","
           + _extreme(names, scores, _points, "最低", "个维度", name_first=True) + "。")
    data = {"labels": list(dims["dimension_name"]), "values": [_num(v) for v in dims["score"]],
            "colors": [colour] * len(dims), "percent": False, "ref": None, "xlabel": "维度得分",
            "xmax": 100,
            "value_labels": [filters.number(v, 1) for v in dims["score"]]}
    headers = ("评估维度", "权重", "得分", "加权得分")
    body = tuple(
        (r["dimension_name"], filters.number(r["weight"], 0), filters.number(r["score"], 1),
         filters.number(r["points"], 1))
        for _, r in dims.iterrows()
    )
    title = f"{insurer}{filters.period_zh(round_)}各评估维度得分"
    return Chart(name, "hbar", data, alt, Table(headers, body), title=title)


def services_delivery(name: str, history, subject: str) -> Chart:
    """Services contracted vs delivered per round for one insurer."""
    last = history.iloc[-1]
    alt = (f"{subject}{filters.period_zh(last['round'])}合同约定服务"
           f"{filters.number(last['services_contracted'])}次,实际提供"
           f"{filters.number(last['services_delivered'])}次,完成率{_pct(last['delivery_rate'])}。")
    data = {"labels": [filters.period_zh(r) for r in history["round"]], "xlabel": "服务次数",
            "series": [
                {"label": "合同约定", "color": PALETTE[4],
                 "values": [int(v) for v in history["services_contracted"]],
                 "value_labels": [filters.number(v) for v in history["services_contracted"]]},
                {"label": "实际提供", "color": PALETTE[0],
                 "values": [int(v) for v in history["services_delivered"]],
                 "value_labels": [filters.number(v) for v in history["services_delivered"]]}]}
    headers = ("评估轮次", "合同约定服务次数", "实际提供服务次数", "完成率")
    body = tuple(
        (filters.period_zh(r["round"]), filters.number(r["services_contracted"]),
         filters.number(r["services_delivered"]), _pct(r["delivery_rate"]))
        for _, r in history.iterrows()
    )
    title = f"{subject}各轮事故预防服务次数:合同约定与实际提供"
    return Chart(name, "grouped", data, alt, Table(headers, body), title=title)


def prevention_share(name: str, rows, colour_of: dict, year: int, cap: float) -> Chart:
    """Prevention spending as a share of premium collected per insurer, against the cap."""
    over = rows[rows["over_cap"]]
    verdict = (f"{len(over)}家超过{_pct(cap)}的上限:" + "、".join(over["short_name"])
               if len(over) else f"均未超过{_pct(cap)}的上限")
    alt = f"{year}年{len(rows)}家保险机构的事故预防费用支出占实收保费的比例{verdict}。"
    data = {"labels": list(rows["short_name"]), "values": [_num(v) for v in rows["spending_share"]],
            "colors": [colour_of[c] for c in rows["insurer_code"]], "percent": True,
            "value_labels": [_pct(v) for v in rows["spending_share"]], "full_scale": False,
            "ref": cap, "ref_label": "上限", "xlabel": "事故预防费用支出 / 实收保费"}
    headers = ("保险机构", "实收保费(万元)", "预防费用支出(万元)", "占比", "上限金额(万元)")
    body = tuple(
        (r["short_name"], filters.wan(r["premium_collected"]),
         filters.wan(r["prevention_spending"]), _pct(r["spending_share"]),
         filters.wan(r["cap_amount"]))
        for _, r in rows.iterrows()
    )
    title = f"{year}年各保险机构事故预防费用占实收保费的比例"
    return Chart(name, "hbar", data, alt, Table(headers, body), title=title)


def hazards(name: str, rows, year: int) -> Chart:
    """Hazards found vs rectified per insurer in one year."""
    found, fixed = int(rows["hazards_found"].sum()), int(rows["hazards_rectified"].sum())
    alt = (f"{year}年共发现隐患{filters.number(found)}项,已整改{filters.number(fixed)}项"
           f"({_pct(fixed / found if found else float('nan'))});"
           + _extreme(list(rows["short_name"]), list(rows["rectified_rate"]), _pct, "最低",
                      "家机构", "整改率") + "。")
    data = {"labels": list(rows["short_name"]), "xlabel": "隐患数(项)", "series": [
        {"label": "发现隐患", "color": PALETTE[1],
         "values": [int(v) for v in rows["hazards_found"]],
         "value_labels": [filters.number(v) for v in rows["hazards_found"]]},
        {"label": "已整改", "color": PALETTE[2],
         "values": [int(v) for v in rows["hazards_rectified"]],
         "value_labels": [filters.number(v) for v in rows["hazards_rectified"]]}]}
    headers = ("保险机构", "服务企业数", "服务次数", "发现隐患", "已整改", "整改率")
    body = tuple(
        (r["short_name"], filters.number(r["units_served"]),
         filters.number(r["services_delivered"]), filters.number(r["hazards_found"]),
         filters.number(r["hazards_rectified"]),
         _pct(r["rectified_rate"]))
        for _, r in rows.iterrows()
    )
    title = f"{year}年各保险机构发现隐患与已整改数"
    return Chart(name, "grouped", data, alt, Table(headers, body), title=title)


def claims_paid(name: str, by_period) -> Chart:
    """Amount paid and advance payments per quarter."""
    periods = list(by_period.index)
    last = by_period.iloc[-1]
    alt = (f"{filters.period_zh(periods[-1])}赔付{filters.wan_yuan(last['amount_paid'])},"
           f"先行垫付{filters.number(last['advance_payments'])}件"
           f"{filters.wan_yuan(last['advance_amount'])};"
           f"{len(periods)}个季度累计赔付{filters.wan_yuan(by_period['amount_paid'].sum())}。")
    data = {"labels": [filters.period_zh(p) for p in periods], "xlabel": "金额(万元)", "series": [
        {"label": "赔付金额", "color": PALETTE[0],
         "values": [_num(v / 10_000) for v in by_period["amount_paid"]],
         "value_labels": [filters.wan(v, 1) for v in by_period["amount_paid"]]},
        {"label": "先行垫付金额", "color": PALETTE[1],
         "values": [_num(v / 10_000) for v in by_period["advance_amount"]],
         "value_labels": [filters.wan(v, 1) for v in by_period["advance_amount"]]}]}
    headers = ("统计季度", "报案件数", "结案件数", "赔付金额(万元)", "先行垫付件数",
               "先行垫付金额(万元)", "平均核定天数", "平均支付天数")
    body = tuple(
        (filters.period_zh(p), filters.number(r["claims_reported"]),
         filters.number(r["claims_settled"]), filters.wan(r["amount_paid"]),
         filters.number(r["advance_payments"]), filters.wan(r["advance_amount"]),
         filters.number(r["avg_days_to_decide"], 1), filters.number(r["avg_days_to_pay"], 1))
        for p, r in by_period.iterrows()
    )
    title = "各季度赔付金额与先行垫付金额(万元)"
    return Chart(name, "grouped", data, alt, Table(headers, body), title=title)
