"""An insurer's published commitments (公开承诺) against what it delivered, and the supervision
of the 金融监管 branch: the records of the insurer page.

Pure: frames in, plain records out. What is compared with what:
- the services its contracts agreed (latest assessment round): delivered ≥ contracted;
- visits a year per unit: the year's services ÷ units served (latest prevention year) against
  the least of its industries' promised visits;
- per industry, the days to decide and to pay of the latest claims year, averaged over the
  claims settled (as the claims page does), against the promised days.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from generator.site.figures import records
from generator.site.filters import period_zh

KEPT, BROKEN, UNKNOWN = "已兑现", "未兑现", "无数据"


def _verdict(kept: bool | None) -> str:
    return UNKNOWN if kept is None else KEPT if kept else BROKEN


def shown(value: float | None, digits: int) -> float | None:
    """`value` as the page shows it (halves rounded up): the verdict is judged on that value, so
    15.04 days against a promise of 15 reads 15.0 and 已兑现, never 15.0 and 未兑现."""
    if value is None or pd.isna(value):
        return None
    exact = Decimal(repr(round(float(value), 9)))
    return float(exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def _row(item: str, promised: str, actual: float | None, digits: int, at_least: float | None,
         at_most: float | None) -> dict:
    """A row of the table; `actual` is kept when ≥ `at_least` or ≤ `at_most` (as shown)."""
    value = shown(actual, digits)
    kept = None
    if value is not None and at_least is not None:
        kept = value >= at_least
    elif value is not None and at_most is not None:
        kept = value <= at_most
    return {"item": item, "promised": promised, "actual": value, "digits": digits,
            "result": _verdict(kept)}


def claim_days(claims: pd.DataFrame, insurer: str, year: int) -> pd.DataFrame:
    """Per industry of `insurer` in `year`: days to decide and to pay, weighted by claims
    settled (NaN where none was settled)."""
    rows = claims[(claims["insurer_code"] == insurer)
                  & (claims["period"].astype(str).str[:4] == str(year))]
    settled = rows["claims_settled"].astype("float64")
    frame = pd.DataFrame({
        "industry_code": rows["industry_code"].astype(str), "settled": settled,
        "decide": rows["avg_days_to_decide"] * settled, "pay": rows["avg_days_to_pay"] * settled})
    sums = frame.groupby("industry_code", sort=True)[["settled", "decide", "pay"]].sum()
    weight = sums["settled"].where(sums["settled"] > 0)
    return pd.DataFrame({"decide": sums["decide"] / weight, "pay": sums["pay"] / weight})


def commitments_of(commitments: pd.DataFrame, industries: pd.DataFrame, insurer: str
                   ) -> pd.DataFrame:
    """The insurer's commitments with the industry names, in industry display order."""
    mine = commitments[commitments["insurer_code"] == insurer]
    return mine.merge(industries[["code", "name", "display_order"]], left_on="industry_code",
                      right_on="code").sort_values("display_order")


def comparison(frames: dict, industries: pd.DataFrame, insurer: str, claims_year: int
               ) -> tuple[dict, ...]:
    """The rows of the promised-vs-delivered table of one insurer."""
    mine = commitments_of(frames["commitments"], industries, insurer)
    rows = []
    assessed = frames["assessments"][frames["assessments"]["insurer_code"] == insurer]
    if len(assessed):
        last = assessed.sort_values("round").iloc[-1]
        contracted = int(last["services_contracted"])
        rows.append(_row(f"合同约定服务次数({period_zh(last['round'])}评估)",
                         f"{contracted:,} 次", float(last["services_delivered"]), 0,
                         contracted, None))
    prevention = frames["prevention"][frames["prevention"]["insurer_code"] == insurer]
    if len(mine) and len(prevention):
        last = prevention.sort_values("year").iloc[-1]
        least = int(mine["visits_per_year"].min())
        served = float(last["units_served"])
        actual = float(last["services_delivered"]) / served if served else None
        rows.append(_row(f"平均每户服务次数({int(last['year'])}年)", f"不少于 {least} 次",
                         actual, 1, least, None))
    days = claim_days(frames["claims"], insurer, claims_year)
    for c in records(mine):
        code, name = c["industry_code"], c["name"]
        for column, label, promised in (("decide", "核定赔付时限", c["decide_days"]),
                                        ("pay", "支付赔款时限", c["pay_days"])):
            actual = days.at[code, column] if code in days.index else None
            rows.append(_row(f"{name}:{label}({claims_year}年平均)", f"不超过 {promised} 日",
                             actual, 1, None, promised))
    return tuple(rows)


def supervision_of(supervision: pd.DataFrame, insurer: str) -> tuple[dict, ...]:
    """The insurer's supervision rows, newest quarter first."""
    mine = supervision[supervision["insurer_code"] == insurer]
    return records(mine.sort_values("period", ascending=False))


SUPERVISION_SUMS = ["violations_found", "violations_corrected", "penalty_cases", "penalty_amount",
                    "services_undelivered", "services_remedied"]


def supervision_totals(rows: tuple[dict, ...]) -> dict:
    """Sums of the insurer's supervision rows (every quarter)."""
    return {k: sum(float(r[k]) for r in rows) for k in SUPERVISION_SUMS}


def supervision_by_period(supervision: pd.DataFrame) -> pd.DataFrame:
    """SUPERVISION_SUMS of all insurers per quarter, as floats (the bulletin's paragraph)."""
    return supervision.groupby("period", sort=True)[SUPERVISION_SUMS].sum().astype("float64")
