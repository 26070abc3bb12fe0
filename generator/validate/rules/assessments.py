"""Assessment rules: grade bands, rectification, dates, services, weights and totals."""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.validate.rules.base import PLAN, Hits, business
from generator.validate.rules.frames import frame_with

SOURCE = f"{PLAN}(第三方评估并向社会公示)"
TOLERANCE = 0.05 + 1e-9  # rounding of scores typed with one decimal (float error allowed)


def expected_grade(score: pd.Series, bands) -> pd.Series:
    """The grade of each score under `bands` ((grade, lowest score), best first)."""
    conditions = [score >= low for _, low in bands]
    return pd.Series(np.select(conditions, [g for g, _ in bands], default=""), index=score.index)


@business(
    "assessment-grade-band", "error", "等级与总分不符",
    "policy.yaml 的 score_bands(评估等级分数段)",
    "等级必须与总分所在的分数段一致。",
    "总分 {total_score} 对应的等级应为“{expected}”,现填“{grade}”。等级按 policy.yaml 的分数段确定:"
    "{bands}。",
    "score {total_score} means grade {expected}, not {grade}",
    reads=("assessments",),
)
def grade_band(frames, policy):
    assessments = frame_with(frames, "assessments", "total_score", "grade")
    if assessments is None:
        return
    data = assessments.dropna(subset=["total_score", "grade"])
    bands = ",".join(f"{g} ≥ {low:g}" for g, low in policy.score_bands)
    data = data.assign(expected=expected_grade(data["total_score"], policy.score_bands),
                       bands=bands)
    rows = data[data["grade"] != data["expected"]]
    yield Hits("assessments", "grade", rows[["total_score", "expected", "grade", "bands"]])


@business(
    "assessment-rectification-missing", "error", "不合格缺少整改期限", SOURCE,
    "等级为最低一档(不合格)时必须填写整改期限。",
    "等级为“{grade}”,必须填写整改期限(格式 YYYY-MM-DD)。",
    "grade {grade} needs a rectification due date",
    reads=("assessments",),
)
def rectification_missing(frames, policy):
    assessments = frame_with(frames, "assessments", "grade", "rectification_due")
    if assessments is not None:
        rows = assessments[(assessments["grade"] == policy.failing_grade).fillna(False)
                           & assessments["rectification_due"].isna()]
        yield Hits("assessments", "rectification_due", rows[["grade"]])


@business(
    "assessment-dates-order", "error", "评估、通报、公示日期顺序不对", SOURCE,
    "评估完成日期 ≤ 通报日期 ≤ 公示日期。",
    "日期顺序不对:评估完成 {assessed_date}、通报 {reported_date}、公示 {published_date};"
    "应为评估完成 ≤ 通报 ≤ 公示。请核对{wrong}。",
    "dates out of order: assessed {assessed_date}, reported {reported_date}, "
    "published {published_date}",
    reads=("assessments",),
)
def dates_order(frames, policy):
    assessments = frame_with(frames, "assessments", "assessed_date", "reported_date",
                             "published_date")
    if assessments is None:
        return
    data = assessments[["assessed_date", "reported_date", "published_date"]]
    early_report = data["reported_date"] < data["assessed_date"]
    early_publish = (data["published_date"] < data["reported_date"]) & ~early_report
    yield Hits("assessments", "reported_date", data[early_report].assign(wrong="通报日期"))
    yield Hits("assessments", "published_date", data[early_publish].assign(wrong="公示日期"))


@business(
    "assessment-services-short", "warning", "实际服务次数少于合同约定",
    "AQ 9010-2019《安全生产责任保险事故预防技术服务规范》(服务频次由合同约定)",
    "评估核实的实际提供服务次数少于合同约定的次数时提示。",
    "实际提供服务 {services_delivered} 次,少于合同约定的 {services_contracted} 次。",
    "{services_delivered} services delivered of {services_contracted} contracted",
    reads=("assessments",),
)
def services_short(frames, policy):
    assessments = frame_with(frames, "assessments", "services_delivered", "services_contracted")
    if assessments is not None:
        rows = assessments[assessments["services_delivered"] < assessments["services_contracted"]]
        yield Hits("assessments", "services_delivered",
                   rows[["services_delivered", "services_contracted"]])


def _score_groups(scores: pd.DataFrame) -> pd.DataFrame:
    """Per round × insurer: first row position, weight sum, weighted total, any value missing."""
    data = scores.assign(position=scores.index, product=scores["weight"] * scores["score"] / 100,
                         missing=scores[["weight", "score"]].isna().any(axis=1))
    return data.groupby(["round", "insurer_code"], sort=False, observed=True).agg(
        position=("position", "min"), weight_sum=("weight", "sum"),
        weighted=("product", "sum"), missing=("missing", "any")).reset_index()


@business(
    "assessment-weights-sum", "error", "维度权重之和不等于 100", SOURCE,
    "同一轮次同一保险机构各评估维度的权重之和必须为 100(允许 0.05 的舍入误差)。",
    "{round} {insurer_code} 各维度权重之和为 {weight_sum},应为 100。"
    "请核对本机构本轮次各维度的权重。",
    "weights of {round} {insurer_code} sum to {weight_sum}, not 100",
    reads=("assessment_scores",),
)
def weights_sum(frames, policy):
    scores = frame_with(frames, "assessment_scores", "round", "insurer_code", "weight", "score")
    if scores is None:
        return
    groups = _score_groups(scores.dropna(subset=["round", "insurer_code"]))
    bad = groups[~groups["missing"] & ((groups["weight_sum"] - 100).abs() > TOLERANCE)]
    rows = bad.set_index("position")[["round", "insurer_code", "weight_sum"]].sort_index()
    yield Hits("assessment_scores", "weight", rows)


@business(
    "assessment-weighted-total", "error", "总分与维度得分加权和不符", SOURCE,
    "总分必须等于各维度得分按权重的加权和(允许 0.05 的舍入误差)。",
    "总分 {total_score} 与各维度得分的加权和 {weighted} 不一致(见 assessment_scores.csv)。"
    "请核对总分或维度得分。",
    "total {total_score} differs from the weighted sum {weighted} of the dimension scores",
    reads=("assessments", "assessment_scores"),
)
def weighted_total(frames, policy):
    assessments = frame_with(frames, "assessments", "round", "insurer_code", "total_score")
    scores = frame_with(frames, "assessment_scores", "round", "insurer_code", "weight", "score")
    if assessments is None or scores is None:
        return
    groups = _score_groups(scores.dropna(subset=["round", "insurer_code"]))
    groups = groups[~groups["missing"] & ((groups["weight_sum"] - 100).abs() <= TOLERANCE)]
    data = assessments.assign(position=assessments.index).merge(
        groups[["round", "insurer_code", "weighted"]], on=["round", "insurer_code"])
    bad = data[(data["total_score"] - data["weighted"]).abs() > TOLERANCE]
    yield Hits("assessments", "total_score",
               bad.set_index("position")[["total_score", "weighted"]].sort_index())
