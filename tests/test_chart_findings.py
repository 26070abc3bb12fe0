"""Charts that show differences: tie-aware finding sentences, heat-map colour classes chosen for
where coverage lies, and heat-map labels that read exactly as the table does."""

from pathlib import Path

import pandas as pd

from generator.package.policy import load_policy
from generator.site import charts
from generator.site.charts import specs


def industries(rates: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame({
        "code": [f"c{i}" for i in range(len(rates))], "name": list(rates),
        "units_required": 100, "units_insured": [round(r * 100) for r in rates.values()],
        "units_uninsured": [100 - round(r * 100) for r in rates.values()],
        "coverage_rate": list(rates.values()),
        "meets_target": [r >= 1 for r in rates.values()],
        "due_date": pd.Timestamp("2024-12-31")})


def coverage_alt(rates: dict[str, float]) -> str:
    table = industries(rates)
    colour_of = charts.colours(list(table["code"]))
    return charts.industry_coverage("x", table, colour_of, "2025-12", 1.0).alt


def test_one_highest_is_named_when_nothing_is_tied():
    assert coverage_alt({"煤矿": 0.995, "危险化学品": 0.97, "金属冶炼": 0.9}) == (
        "截至2025年12月,3个行业中0个达到全覆盖;覆盖率最高的是煤矿(99.5%),"
        "最低的是金属冶炼(90.0%)。")


def test_a_few_tied_are_listed_by_name():
    assert coverage_alt({"煤矿": 1.0, "危险化学品": 1.0, "金属冶炼": 0.9}) == (
        "截至2025年12月,3个行业中2个达到全覆盖;煤矿、危险化学品覆盖率并列最高,均为100.0%,"
        "最低的是金属冶炼(90.0%)。")


def test_many_tied_are_counted():
    rates = {f"行业{i}": 1.0 for i in range(9)} | {"工贸": 0.998}
    assert coverage_alt(rates) == (
        "截至2025年12月,10个行业中9个达到全覆盖;9个行业覆盖率并列最高,均为100.0%,"
        "最低的是工贸(99.8%)。")


def test_ties_are_judged_on_the_shown_values():
    # 99.96% and 99.94% both show as 99.9%: tied lowest, though not equal.
    assert coverage_alt({"煤矿": 1.0, "危险化学品": 0.9996, "金属冶炼": 0.9994}) == (
        "截至2025年12月,3个行业中1个达到全覆盖;覆盖率最高的是煤矿(100.0%),"
        "危险化学品、金属冶炼并列最低,均为99.9%。")


def test_group_coverage_says_which_group_the_tie_is_in():
    table = industries({"驿城区": 1.0, "西平县": 1.0, "上蔡县": 0.967})
    alt = charts.group_coverage("x", table, "县区", "各县区", "2025-12").alt
    assert alt == ("截至2025年12月,各县区中,驿城区、西平县覆盖率并列最高,均为100.0%,"
                   "最低的是上蔡县(96.7%)。")


def test_tied_scores_name_both_insurers():
    table = pd.DataFrame({"insurer_code": ["A", "B", "C"],
                          "short_name": ["甲财险", "乙财险", "丙财险"],
                          "total_score": [90.04, 89.96, 70.0], "grade": ["优秀", "优秀", "合格"],
                          "rank": [1, 2, 3], "delivery_rate": [1.0, 1.0, 0.9]})
    policy = load_policy(Path(__file__).parents[1] / "data")
    colour_of = charts.colours(["A", "B", "C"])
    alt = charts.score_ranking("x", table, colour_of, "2025H2", policy).alt
    assert alt == (f"2025年下半年评估中甲财险、乙财险得分并列最高,均为90.0分,丙财险最低(70.0分),"
                   f"0家{policy.failing_grade}。")


def test_heat_classes_follow_where_coverage_lies():
    names = [label for label, _ in specs.HEAT_CLASSES]
    assert names == ["低于90%", "90%至95%", "95%至99%", "99%至不足100%", "100%(全覆盖)"]
    cls = specs.heat_class
    # Judged on the shown percentage, so a cell's colour agrees with its label: 89.99% shows
    # as 90.0% and is in 90%至95%; 99.99% shows as 99.9% and is never in the 100% class.
    assert [names[cls(v)] for v in (0.5, 0.8994, 0.8999, 0.949, 0.95, 0.99, 0.9999, 1.0)] == [
        "低于90%", "低于90%", "90%至95%", "90%至95%", "95%至99%", "99%至不足100%",
        "99%至不足100%", "100%(全覆盖)"]
    assert cls(float("nan")) is None
    assert len(specs.HEAT_COLOURS) == len(specs.HEAT_CLASSES)


def test_heat_map_labels_read_as_the_table_does():
    matrix = pd.DataFrame({"coal": [1.0, 0.947], "trade": [0.99996, None]}, index=["r1", "r2"])
    chart = charts.coverage_heatmap("x", matrix, {"r1": "驿城区", "r2": "示范区"},
                                    {"coal": "煤矿", "trade": "工贸"}, "2025-12")
    assert chart.data["labels"] == [["100.0%", "99.9%"], ["94.7%", "—"]]
    assert [list(row[1:]) for row in chart.table.rows] == chart.data["labels"]
    assert chart.data["classes"] == [[4, 3], [1, None]]
    assert chart.alt == ("截至2025年12月,3个县区行业组合中2个未达到全覆盖,"
                         "最低的是示范区的煤矿(94.7%)。")
    svg = charts.render_svg(chart.kind, chart.data).decode()
    for text in ("94.7%", "99.9%", "100.0%", "低于90%", "99%至不足100%", "覆盖率"):
        assert text in svg


def test_trend_range_counts_the_series_tied_at_its_ends():
    names = {f"i{k}": f"行业{k}" for k in range(5)}
    trend = pd.DataFrame({"i0": [0.5, 0.998], **{f"i{k}": [0.5, 1.0] for k in range(1, 5)}},
                         index=["2025-11", "2025-12"])
    chart = charts.coverage_trend("x", trend, names, charts.colours(list(names)), [], "各行业")
    assert chart.alt == "2025年12月各行业覆盖率在99.8%(行业0)到100.0%(4个行业)之间。"
    both = charts.coverage_trend("x", trend[["i1", "i2"]], names, charts.colours(list(names)),
                                 [], "各行业")
    assert both.alt == "2025年12月各行业覆盖率均为100.0%。"
