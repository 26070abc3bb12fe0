"""`azx import`: messy Excel and GB18030 CSV in, canonical CSV out, nothing written on errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from fixtures.cases import SITE_SMALL, write_site_small

from generator.cli import main
from generator.intake import merge, normalise


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the tiny valid package; the real data/ is never touched."""
    root = tmp_path / "data"
    write_site_small(root)
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.iterdir())}


def messy_coverage(path: Path, *, insured_first: object = 10, region_third: str = "4117KF") -> Path:
    """June 2025 coverage as a person would type it: title rows, a merged two-row header,
    full-width digits, thousands separators, 万元, an Excel date, 2025年6月, a total and a note."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "进展"
    ws["A1"] = "驻马店市安全生产责任保险投保进展统计表"
    ws.merge_cells("A1:I1")
    ws["A2"] = "填报单位:市应急管理局"
    top = ["统计月份", "县区", "行业", "应投保企业数", "已投保", None,
           "本年累计保费(万元)", "最低每人死亡伤残限额(元)", "投保率"]
    for col, text in enumerate(top, start=1):
        ws.cell(3, col, text)
    ws["E4"], ws["F4"] = "企业数", "覆盖从业人员数"
    for col in "ABCDGHI":
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("E3:F3")
    rows = [
        ["2025年6月", "驿城区", "煤矿", "１０", insured_first, "250", 17, 400000, 0.9],
        [dt.datetime(2025, 6, 1), "411702 驿城区", "危险化学品", 20, 18, 450, 32.4, 400000, 0.9],
        ["2025-6", "驿城区", "金属冶炼", 8, 7, 175, 12.6, 400000, 0.875],
        ["2025/6", "西平县", "煤矿", 6, 5, 125, 9, 400000, None],
        ["2025-06", "西平县", "危险化学品", 12, 10, 250, 18, 400000, None],
        ["2025-06", "西平县", "金属冶炼", 4, 3, 75, 5.4, 400000, None],
        ["2025-06", region_third, "coal", 0, 0, 0, 0, None, None],
        ["2025-06", "经济开发区", "hazchem", 30, 27, 675, 48.6, "400,000", None],
        ["2025-06", "经济开发区", "metallurgy", 10, 9, 225, 16.2, 400000, None],
        ["合计", None, None, 100, 89, "2,250", 159.2, None, None],
        ["注:保费单位为万元"],
    ]
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def test_messy_excel_is_converted_merged_and_reported(data, tmp_path, capsys):
    source = messy_coverage(tmp_path / "六月.xlsx")
    before = (data / "coverage.csv").read_text(encoding="utf-8")

    code = main(["import", str(source), "--resource", "coverage", "--data", str(data)])

    out = capsys.readouterr().out
    assert code == 0, out
    lines = out.splitlines()
    assert lines[:2] == [
        f"导入 六月.xlsx(工作表「进展」)→ {data}/coverage.csv",
        "表头:第 3–4 行;数据 9 行",
    ]
    assert "  I 列「投保率」不是 coverage 的字段,已忽略" in lines
    for line in [
        "  进展!A5  2025年6月 → 2025-06  (月份统一为 YYYY-MM)",
        "  进展!B5  驿城区 → 411702  (名称转为代码)",
        "  进展!C5  煤矿 → coal  (名称转为代码)",
        "  进展!D5  １０ → 10  (全角字符转半角)",
        "  进展!G5  17 → 170000  (表头单位为万元,×10000 换算为元)",
        "  进展!A6  2025-06-01 → 2025-06  (Excel 日期单元格,取年月)",
        "  进展!B6  411702 驿城区 → 411702  (“代码 名称”取代码)",
        "  进展!A8  2025/6 → 2025-06  (月份统一为 YYYY-MM)",
        "  进展!H12  400,000 → 400000  (去掉千位分隔符)",
        "  跳过 进展!A14:合计行,不导入(合计由网站计算)",
        "  跳过 进展!A15:表格下方的说明文字,不导入",
        "合并:替换 2025-06 的数据,原有 9 行被本次导入的 9 行取代,保留其他 18 行,合并后共 27 行",
        f"校验通过,已写入 {data}/coverage.csv。",
    ]:
        assert line in lines
    after = (data / "coverage.csv").read_text(encoding="utf-8")
    # Only the two values that really changed differ; order, style and other months are kept.
    assert after == before.replace(
        "2025-06,411702,coal,10,9,225,162000,400000", "2025-06,411702,coal,10,10,250,170000,400000"
    )


def test_gb18030_csv_adds_a_year(data, tmp_path, capsys):
    source = tmp_path / "预防.csv"
    text = (
        "年度,保险机构,实收保费(万元),事故预防费用预算(万元),事故预防费用支出(万元),"
        "服务企业数,服务次数,发现隐患数,已整改隐患数\n"
        "2025年,宿鸭湖财险,120,24,20.5,45,70,130,120\n"
        "2025,洪河财产保险股份有限公司驻马店市分公司,\"70\",14,12,30,40,90,88\n"
    )
    source.write_bytes(text.encode("gb18030"))

    code = main(["import", str(source), "--resource", "prevention", "--data", str(data)])

    out = capsys.readouterr().out
    assert code == 0, out
    assert "  预防.csv!A2  2025年 → 2025  (去掉单位“年”)" in out
    full_name = "洪河财产保险股份有限公司驻马店市分公司"
    assert f"  预防.csv!B3  {full_name} → HHCX  (名称转为代码)" in out
    assert (data / "prevention.csv").read_text(encoding="utf-8").splitlines() == [
        "year,insurer_code,premium_collected,prevention_budget,prevention_spending,units_served,"
        "services_delivered,hazards_found,hazards_rectified",
        "2024,HHCX,1000000,200000,180000,40,60,120,100",
        "2024,SYCX,600000,120000,120000,25,35,80,50",
        "2025,HHCX,700000,140000,120000,30,40,90,88",
        "2025,SYCX,1200000,240000,205000,45,70,130,120",
    ]


def test_failing_import_changes_nothing_and_names_the_cells(data, tmp_path, capsys):
    source = messy_coverage(tmp_path / "bad.xlsx", insured_first=12, region_third="开发区")
    before = snapshot(data)

    code = main(["import", str(source), "--resource", "coverage", "--data", str(data)])

    out = capsys.readouterr().out
    assert code == 1
    assert snapshot(data) == before
    assert f"校验未通过:2 个错误。{data}/ 下的文件没有任何改动。" in out
    errors = [line for line in out.splitlines() if line.startswith("  错误 ")]
    assert [e.split(":")[0] for e in errors] == ["  错误 进展!E5", "  错误 进展!B11"]
    assert "开发区" in errors[1]
    assert (
        "  未识别 进展!B11:“开发区”不是已有的代码、名称或简称(region_code),"
        "请从模板的下拉列表中选择"
    ) in out.splitlines()


def test_missing_required_column_is_a_data_problem(data, tmp_path, capsys):
    source = tmp_path / "short.csv"
    source.write_text("统计月份,县区,行业,应投保企业数\n2025-07,411702,coal,10\n", encoding="utf-8")

    code = main(["import", str(source), "--resource", "coverage", "--data", str(data)])

    assert code == 1
    assert capsys.readouterr().err == (
        "导入失败:short.csv 第 1 行的表头缺少必填列:已投保企业数(units_insured)、"
        "覆盖从业人员数(employees_covered)、本年累计保费(premium_ytd)。"
        "请补上这些列(表头写中文名称即可)\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["nothere.xlsx", "--resource", "coverage"], "azx import: 找不到文件 nothere.xlsx\n"),
        (["{src}", "--resource", "nope"], "azx import: 没有名为 nope 的数据表"),
        (["{src}", "--resource", "coverage", "--sheet", "七月"],
         "azx import: 六月.xlsx 中没有工作表「七月」(有:进展)\n"),
    ],
)
def test_usage_errors_exit_2(data, tmp_path, capsys, argv, message):
    source = messy_coverage(tmp_path / "六月.xlsx")
    argv = [a.replace("{src}", str(source)) for a in argv]

    code = main(["import", *argv, "--data", str(data)])

    assert code == 2
    assert capsys.readouterr().err.startswith(message)


@pytest.mark.parametrize(
    ("parse", "text", "expected"),
    [
        (normalise.parse_month, "2025年6月", "2025-06"),
        (normalise.parse_month, "2025/6", "2025-06"),
        (normalise.parse_month, "2025.06", "2025-06"),
        (normalise.parse_month, "202506", "2025-06"),
        (normalise.parse_month, "2025年6月30日", "2025-06"),
        (normalise.parse_month, "2025年13月", None),
        (normalise.parse_quarter, "2025年第二季度", "2025Q2"),
        (normalise.parse_quarter, "2025-Q3", "2025Q3"),
        (normalise.parse_half, "2025年上半年", "2025H1"),
        (normalise.parse_half, "2025-H2", "2025H2"),
        (normalise.parse_date, "2025年6月30日", "2025-06-30"),
        (normalise.parse_date, "2025/6/31", None),
    ],
)
def test_period_and_date_spellings(parse, text, expected):
    assert parse(text) == expected


def test_percent_and_wan_numbers():
    assert normalise.parse_number("85%") == (Decimal("0.85"), ["百分数"])
    assert normalise.parse_number("1,234.5") == (Decimal("1234.5"), ["去掉千位分隔符"])
    wan = (Decimal("125000.0"), ["数值带“万”,×10000 换算为元"])
    assert normalise.parse_number("12.5万") == wan
    assert normalise.parse_number("十二") is None


def test_numbers_follow_the_decimals_the_file_already_uses():
    resource = {"schema": {"fields": [{"name": "paid", "type": "number"},
                                      {"name": "limit", "type": "number"}]}}
    existing = [{"paid": "60810.30", "limit": "300000"}, {"paid": "0.00", "limit": ""}]
    places = merge.column_decimals(resource, existing)
    assert places == {"paid": 2}
    assert merge.in_file_style({"paid": "170000", "limit": "400000"}, places) == {
        "paid": "170000.00", "limit": "400000"}


def county_june(path: Path) -> Path:
    """西平县 sends only its own three rows for 2025-06, one of them changed."""
    path.write_text(
        "统计月份,县区,行业,应投保企业数,已投保企业数,覆盖从业人员数,本年累计保费,最低每人死亡伤残限额\n"
        "2025-06,西平县,煤矿,6,6,150,96000,400000\n"
        "2025-06,西平县,危险化学品,12,10,250,180000,400000\n"
        "2025-06,西平县,金属冶炼,4,3,75,54000,400000\n", encoding="utf-8")
    return path


def test_import_that_would_remove_other_rows_stops(data, tmp_path, capsys):
    before = snapshot(data)

    code = main(["import", str(county_june(tmp_path / "西平.csv")), "--resource", "coverage",
                 "--data", str(data)])

    out = capsys.readouterr().out
    assert code == 1
    assert snapshot(data) == before
    assert out.splitlines()[-9:] == [
        f"导入已停止:文件含有 2025-06 的数据,按期间整体替换会删除 {data}/coverage.csv 中 6 行"
        "文件里没有的已有数据:",
        "  2025-06 驿城区 煤矿",
        "  2025-06 驿城区 危险化学品",
        "  2025-06 驿城区 金属冶炼",
        "  2025-06 经济开发区 煤矿",
        "  2025-06 经济开发区 危险化学品",
        "  …… 另有 1 行",
        f"{data}/ 下的文件没有任何改动。",
        "如果只想更新文件里的这些行,请把上面这些行也放进文件(可从现有数据复制);"
        "如果确实要用本文件替换这些期间的全部数据,请加上 --replace-periods 重新导入。",
    ]


def test_replace_periods_replaces_the_whole_period(data, tmp_path, capsys):
    code = main(["import", str(county_june(tmp_path / "西平.csv")), "--resource", "coverage",
                 "--data", str(data), "--replace-periods"])

    out = capsys.readouterr().out
    assert code == 0, out
    assert "合并:替换 2025-06 的数据,原有 9 行被本次导入的 3 行取代,保留其他 18 行,合并后共 21 行" \
        in out.splitlines()
    june = [r for r in (data / "coverage.csv").read_text(encoding="utf-8").splitlines()
            if r.startswith("2025-06")]
    assert june == ["2025-06,411721,coal,6,6,150,96000,400000",
                    "2025-06,411721,hazchem,12,10,250,180000,400000",
                    "2025-06,411721,metallurgy,4,3,75,54000,400000"]


ROSTER_HEADER = ["统一社会信用代码", "企业名称", "所属县区", "行业", "应投保起始月份", "是否投保",
                 "承保机构", "保险起止日期", "最近核查月份"]


def roster_sheet(path: Path, periods: list[str]) -> Path:
    """The first rows of the fixture's roster as a department lists them: one column for the
    policy period, written in `periods`."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "名单"
    ws.append(ROSTER_HEADER)
    rows = merge.read_table(SITE_SMALL / "enterprises.csv")[1]
    for row, period in zip(rows, periods, strict=False):
        ws.append([row["uscc"], row["name"], row["region_code"], row["industry_code"],
                   row["required_since"], row["insured"], row["insurer_code"], period,
                   row["last_checked"]])
    book.save(path)
    return path


def test_one_policy_period_column_is_split_into_start_and_end(data, tmp_path, capsys):
    source = roster_sheet(tmp_path / "名单.xlsx", [
        "2024-07-01至2025-06-30", "2024.8.1-2025.7.31", "2024年9月1日至2025年9月30日"])
    before = (data / "enterprises.csv").read_text(encoding="utf-8").splitlines()

    code = main(["import", str(source), "--resource", "enterprises", "--data", str(data)])

    out = capsys.readouterr().out
    assert code == 0, out
    lines = out.splitlines()
    assert "  H 列「保险起止日期」→ policy_start、policy_end(起止日期,拆分为两列)" in lines
    assert [line for line in lines if line.startswith("  名单!H")] == [
        "  名单!H2  2024-07-01至2025-06-30 → 2024-07-01、2025-06-30  "
        "(起止日期拆分为保险起期和保险止期)",
        "  名单!H3  2024.8.1-2025.7.31 → 2024-08-01、2025-07-31  "
        "(起止日期拆分为保险起期和保险止期)",
        "  名单!H4  2024年9月1日至2025年9月30日 → 2024-09-01、2025-09-30  "
        "(起止日期拆分为保险起期和保险止期)",
    ]
    assert lines[-1] == f"校验通过,已写入 {data}/enterprises.csv。"
    after = (data / "enterprises.csv").read_text(encoding="utf-8").splitlines()
    assert after[3] == before[3].replace("2025-08-31", "2025-09-30")
    assert after[:3] + after[4:] == before[:3] + before[4:]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_unusable_policy_periods_stop_the_import_naming_file_row_and_column(
        data, tmp_path, capsys, suffix):
    periods = ["2024-07-01至2025-06-30", "2024-13-01至2025-07-31", "2025-08-31至2024-09-01"]
    source = roster_sheet(tmp_path / "坏.xlsx", periods)
    where = "坏.xlsx 工作表「名单」"
    if suffix == ".csv":
        book = openpyxl.load_workbook(source)
        text = "\n".join(",".join(str(v) for v in row) for row in book.active.iter_rows(
            values_only=True))
        source = tmp_path / "坏.csv"
        source.write_text(text + "\n", encoding="utf-8")
        where = "坏.csv"
    before = snapshot(data)

    code = main(["import", str(source), "--resource", "enterprises", "--data", str(data)])

    assert code == 1
    assert snapshot(data) == before
    assert capsys.readouterr().err == (
        f"导入失败:{where} 有 2 处起止日期无法使用,没有导入任何数据:\n"
        "  第 3 行 H 列「保险起止日期」:“2024-13-01至2025-07-31”不是起止日期,"
        "应写成“2025-01-01至2025-12-31”这样的两个日期\n"
        "  第 4 行 H 列「保险起止日期」:“2025-08-31至2024-09-01”的止期 2024-09-01 早于起期 "
        "2025-08-31,请检查是否写反\n"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-01-01至2025-12-31", ("2025-01-01", "2025-12-31")),
        ("2025.1.1-2025.12.31", ("2025-01-01", "2025-12-31")),
        ("2025年1月1日至2025年12月31日", ("2025-01-01", "2025-12-31")),
        ("2025/1/1 ～ 2025/12/31", ("2025-01-01", "2025-12-31")),
        ("2025-01-01-2025-12-31", ("2025-01-01", "2025-12-31")),
        ("2025年1月1日零时起至2025年12月31日24时止", ("2025-01-01", "2025-12-31")),
        ("20250101-20251231", ("2025-01-01", "2025-12-31")),
        ("2025-01-01", None),
        ("2025-02-30至2025-12-31", None),
        ("一年", None),
    ],
)
def test_policy_period_spellings(text, expected):
    assert normalise.parse_date_range(text) == expected
