"""`azx import`: messy Excel and GB18030 CSV in, canonical CSV out, nothing written on errors."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from fixtures.cases import DATA, write_site_small

from generator.cli import main
from generator.intake import merge, normalise
from generator.package.uscc import check_char


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """site_small (data/ cut down); the real data/ is never touched."""
    root = tmp_path / "data"
    write_site_small(root)
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.iterdir())}


def june_row(region: str, industry: str) -> dict[str, str]:
    """data/'s (and so site_small's) coverage row of June 2025 for one county and industry."""
    with open(DATA / "coverage.csv", encoding="utf-8", newline="") as handle:
        return next(r for r in csv.DictReader(handle)
                    if (r["period"], r["region_code"], r["industry_code"])
                    == ("2025-06", region, industry))


def messy_coverage(path: Path, *, insured_first: object = 9, region_last: str = "4117A3") -> Path:
    """site_small's June 2025 coverage as a person would type it: title rows, a merged two-row
    header, full-width digits, thousands separators, 万元, an Excel date, 2025年6月, a total and a
    note. One row differs from the package: 正阳县 fireworks, 290 employees and 5.9 万元."""
    road = june_row("411724", "transport")  # typed as the package holds it
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "进展"
    ws["A1"] = "驻马店市安全生产责任保险投保进展统计表"
    ws.merge_cells("A1:J1")
    ws["A2"] = "填报单位:市应急管理局"
    top = ["统计月份", "县区", "行业", "应投保企业数", "已投保", None,
           "本年累计保费(万元)", "最低每人死亡伤残限额(元)", "投保率", "从业人员总数"]
    for col, text in enumerate(top, start=1):
        ws.cell(3, col, text)
    ws["E4"], ws["F4"] = "企业数", "覆盖从业人员数"
    for col in "ABCDGHIJ":
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("E3:F3")
    rows = [
        ["2025年6月", "正阳县", "烟花爆竹", "９", insured_first, "290", 5.9, 500000, 1.0, 293],
        [dt.datetime(2025, 6, 1), "411724 正阳县", "危险化学品", 24, 24, 1916, 23.323619,
         400000, 1.0, 1916],
        ["2025/6", "正阳县", "交通运输", int(road["units_required"]), int(road["units_insured"]),
         int(road["employees_covered"]), float(Decimal(road["premium_ytd"]) / 10000),
         f"{int(road['min_death_limit']):,}",
         round(int(road["units_insured"]) / int(road["units_required"]), 3),
         int(road["employees_total"])],
        ["2025-06", region_last, "transport", 134, 134, 6892, 66.662941, 400000, None, 6892],
        ["合计", None, None, 167 + int(road["units_required"]), 167 + int(road["units_insured"]),
         f"{9098 + int(road['employees_covered']):,}",
         round(95.89 + float(road["premium_ytd"]) / 10000, 2),
         None, None, f"{9101 + int(road['employees_total']):,}"],
        ["注:保费单位为万元"],
    ]
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def test_messy_excel_is_converted_merged_and_reported(data, tmp_path, capsys):
    source = messy_coverage(tmp_path / "六月.xlsx")
    before = (data / "coverage.csv").read_text(encoding="utf-8")
    kept = len([line for line in before.splitlines()[1:] if not line.startswith("2025-06,")])

    code = main(["import", str(source), "--resource", "coverage", "--data", str(data)])

    out = capsys.readouterr().out
    assert code == 0, out
    lines = out.splitlines()
    assert lines[:2] == [
        f"导入 六月.xlsx(工作表「进展」)→ {data}/coverage.csv",
        "表头:第 3–4 行;数据 4 行",
    ]
    assert "  I 列「投保率」不是 coverage 的字段,已忽略" in lines
    for line in [
        "  进展!A5  2025年6月 → 2025-06  (月份统一为 YYYY-MM)",
        "  进展!B5  正阳县 → 411724  (名称转为代码)",
        "  进展!C5  烟花爆竹 → fireworks  (名称转为代码)",
        "  进展!D5  ９ → 9  (全角字符转半角)",
        "  进展!G5  5.9 → 59000  (表头单位为万元,×10000 换算为元)",
        "  进展!A6  2025-06-01 → 2025-06  (Excel 日期单元格,取年月)",
        "  进展!B6  411724 正阳县 → 411724  (“代码 名称”取代码)",
        "  进展!A7  2025/6 → 2025-06  (月份统一为 YYYY-MM)",
        "  进展!H7  600,000 → 600000  (去掉千位分隔符)",
        "  跳过 进展!A9:合计行,不导入(合计由网站计算)",
        "  跳过 进展!A10:表格下方的说明文字,不导入",
        f"合并:替换 2025-06 的数据,原有 4 行被本次导入的 4 行取代,保留其他 {kept} 行,"
        f"合并后共 {kept + 4} 行",
        f"校验通过,已写入 {data}/coverage.csv。",
    ]:
        assert line in lines
    after = (data / "coverage.csv").read_text(encoding="utf-8")
    # Only the two values that really changed differ; order, style and other months are kept.
    assert after == before.replace("2025-06,411724,fireworks,9,9,287,293,58587.11,500000",
                                   "2025-06,411724,fireworks,9,9,290,293,59000.00,500000")


def test_gb18030_csv_adds_a_year(data, tmp_path, capsys):
    source = tmp_path / "预防.csv"
    text = (
        "年度,保险机构,实收保费(万元),事故预防费用预算(万元),事故预防费用支出(万元),"
        "服务企业数,服务次数,发现隐患数,已整改隐患数\n"
        "2026年,蔡州财险,120,24,20.5,45,70,130,120\n"
        "2026,汝河财产保险股份有限公司驻马店市分公司,\"70\",14,12,30,40,90,88\n"
        "2026,TXCX,80,16,12,30,40,90,88\n"
    )
    source.write_bytes(text.encode("gb18030"))
    before = (data / "prevention.csv").read_text(encoding="utf-8").splitlines()

    code = main(["import", str(source), "--resource", "prevention", "--data", str(data)])

    out = capsys.readouterr().out
    assert code == 0, out
    assert "  预防.csv!A2  2026年 → 2026  (去掉单位“年”)" in out
    assert "  预防.csv!B2  蔡州财险 → CZCX  (名称转为代码)" in out
    full_name = "汝河财产保险股份有限公司驻马店市分公司"
    assert f"  预防.csv!B3  {full_name} → RHCX  (名称转为代码)" in out
    assert (data / "prevention.csv").read_text(encoding="utf-8").splitlines() == [
        *before,
        "2026,CZCX,1200000.00,240000.00,205000.00,45,70,130,120",
        "2026,RHCX,700000.00,140000.00,120000.00,30,40,90,88",
        "2026,TXCX,800000.00,160000.00,120000.00,30,40,90,88",
    ]


def test_failing_import_changes_nothing_and_names_the_cells(data, tmp_path, capsys):
    source = messy_coverage(tmp_path / "bad.xlsx", insured_first=10, region_last="开发区")
    before = snapshot(data)

    code = main(["import", str(source), "--resource", "coverage", "--data", str(data)])

    out = capsys.readouterr().out
    assert code == 1
    assert snapshot(data) == before
    assert f"校验未通过:2 个错误。{data}/ 下的文件没有任何改动。" in out
    errors = [line for line in out.splitlines() if line.startswith("  错误 ")]
    assert [e.split(":")[0] for e in errors] == ["  错误 进展!E5", "  错误 进展!B8"]
    assert "开发区" in errors[1]
    assert (
        "  未识别 进展!B8:“开发区”不是已有的代码、名称或简称(region_code),"
        "请从模板的下拉列表中选择"
    ) in out.splitlines()


def test_missing_required_column_is_a_data_problem(data, tmp_path, capsys):
    source = tmp_path / "short.csv"
    source.write_text("统计月份,县区,行业,应投保企业数\n2026-01,411724,transport,10\n",
                      encoding="utf-8")

    code = main(["import", str(source), "--resource", "coverage", "--data", str(data)])

    assert code == 1
    assert capsys.readouterr().err == (
        "导入失败:short.csv 第 1 行的表头缺少必填列:已投保企业数(units_insured)、"
        "覆盖从业人员数(employees_covered)、从业人员总数(employees_total)、"
        "本年累计保费(premium_ytd)。"
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
        (normalise.parse_year, "2026年度", "2026"),
        (normalise.parse_year, "2026年6月", None),
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
    """The 城乡一体化示范区 sends only its own rows for 2025-05 and 2025-06, one of them changed."""
    path.write_text(
        "统计月份,县区,行业,应投保企业数,已投保企业数,覆盖从业人员数,从业人员总数,本年累计保费,"
        "最低每人死亡伤残限额\n"
        "2025-05,驻马店市城乡一体化示范区,交通运输,134,134,6582,6582,554180.44,400000\n"
        "2025-06,驻马店市城乡一体化示范区,交通运输,134,134,6900,6900,666629.41,400000\n",
        encoding="utf-8")
    return path


def test_import_that_would_remove_other_rows_stops(data, tmp_path, capsys):
    before = snapshot(data)

    code = main(["import", str(county_june(tmp_path / "示范区.csv")), "--resource", "coverage",
                 "--data", str(data)])

    out = capsys.readouterr().out
    assert code == 1
    assert snapshot(data) == before
    assert out.splitlines()[-9:] == [
        f"导入已停止:文件含有 2025-05、2025-06 的数据,按期间整体替换会删除 {data}/coverage.csv "
        "中 6 行文件里没有的已有数据:",
        "  2025-05 正阳县 烟花爆竹",
        "  2025-05 正阳县 危险化学品",
        "  2025-05 正阳县 交通运输",
        "  2025-06 正阳县 烟花爆竹",
        "  2025-06 正阳县 危险化学品",
        "  …… 另有 1 行",
        f"{data}/ 下的文件没有任何改动。",
        "如果只想更新文件里的这些行,请把上面这些行也放进文件(可从现有数据复制);"
        "如果确实要用本文件替换这些期间的全部数据,请加上 --replace-periods 重新导入。",
    ]


def test_replace_periods_replaces_the_whole_period(data, tmp_path, capsys):
    before = (data / "coverage.csv").read_text(encoding="utf-8").splitlines()
    kept = len([r for r in before[1:] if not r.startswith(("2025-05,", "2025-06,"))])
    code = main(["import", str(county_june(tmp_path / "示范区.csv")), "--resource", "coverage",
                 "--data", str(data), "--replace-periods"])

    out = capsys.readouterr().out
    assert code == 0, out
    assert (f"合并:替换 2025-05、2025-06 的数据,原有 8 行被本次导入的 2 行取代,保留其他 {kept} 行,"
            f"合并后共 {kept + 2} 行") in out.splitlines()
    spring = [r for r in (data / "coverage.csv").read_text(encoding="utf-8").splitlines()
              if r.startswith(("2025-05", "2025-06"))]
    assert spring == ["2025-05,4117A3,transport,134,134,6582,6582,554180.44,400000",
                      "2025-06,4117A3,transport,134,134,6900,6900,666629.41,400000"]


def test_rates_sheet_with_year_names_permille_and_percent(data, tmp_path, capsys):
    source = tmp_path / "费率.csv"
    source.write_text(
        "年度,行业,保险公司,基准费率下限(‰),基准费率上限(‰),浮动范围下限(%),浮动范围上限(%)\n"
        "2026年,烟花爆竹,蔡州财险,1.2‰,1.8‰,-30%,30%\n"
        "2026,危险化学品,汝河财险,0.6,0.9,-20,20\n", encoding="utf-8")

    code = main(["import", str(source), "--resource", "rates", "--data", str(data)])

    out = capsys.readouterr().out
    assert code == 0, out
    for line in [
        "  费率.csv!A2  2026年 → 2026  (年度统一为 YYYY)",
        "  费率.csv!B2  烟花爆竹 → fireworks  (名称转为代码)",
        "  费率.csv!C2  蔡州财险 → CZCX  (名称转为代码)",
        "  费率.csv!D2  1.2‰ → 1.2  (千分数)",
        "  费率.csv!F2  -30% → -30  (百分数)",
    ]:
        assert line in out.splitlines()
    lines = (data / "rates.csv").read_text(encoding="utf-8").splitlines()
    assert lines[-2:] == ["2026,fireworks,CZCX,1.20,1.80,-30,30",
                          "2026,hazardous_chemicals,RHCX,0.60,0.90,-20,20"]


ROSTER_HEADER = ["统一社会信用代码", "企业名称", "所属县区", "行业", "应投保起始月份", "是否投保",
                 "承保机构", "保险起止日期", "最近核查月份"]


def roster_sheet(path: Path, periods: list[str], data: Path) -> Path:
    """The first rows of the fixture's roster as a department lists them: one column for the
    policy period, written in `periods`."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "名单"
    ws.append(ROSTER_HEADER)
    rows = merge.read_table(data / "enterprises.csv")[1]
    for row, period in zip(rows, periods, strict=False):
        ws.append([row["uscc"], row["name"], row["region_code"], row["industry_code"],
                   row["required_since"], row["insured"], row["insurer_code"], period,
                   row["last_checked"]])
    book.save(path)
    return path


def test_one_policy_period_column_is_split_into_start_and_end(data, tmp_path, capsys):
    source = roster_sheet(tmp_path / "名单.xlsx", [
        "2024-07-01至2025-06-30", "2024.8.1-2025.7.31", "2024年9月1日至2025年9月30日"], data)
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
    ranges = [("2024-07-01", "2025-06-30"), ("2024-08-01", "2025-07-31"),
              ("2024-09-01", "2025-09-30")]
    rows = [line.split(",") for line in before[1:4]]  # policy_start, policy_end: columns 8, 9
    assert after[1:4] == [",".join([*r[:7], start, end, *r[9:]])
                          for r, (start, end) in zip(rows, ranges, strict=True)]
    assert after[:1] + after[4:] == before[:1] + before[4:]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_unusable_policy_periods_stop_the_import_naming_file_row_and_column(
        data, tmp_path, capsys, suffix):
    periods = ["2024-07-01至2025-06-30", "2024-13-01至2025-07-31", "2025-08-31至2024-09-01"]
    source = roster_sheet(tmp_path / "坏.xlsx", periods, data)
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


DEPARTMENT_HEADER = ["统一社会信用代码", "企业名称", "所属县区", "行业", "是否投保", "承保机构",
                     "保险起止日期"]


def department_list(path: Path, rows: list[list]) -> Path:
    """A department's roster list with only the seven headers the departments use."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "名单"
    ws.append(DEPARTMENT_HEADER)
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def new_code(taken: set[str]) -> str:
    """A fictional code with a valid check digit that the roster does not hold."""
    for n in range(1000):
        first = f"91411700{n:04d}NEWA1"
        code = first + check_char(first)
        if code not in taken:
            return code
    raise AssertionError("no free code")


def test_a_department_list_with_seven_headers_fills_the_months_and_validates(
        data, tmp_path, capsys):
    header, rows = merge.read_table(data / "enterprises.csv")
    old, other = rows[0], rows[1]
    latest = max(r["period"] for r in merge.read_table(data / "coverage.csv")[1])
    code = new_code({r["uscc"] for r in rows})
    # the new unit is required and not insured: coverage's latest month counts it
    cover_header, cover = merge.read_table(data / "coverage.csv")
    cell = next(r for r in cover if (r["period"], r["region_code"], r["industry_code"])
                == (latest, old["region_code"], old["industry_code"]))
    cell["units_required"] = str(int(cell["units_required"]) + 1)
    (data / "coverage.csv").write_text(merge.csv_text(cover_header, cover), encoding="utf-8")
    source = department_list(tmp_path / "名单.xlsx", [
        [old["uscc"], old["name"], old["region_code"], old["industry_code"], old["insured"],
         old["insurer_code"], f"{old['policy_start']}至{old['policy_end']}"
         if old["policy_start"] else None],
        [code, "示例新列入机械有限公司", old["region_code"], old["industry_code"], "否", None,
         None],
    ])

    result = main(["import", str(source), "--resource", "enterprises", "--data", str(data)])

    lines = capsys.readouterr().out.splitlines()
    assert result == 0, "\n".join(lines)
    assert lines[lines.index("补填的字段:") + 1:lines.index("补填的字段:") + 3] == [
        f"  最近核查月份(last_checked):文件没有这一列,本次导入的 2 家都填为 {latest}"
        f"(本名单即一次核查,核查月份取投保进展(coverage)最近一个月 {latest},"
        "名单的家数与这个月比对;可用 --month 指定)",
        "  应投保起始月份(required_since):文件没有这一列,名单中已有的 1 家沿用原来的月份;"
        "新列入的 1 家填为核查月份(从这次核查起确知其应投保;更早的月份请在文件中加"
        "“应投保起始月份”一列)",
    ]
    assert lines[-1] == f"校验通过,已写入 {data}/enterprises.csv。"
    after = {r["uscc"]: r for r in merge.read_table(data / "enterprises.csv")[1]}
    assert after[old["uscc"]] == old | {"last_checked": latest}
    assert after[other["uscc"]] == other
    assert after[code] == {
        "uscc": code, "name": "示例新列入机械有限公司", "region_code": old["region_code"],
        "industry_code": old["industry_code"], "required_since": latest, "insured": "否",
        "insurer_code": "", "policy_start": "", "policy_end": "", "last_checked": latest}
    assert len(after) == len(rows) + 1
    assert main(["validate", str(data)]) == 0, capsys.readouterr().out


def test_the_month_of_the_check_can_be_given_and_must_be_a_month(data, tmp_path, capsys):
    rows = merge.read_table(data / "enterprises.csv")[1]
    row = next(r for r in rows if r["insured"] == "否")
    source = department_list(tmp_path / "名单.xlsx", [
        [row["uscc"], row["name"], row["region_code"], row["industry_code"], "否", None, None]])
    before = snapshot(data)

    assert main(["import", str(source), "--resource", "enterprises", "--data", str(data),
                 "--month", "2025年12月"]) == 2
    assert capsys.readouterr().err.endswith(
        "--month '2025年12月' 不是年月,应写成 2025-06 这样\n")
    assert snapshot(data) == before

    month = max(r["last_checked"] for r in rows)
    assert main(["import", str(source), "--resource", "enterprises", "--data", str(data),
                 "--month", month]) == 0
    assert (f"  最近核查月份(last_checked):文件没有这一列,本次导入的 1 家都填为 {month}"
            f"(本名单即一次核查,核查月份取命令行 --month {month})"
            in capsys.readouterr().out.splitlines())
    after = {r["uscc"]: r for r in merge.read_table(data / "enterprises.csv")[1]}
    assert after[row["uscc"]] == row | {"last_checked": month}


def test_the_roster_template_still_takes_every_column_and_round_trips(data, tmp_path, capsys):
    out = tmp_path / "名单模板.xlsx"
    assert main(["template", "enterprises", "--xlsx", str(out), "--data", str(data)]) == 0
    book = openpyxl.load_workbook(out)
    ws = book["应投保企业名单"]
    header, rows = merge.read_table(data / "enterprises.csv")
    assert [c.value for c in ws[1]] == ROSTER_HEADER[:7] + ["保险起期", "保险止期",
                                                            "最近核查月份"]
    for row in rows[:3]:
        ws.append([row[name] or None for name in header])
    book.save(out)

    code = main(["import", str(out), "--resource", "enterprises", "--data", str(data)])

    lines = capsys.readouterr().out.splitlines()
    assert code == 0, "\n".join(lines)
    assert "补填的字段:" not in lines
    assert lines[-1] == f"校验通过;{data}/enterprises.csv 内容没有变化。"
