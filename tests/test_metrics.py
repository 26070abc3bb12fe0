"""Metrics are pure functions: small frames in, exact figures out."""

import datetime as dt
import math
from pathlib import Path

import pandas as pd

from generator.package.policy import load_policy
from generator.site import metrics

POLICY = load_policy(Path(__file__).resolve().parents[1] / "data")  # coverage target 1.0


def coverage_frame():
    return pd.DataFrame({
        "period": ["2025-05", "2025-05", "2025-06", "2025-06", "2025-06"],
        "region_code": ["A", "B", "A", "B", "B"],
        "industry_code": ["coal", "coal", "coal", "coal", "chem"],
        "units_required": [10, 10, 10, 10, 0],
        "units_insured": [5, 7, 8, 10, 0],
        "employees_covered": [50, 70, 80, 100, 0],
        "employees_total": [60, 80, 100, 100, 0],
        "premium_ytd": [1000.0, 2000.0, 3000.0, 4000.0, 0.0],
    })


INDUSTRIES = pd.DataFrame({
    "code": ["chem", "coal"], "name": ["危险化学品", "煤矿"], "display_order": [2, 1],
    "due_date": pd.to_datetime(["2025-12-31", "2024-12-31"]),
})


def test_overall_coverage_at_latest_period():
    cov = coverage_frame()
    assert metrics.latest_period(cov) == "2025-06"
    assert metrics.as_of_date(cov) == dt.date(2025, 6, 30)
    totals = metrics.overall_coverage(cov, "2025-06")
    assert totals["units_required"] == 20
    assert totals["units_insured"] == 18
    assert totals["coverage_rate"] == 0.9
    assert totals["units_uninsured"] == 2
    assert totals["premium_ytd"] == 7000.0
    assert totals["employee_share"] == 0.9  # 180 of 200 employees


def test_by_industry_flags_overdue_only_after_the_due_date():
    table = metrics.coverage_by_industry(
        coverage_frame(), INDUSTRIES, "2025-06", dt.date(2025, 6, 30), POLICY
    )
    assert list(table["code"]) == ["coal", "chem"]  # display order
    coal, chem = table.iloc[0], table.iloc[1]
    assert coal["coverage_rate"] == 0.9 and bool(coal["overdue"]) is True
    assert math.isnan(chem["coverage_rate"])  # nothing required: no rate, not late
    assert bool(chem["overdue"]) is False
    assert coal["days_to_due"] == -181


def test_matrix_and_trend():
    matrix = metrics.coverage_matrix(coverage_frame(), "2025-06")
    assert matrix.at["A", "coal"] == 0.8
    assert matrix.at["B", "coal"] == 1.0
    assert math.isnan(matrix.at["B", "chem"])
    trend = metrics.coverage_trend(coverage_frame())
    assert list(trend["coverage_rate"]) == [0.6, 0.9]


def test_ranking_shares_ranks_on_ties_and_delivery_rate():
    assessments = pd.DataFrame({
        "round": ["2025H1"] * 3, "insurer_code": ["X", "Y", "Z"],
        "services_contracted": [10, 20, 0], "services_delivered": [9, 20, 0],
        "total_score": [88.0, 91.0, 88.0],
    })
    insurers = pd.DataFrame({"code": ["X", "Y", "Z"], "name": ["x", "y", "z"],
                             "short_name": ["x", "y", "z"], "display_order": [1, 2, 3]})
    table = metrics.assessment_table(assessments, insurers, "2025H1")
    assert list(table["insurer_code"]) == ["Y", "X", "Z"]
    assert list(table["rank"]) == [1, 2, 2]
    assert table.loc[1, "delivery_rate"] == 0.9
    assert math.isnan(table.loc[2, "delivery_rate"])


def test_prevention_against_the_cap():
    prevention = pd.DataFrame({
        "year": [2024, 2024], "insurer_code": ["X", "Y"],
        "premium_collected": [1_000_000.0, 600_000.0], "prevention_budget": [0.0, 0.0],
        "prevention_spending": [210_000.0, 130_000.0], "units_served": [1, 1],
        "services_delivered": [1, 1], "hazards_found": [10, 0], "hazards_rectified": [8, 0],
    })
    insurers = pd.DataFrame({"code": ["X", "Y"], "short_name": ["x", "y"],
                             "display_order": [1, 2]})
    table = metrics.prevention_table(prevention, insurers, 0.21)
    assert list(table["over_cap"]) == [False, True]  # exactly at the cap is allowed
    assert table.loc[0, "rectified_rate"] == 0.8
    assert table.loc[1, "hazards_open"] == 0


def test_claims_days_are_weighted_by_settled_claims():
    claims = pd.DataFrame({
        "period": ["2025Q1", "2025Q1"], "insurer_code": ["X", "Y"],
        "industry_code": ["coal", "coal"], "claims_reported": [3, 1], "claims_settled": [3, 1],
        "amount_paid": [300.0, 100.0], "advance_payments": [1, 0], "advance_amount": [50.0, 0.0],
        "avg_days_to_decide": [10.0, 30.0], "avg_days_to_pay": [4.0, 8.0],
    })
    row = metrics.claims_by_period(claims).loc["2025Q1"]
    assert row["amount_paid"] == 400.0
    assert row["avg_days_to_decide"] == 15.0
    assert row["avg_days_to_pay"] == 5.0


def test_claims_without_settlement_have_no_average_days():
    """A quarter with nothing settled leaves its days empty; it weighs nothing elsewhere."""
    claims = pd.DataFrame({
        "period": ["2025Q1", "2025Q1", "2025Q2"], "insurer_code": ["X", "Y", "X"],
        "industry_code": ["coal", "coal", "coal"], "claims_reported": [3, 2, 1],
        "claims_settled": [3, 0, 0], "amount_paid": [300.0, 0.0, 0.0],
        "advance_payments": [0, 0, 0], "advance_amount": [0.0, 0.0, 0.0],
        "avg_days_to_decide": [10.0, None, None], "avg_days_to_pay": [4.0, None, None],
    })
    table = metrics.claims_by_period(claims)
    assert table.loc["2025Q1", ["avg_days_to_decide", "avg_days_to_pay"]].tolist() == [10.0, 4.0]
    assert table.loc["2025Q2", ["avg_days_to_decide", "avg_days_to_pay"]].isna().all()


def test_milestone_status_follows_the_data_date_not_the_clock():
    milestones = pd.DataFrame({
        "code": ["a", "b", "c"], "name": ["一", "二", "三"],
        "start_date": pd.to_datetime(["2024-01-01", "2025-01-01", "2026-01-01"]),
        "due_date": pd.to_datetime(["2024-05-31", "2025-12-31", "2026-06-30"]),
    })
    table = metrics.milestone_status(milestones, dt.date(2025, 6, 30))
    assert list(table["status"]) == ["已到期", "进行中", "未开始"]
    # the due day itself: its data stands at the due date, which is reached (Policy.due_passed)
    table = metrics.milestone_status(milestones, dt.date(2025, 12, 31))
    assert list(table["status"]) == ["已到期", "已到期", "未开始"]


def test_industry_tables_equal_one_table_per_region_and_count_zero_without_rows():
    cov = coverage_frame()
    pairs = metrics.coverage_sums(cov, ["region_code", "industry_code"], "2025-06")
    as_of = dt.date(2025, 6, 30)

    tables = metrics.industry_tables(pairs, ["B", "A", "C"], INDUSTRIES, as_of, POLICY)

    assert list(tables) == ["B", "A", "C"]
    for code in ("A", "B"):
        alone = metrics.coverage_by_industry(cov[cov["region_code"] == code], INDUSTRIES,
                                             "2025-06", as_of, POLICY)
        pd.testing.assert_frame_equal(tables[code], alone)
    assert list(tables["A"]["units_insured"]) == [8.0, 0.0]
    assert list(tables["A"]["overdue"]) == [True, False]
    assert list(tables["C"]["units_required"]) == [0.0, 0.0]
    assert tables["C"]["coverage_rate"].isna().all()
