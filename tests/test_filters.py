"""The formatting filters: exact text for amounts, rates, dates, periods and escaped data."""

import datetime as dt

import pandas as pd
import pytest

from generator.site import filters


@pytest.mark.parametrize(("value", "expected"), [
    (1234567, "123.46"), (0, "0.00"), (123456789012, "12,345,678.90"), (None, "—"),
    (float("nan"), "—"),
])
def test_wan(value, expected):
    assert filters.wan(value) == expected


def test_wan_yuan_carries_the_unit():
    assert filters.wan_yuan(35_000_000) == "3,500.00 万元"
    assert filters.wan_yuan(pd.NA) == "—"


@pytest.mark.parametrize(("value", "expected"), [
    (0.8765, "87.7%"), (1.0, "100.0%"), (0, "0.0%"), (float("nan"), "—"), (None, "—"),
    (0.9996, "99.9%"), (0.99949, "99.9%"), (1.2, "120.0%"),
])
def test_percent(value, expected):
    assert filters.percent(value) == expected


def test_number_separators_and_digits():
    assert filters.number(1234567) == "1,234,567"
    assert filters.number(86.25, 1) == "86.3"
    assert filters.number(-1234.5) == "-1,235"
    assert filters.number(91, 1) == "91.0"
    assert filters.number(pd.NA) == "—"


def test_dates():
    assert filters.date_zh(dt.date(2025, 6, 30)) == "2025年6月30日"
    assert filters.date_zh(pd.Timestamp("2024-12-31")) == "2024年12月31日"
    assert filters.date_zh("2025-01-05") == "2025年1月5日"
    assert filters.date_zh(pd.NaT) == "—"
    assert filters.month_zh(dt.date(2025, 6, 30)) == "2025年6月"


@pytest.mark.parametrize(("value", "expected"), [
    ("2025-06", "2025年6月"), ("2025-12", "2025年12月"), ("2025H1", "2025年上半年"),
    ("2024H2", "2024年下半年"), ("2025Q3", "2025年第三季度"), ("2025Q1", "2025年第一季度"),
    ("2025", "2025年"),
])
def test_period_zh(value, expected):
    assert filters.period_zh(value) == expected


def test_md_escape_makes_markup_and_markdown_inert():
    escaped = filters.md_escape('<script>alert("x")</script> a|b *c* [d](e)')
    assert escaped == (
        "&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; a&#124;b &#42;c&#42; "
        "&#91;d&#93;(e)"
    )


def test_md_escape_keeps_a_table_row_on_one_line():
    assert filters.md_escape("第一行\n第二行") == "第一行 第二行"


def test_text_and_schema_words():
    assert filters.text(None) == "—"
    assert filters.text("") == "—"
    assert filters.field_type("integer") == "整数"
    assert filters.severity_zh("warning") == "警告"
    assert filters.join_keys(["period", "region_code"]) == "period + region_code"


def test_title_meta_is_yaml_with_nothing_html_can_act_on():
    assert filters.title_meta("&#60;script&#62;a&#38;b") == '"＜script＞a＆b"'
