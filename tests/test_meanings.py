"""What the public reads about the rules: sources that name documents, not files of the program,
and a plain meaning for each warning of the validation report (else the rule's description)."""

from __future__ import annotations

import re

from generator.site import meanings
from generator.validate.report import Problem
from generator.validate.rules.catalog import RULES


def test_no_rule_source_names_a_file_of_the_program():
    named = [(r.id, r.source) for r in RULES
             if re.search(r"generator/|\.py\b|tests/|tools/", r.source + r.description)]
    assert named == []


def test_a_warning_shows_its_meaning_or_else_its_rules_description():
    rules = {r.id: r for r in RULES}
    found = [Problem("claims-days-to-pay", "warning", "claims.csv", 7, "avg_days_to_pay", "慢",
                     column_title="平均支付天数"),
             Problem("too-many-errors", "warning", "coverage.csv", None, None, "多")]
    groups = meanings.WarningReport(found, rules, {"claims.csv": "理赔情况"}).groups
    assert [(g["id"], g["title"], g["meaning"], g["items"]) for g in groups] == [
        ("too-many-errors", "错误过多,只列出一部分", meanings.MEANINGS["too-many-errors"],
         [{"table": "coverage.csv", "row": None, "column": None, "message": "多"}]),
        ("claims-days-to-pay", "平均支付天数超过法定时限",
         "达成赔付协议后,保险机构付款的平均时间超过了保险法规定的期限。",
         [{"table": "理赔情况", "row": 7, "column": "平均支付天数", "message": "慢"}]),
    ]
    assert meanings.meaning("no-such-rule", "规则的说明") == "规则的说明"


def test_a_warning_message_writes_dates_and_amounts_as_the_site_does():
    rules = {r.id: r for r in RULES}
    message = rules["coverage-death-limit-low"].render(
        {"min_death_limit": 350000, "period": "2025-04", "required": 400000})[0]
    [group] = meanings.WarningReport(
        [Problem("coverage-death-limit-low", "warning", "coverage.csv", 1196, "min_death_limit",
                 message)], rules, {}).groups
    assert group["items"][0]["message"] == (
        "最低每人死亡伤残限额 350,000 元,低于 2025年4月 适用的下限 400,000 元。"
        "请督促相关保单续保时提高限额,或核对数字。")
    assert meanings.reader_text(
        "截至 2025-12,已投保 11389 家、应投保 12345 家;截止日期 2024-12-31 已过;"
        "代码 411702、91411702MA9XXXXX12,赔付 123456.5 元,2025-02-30") == (
        "截至 2025年12月,已投保 11,389 家、应投保 12,345 家;截止日期 2024年12月31日 已过;"
        "代码 411702、91411702MA9XXXXX12,赔付 123,456.5 元,2025-02-30")
