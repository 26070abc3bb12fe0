"""The one typed policy: checked once for `validate` and `build` alike, and the one definition of
a failing grade, a target met and a deadline missed."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from generator import cli
from generator.package.policy import load_policy

DATA = Path(__file__).resolve().parent.parent / "data"
POLICY = load_policy(DATA)


@pytest.fixture
def without_advance_after(tmp_path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    path = data / "policy.yaml"
    text = path.read_text(encoding="utf-8")
    assert "  advance_after: 60\n" in text
    path.write_text(text.replace("  advance_after: 60\n", ""), encoding="utf-8")
    return data


def test_missing_key_stops_validate_with_exit_2(without_advance_after, capsys):
    code = cli.main(["validate", str(without_advance_after)])
    out, err = capsys.readouterr()
    assert (code, out, err) == (2, "", "azx validate: policy.yaml 缺少 claim_days.advance_after\n")


def test_missing_key_stops_build_with_exit_2(without_advance_after, tmp_path, capsys):
    site = tmp_path / "site"
    code = cli.main(["build", "--data", str(without_advance_after), "--site-dir", str(site),
                     "--work-dir", str(tmp_path / "work")])
    out, err = capsys.readouterr()
    assert code == 2
    assert err == f"azx build: policy.yaml 缺少 claim_days.advance_after;{site}/ 保持不变。\n"
    assert not site.exists()


def test_mistyped_key_names_it_and_its_value(tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    path = data / "policy.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("pay_within: 10", "pay_within: 十"),
                    encoding="utf-8")
    assert cli.main(["validate", str(data)]) == 2
    assert capsys.readouterr().err == (
        "azx validate: policy.yaml 的 claim_days.pay_within 应为数字,现为 '十'\n")


def test_policy_values_are_typed():
    assert (POLICY.prevention_cap, POLICY.prevention_floor) == (0.21, 0.8)
    assert POLICY.death_limit_steps == ((dt.date(2018, 1, 1), 300000.0),
                                        (dt.date(2025, 3, 29), 400000.0))
    assert POLICY.due_dates["extension"] == dt.date(2025, 12, 31)
    assert (POLICY.decide_within, POLICY.pay_within, POLICY.advance_after) == (30, 10, 60)
    assert [e.key for e in POLICY.entries] == [
        "prevention_cap", "prevention_floor", "commission_cap", "death_limit", "score_bands",
        "coverage_target", "due_dates", "claim_days", "public_hotlines", "roster_publication"]


def test_failing_grade_is_the_lowest_band_and_the_pass_mark_the_one_above():
    assert POLICY.failing_grade == "不合格"
    assert POLICY.pass_mark == 60.0
    grades = pd.Series(["合格", "不合格", None], dtype="string")
    assert POLICY.failing(grades).fillna(False).tolist() == [False, True, False]


def test_the_due_days_data_decides_and_the_due_day_itself_is_on_time():
    due = dt.date(2025, 12, 31)
    assert [POLICY.due_passed(due, dt.date(2025, 12, d)) for d in (30, 31)] == [False, True]
    assert not POLICY.overdue(due, dt.date(2025, 12, 30), 5, 10)  # not due yet
    assert not POLICY.overdue(due, dt.date(2025, 12, 31), 10, 10)  # met on the due day: on time
    assert POLICY.overdue(due, dt.date(2025, 12, 31), 5, 10)  # not met on it: missed
    assert POLICY.overdue(due, dt.date(2026, 1, 1), 5, 10)
    assert not POLICY.overdue(due, dt.date(2026, 1, 1), 10, 10)  # target met
    assert not POLICY.overdue(due, dt.date(2026, 1, 1), 0, 0)  # nothing to insure


def test_target_met_needs_units_to_insure():
    insured = pd.Series([10, 9, 0])
    required = pd.Series([10, 10, 0])
    assert POLICY.target_met(insured, required).tolist() == [True, False, False]
