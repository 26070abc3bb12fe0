"""The illustrative-data generator: reproducible, equal to the bundled data, and valid."""

from __future__ import annotations

import re
from pathlib import Path

import frictionless
import numpy as np
import pandas as pd
import pytest
import sample

from generator.package.load import read_descriptor, read_policy
from generator.package.policy import load_policy
from generator.package.uscc import is_valid
from generator.site.filters import percent

DATA = Path(__file__).resolve().parent.parent / "data"
RESOURCES = [r["path"] for r in read_descriptor(DATA)["resources"]]
POLICY = read_policy(DATA)


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("city")
    assert sample.main(["--scale", "city", "--out", str(out)]) == 0
    return out


def read(root: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(root / f"{name}.csv", dtype=str, keep_default_na=False)


def numbers(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(frame[column])


def test_city_is_reproducible_and_is_the_bundled_data(city, tmp_path):
    assert sample.main(["--scale", "city", "--out", str(tmp_path)]) == 0
    for name in RESOURCES:
        again = (tmp_path / name).read_bytes()
        assert again == (city / name).read_bytes(), name
        assert again == (DATA / name).read_bytes(), f"data/{name} is not the generator's output"


def test_files_are_plain_utf8_with_unix_newlines(city):
    for name in RESOURCES:
        raw = (city / name).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw, name
        raw.decode("utf-8")


def test_package_copies_descriptor_and_policy(city):
    for name in ("datapackage.json", "policy.yaml"):
        assert (city / name).read_bytes() == (DATA / name).read_bytes()


def test_frictionless_finds_the_city_package_valid(city):
    report = frictionless.Package(str(city / "datapackage.json")).validate()
    assert report.valid, report.flatten(["type", "note"])[:5]


def test_rows_are_sorted_by_primary_key(city):
    for resource in read_descriptor(city)["resources"]:
        key = resource["schema"]["primaryKey"]
        frame = read(city, resource["name"])
        if resource["name"] == "prevention":
            frame["year"] = frame["year"].astype(int)
        ordered = frame.sort_values(key if isinstance(key, list) else [key], kind="stable")
        assert ordered.index.tolist() == frame.index.tolist(), resource["name"]


def test_city_reference_tables(city):
    regions = read(city, "regions")
    assert len(regions) == 13
    assert regions.loc[regions["code"] == "411702", "name"].item() == "驿城区"
    assert regions["kind"].value_counts().to_dict() == {"县": 9, "功能区": 3, "区": 1}
    assert regions["display_order"].tolist() == [str(n) for n in range(1, 14)]
    industries = read(city, "industries")
    assert industries.groupby("batch")["due_date"].unique().to_dict() == {
        "首批": ["2024-12-31"], "拓展": ["2025-12-31"],
    }
    assert industries["batch"].value_counts().to_dict() == {"首批": 10, "拓展": 1}
    milestones = read(city, "milestones").set_index("code")
    assert milestones.loc["plans", "due_date"] == "2024-05-31"
    assert milestones.loc["implementation", "due_date"] == "2024-12-31"


def test_every_uscc_has_a_correct_check_character(city):
    for name in ("insurers", "assessors"):
        codes = read(city, name)["uscc"]
        assert all(is_valid(c) and c.startswith("914117") for c in codes), name
    assert len(read(city, "insurers")) == 8


def test_coverage_rules(city):
    coverage = read(city, "coverage")
    required, insured = numbers(coverage, "units_required"), numbers(coverage, "units_insured")
    assert (insured <= required).all()
    assert ((coverage["min_death_limit"] == "") == (insured == 0)).all()
    extension = coverage[coverage["industry_code"] == "industrial_trade"]
    assert extension["period"].min() == "2025-01"
    assert coverage["period"].min() == "2024-01" and coverage["period"].max() == "2025-12"


def test_premium_ytd_never_falls_within_a_year(city):
    coverage = read(city, "coverage")
    coverage["year"] = coverage["period"].str[:4]
    coverage["premium"] = numbers(coverage, "premium_ytd")
    steps = coverage.groupby(["year", "region_code", "industry_code"])["premium"].diff()
    assert (steps.dropna() >= 0).all()
    assert coverage["premium_ytd"].str.fullmatch(r"\d+\.\d{2}").all()


def test_coverage_spreads_at_the_due_dates_and_catches_up(city):
    """At each due date the cells spread over about 80–100% (the named laggard 上蔡县烟花爆竹 at
    2 of 3 lower), some catch up late, and from October 2025 only 正阳县交通运输 is still short."""
    coverage = read(city, "coverage")
    batch = read(city, "industries").set_index("code")["batch"]
    coverage["batch"] = coverage["industry_code"].map(batch)
    coverage["rate"] = numbers(coverage, "units_insured") / numbers(coverage, "units_required")
    first = coverage[(coverage["batch"] == "首批") & (coverage["period"] == "2024-12")]
    extension = coverage[(coverage["batch"] == "拓展") & (coverage["period"] == "2025-12")]
    for cells in (first, extension):
        assert 0.1 < (cells["rate"] == 1).mean() < 0.6
        assert cells["rate"].quantile(0.25) < 0.95
    low = first[first["rate"] < 0.8]
    assert set(zip(low["region_code"], low["industry_code"], strict=True)) == {
        ("411723", "fireworks")}
    assert extension["rate"].min() >= 0.8
    late = coverage[(coverage["batch"] == "首批") & (coverage["period"] >= "2025-10")
                    & (coverage["rate"] < 1)]
    assert set(zip(late["region_code"], late["industry_code"], strict=True)) == {
        ("411724", "transport")}
    for (region, industry), month in ((("411723", "fireworks"), "2025-03"),
                                      (("411729", "fishery"), "2025-06")):
        rows = coverage[(coverage["region_code"] == region)
                        & (coverage["industry_code"] == industry)]
        assert rows.loc[rows["rate"] == 1, "period"].min() == month


def test_rates_quoted_in_summaries_are_the_computed_ones():
    """Every percentage a summary quotes is the delivery rate the site computes and shows for that
    row (a summary once said 62.5% where the site showed 62.6%)."""
    assessments = read(DATA, "assessments")
    for row in assessments.itertuples():
        computed = percent(int(row.services_delivered) / int(row.services_contracted))
        quoted = re.findall(r"\d+(?:\.\d+)?%", row.summary)
        assert quoted == [computed], (row.round, row.insurer_code, row.summary)


def test_weighted_dimension_scores_equal_the_totals(city):
    scores = read(city, "assessment_scores")
    scores["points"] = numbers(scores, "weight") * numbers(scores, "score") / 100
    weights = scores.groupby(["round", "insurer_code"])["weight"].apply(
        lambda w: pd.to_numeric(w).sum())
    assert (weights == 100).all()
    sums = scores.groupby(["round", "insurer_code"])["points"].sum()
    totals = read(city, "assessments").set_index(["round", "insurer_code"])["total_score"]
    difference = (sums - pd.to_numeric(totals)).abs()
    assert difference.max() < 0.04


def test_grades_follow_the_policy_bands(city):
    assessments = read(city, "assessments")
    bands = sorted(POLICY["score_bands"]["bands"], key=lambda b: -b["min"])
    expected = [next(b["grade"] for b in bands if float(t) >= b["min"])
                for t in assessments["total_score"]]
    assert assessments["grade"].tolist() == expected
    failed = assessments[assessments["grade"] == "不合格"]
    assert len(failed) == 1
    assert (assessments["rectification_due"] != "").tolist() == (
        assessments["grade"] == "不合格").tolist()
    assert (failed["rectification_due"] > failed["published_date"]).all()


def test_assessment_dates_and_text(city):
    assessments = read(city, "assessments")
    assert (assessments["assessed_date"] <= assessments["reported_date"]).all()
    assert (assessments["reported_date"] <= assessments["published_date"]).all()
    delivered = numbers(assessments, "services_delivered")
    assert (delivered <= numbers(assessments, "services_contracted")).all()
    assert not assessments["summary"].str.match(r"[=+\-@]").any()
    assert not assessments["summary"].str.contains(r"1\d{10}|\d{17}[\dX]").any()


def test_prevention_within_the_cap(city):
    prevention = read(city, "prevention")
    premium = numbers(prevention, "premium_collected")
    share = numbers(prevention, "prevention_spending") / premium
    assert share.max() <= POLICY["prevention_cap"]["value"]
    assert round(share.max(), 3) == 0.206
    rectified = numbers(prevention, "hazards_rectified")
    assert (rectified <= numbers(prevention, "hazards_found")).all()
    assert sorted(prevention["year"].unique()) == ["2024", "2025"]


def test_claims_rules(city):
    claims = read(city, "claims")
    assert (numbers(claims, "claims_settled") <= numbers(claims, "claims_reported")).all()
    no_advance = numbers(claims, "advance_payments") == 0
    assert (numbers(claims, "advance_amount")[no_advance] == 0).all()
    written = claims.groupby("insurer_code")["industry_code"].nunique()
    assert written.between(4, 8).all()
    assert (numbers(claims, "avg_days_to_decide") > 30).sum() == 1
    assert (numbers(claims, "avg_days_to_pay") > 10).sum() == 1


def test_province_scale_shape():
    tables = sample.generate("province", load_policy(DATA))
    counts = {name: len(frame) for name, frame in tables.items()}
    assert counts["regions"] == 157
    assert counts["coverage"] == 157 * 12 * 60
    assert counts["insurers"] == 40 and counts["assessments"] == 400
    regions = tables["regions"]
    assert regions["code"].is_unique and regions["code"].str.startswith("41").all()
    assert all(is_valid(c) for c in tables["insurers"]["uscc"])
    coverage = tables["coverage"]
    assert (coverage["units_insured"] <= coverage["units_required"]).all()
    assert np.isin(coverage["region_code"].astype(str).unique(), regions["code"]).all()
