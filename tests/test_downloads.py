"""Download files: CSV for Excel (BOM), typed JSON, XLSX with Chinese headers and names, stable
bytes, the cache, Excel's limit."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import shutil
import warnings
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from generator.package.load import load_package
from generator.site import downloads, pages, render
from generator.site import xlsx as writer


def by_name(entries: list[dict]) -> dict[str, dict]:
    return {e["name"]: e for e in entries}


def rows(root: Path, name: str) -> list[dict[str, str]]:
    with open(root / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_resource_as_csv_json_xlsx_and_the_package_zip(tmp_path, fixture_package):
    package = load_package(fixture_package("site_small"))

    entries = by_name(downloads.write_downloads(package, tmp_path / "docs", tmp_path / "cache"))

    out = tmp_path / "docs" / "downloads"
    regions = entries["regions"]
    assert [f["format"] for f in regions["files"]] == ["CSV", "JSON", "XLSX"]
    first = rows(package.root, "regions")[0]
    assert regions["rows"] == len(rows(package.root, "regions"))
    assert regions["xlsx_left_out"] is None
    assert json.loads((out / "regions.json").read_text(encoding="utf-8"))[0] == {
        **first, "display_order": int(first["display_order"])}
    with zipfile.ZipFile(out / "zhumadian-ajx.zip") as bundle:
        assert bundle.read("coverage.csv") == (package.root / "coverage.csv").read_bytes()
    assert entries["package"]["rows"] == sum(
        e["rows"] for name, e in entries.items() if name != "package")


def test_a_second_build_gives_the_same_bytes_from_the_cache(tmp_path, monkeypatch, fixture_package):
    package = load_package(fixture_package("site_small"))
    first = downloads.write_downloads(package, tmp_path / "one", tmp_path / "cache")

    def no_conversion(*args):
        raise AssertionError("converted again although the data did not change")

    monkeypatch.setattr(downloads, "to_xlsx", no_conversion)
    monkeypatch.setattr(downloads, "write_json", no_conversion)
    second = downloads.write_downloads(package, tmp_path / "two", tmp_path / "cache")

    assert second == first
    for entry in first:
        for f in entry["files"]:
            assert (tmp_path / "two" / f["path"]).read_bytes() == \
                (tmp_path / "one" / f["path"]).read_bytes()


def test_a_table_longer_than_an_excel_sheet_gets_no_xlsx_and_a_note(tmp_path, monkeypatch,
                                                                   fixture_package):
    root = fixture_package("site_small")
    counts = {path.stem: len(rows(root, path.stem)) for path in root.glob("*.csv")}
    coverage, roster = counts.pop("coverage"), counts.pop("enterprises")
    limit = max(counts.values()) + 1  # every other table fits, with its header row
    assert coverage >= limit and roster >= limit
    monkeypatch.setattr(downloads, "EXCEL_SHEET_ROWS", limit)
    package = load_package(root)

    entries = by_name(downloads.write_downloads(package, tmp_path / "docs", tmp_path / "cache"))

    assert [f["format"] for f in entries["coverage"]["files"]] == ["CSV", "JSON"]
    assert entries["coverage"]["xlsx_left_out"] == limit
    assert not (tmp_path / "docs" / "downloads" / "coverage.xlsx").exists()
    assert [f["format"] for f in entries["assessment_scores"]["files"]] == ["CSV", "JSON", "XLSX"]
    site = pages.SiteData(package, downloads=list(entries.values()))
    [page] = [p for p in pages.data_pages(site) if p.path == "downloads.md"]
    render.render([page], {}, tmp_path / "docs", lambda files: dt.date(2025, 6, 30), package)
    text = html.unescape((tmp_path / "docs" / "downloads.md").read_text(encoding="utf-8"))
    assert (f"投保进展共 {coverage} 行,超过 Excel 单个工作表 {limit} 行(含标题行)的上限,"
            "因此不提供 XLSX 格式:请下载 CSV 或 JSON 格式,用数据库、统计软件或编程工具打开"
            f"(用 Excel 直接打开 CSV 只会读入前 {limit} 行)。") in text
    assert text.count("超过 Excel 单个工作表") == 2  # coverage and the roster


def test_a_tables_csv_starts_with_a_bom_and_the_zip_keeps_the_package_files(tmp_path,
                                                                          fixture_package):
    package = load_package(fixture_package("site_small"))
    downloads.write_downloads(package, tmp_path / "docs", tmp_path / "cache")
    out = tmp_path / "docs" / "downloads"
    source = (package.root / "coverage.csv").read_bytes()
    assert not source.startswith(downloads.BOM)
    assert (out / "coverage.csv").read_bytes() == downloads.BOM + source
    (tmp_path / "bom.csv").write_bytes(downloads.BOM + source)
    downloads.write_csv(tmp_path / "bom.csv", tmp_path / "again.csv")
    assert (tmp_path / "again.csv").read_bytes() == downloads.BOM + source  # one BOM, not two


def xlsx(path: Path):
    return load_workbook(path).active


def shown_widths(sheet) -> list[float]:
    """Column widths as Excel shows them, from the file's column ranges (adjacent equal widths
    share one range), less the cell padding of Calibri 11 that the file adds (5 of 7 px)."""
    widths: dict[int, float] = {}
    for dimension in sheet.column_dimensions.values():
        for column in range(dimension.min, dimension.max + 1):
            widths[column] = dimension.width - 5 / 7
    return [widths[c] for c in sorted(widths)]


def test_xlsx_has_chinese_headers_with_units_and_a_name_beside_each_code(tmp_path,
                                                                         fixture_package):
    package = load_package(fixture_package("site_small"))
    downloads.write_downloads(package, tmp_path / "docs", tmp_path / "cache")
    out = tmp_path / "docs" / "downloads"
    names = {r["code"]: r["name"] for table in ("regions", "industries", "insurers")
             for r in rows(package.root, table)}
    cover, claim = rows(package.root, "coverage")[0], rows(package.root, "claims")[0]

    sheet = xlsx(out / "coverage.xlsx")
    assert sheet.title == "投保进展"
    assert list(sheet.iter_rows(max_row=2, values_only=True)) == [
        ("统计月份", "单位代码", "单位名称", "行业代码", "行业名称", "应投保企业数", "已投保企业数",
         "覆盖从业人员数", "从业人员总数", "本年累计保费(元)", "最低每人死亡伤残限额(元)"),
        (cover["period"], cover["region_code"], names[cover["region_code"]],
         cover["industry_code"], names[cover["industry_code"]],
         *(int(cover[c]) for c in ("units_required", "units_insured", "employees_covered",
                                   "employees_total")),
         float(cover["premium_ytd"]), int(cover["min_death_limit"])),
    ]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert shown_widths(sheet)[:11] == pytest.approx([
        10, 10, 26, 21, 12, 14, 14, 16, 14, 18, 26], abs=0.01)  # C, D: longest region name, code

    claims = xlsx(out / "claims.xlsx")
    assert [c.value for c in claims[1]][:5] == [
        "统计季度", "保险机构代码", "保险机构名称", "行业代码", "行业名称"]
    assert [c.value for c in claims[2]][:5] == [
        claim["period"], claim["insurer_code"], names[claim["insurer_code"]],
        claim["industry_code"], names[claim["industry_code"]]]
    longest = max(len(names[r["insurer_code"]]) for r in rows(package.root, "claims"))
    # CJK: two columns a character
    assert shown_widths(claims)[2] == pytest.approx(2 * longest + 2, abs=0.01)
    scores = xlsx(out / "assessment_scores.xlsx")  # insurer_code without a foreign key of its own
    assert [c.value for c in scores[1]][:3] == ["评估轮次", "保险机构代码", "保险机构名称"]
    assessments = xlsx(out / "assessments.xlsx")
    assert [c.value for c in assessments[1]][1:5] == [
        "保险机构代码", "保险机构名称", "评估机构代码", "评估机构名称"]
    regions = xlsx(out / "regions.xlsx")  # a reference table: its names are there already
    assert [c.value for c in regions[1]] == ["单位代码", "单位名称", "类型", "显示顺序"]


def test_a_renamed_region_renames_it_in_the_coverage_xlsx(tmp_path, fixture_package):
    data = tmp_path / "data"
    shutil.copytree(fixture_package("site_small"), data)
    downloads.write_downloads(load_package(data), tmp_path / "one", tmp_path / "cache")
    regions = data / "regions.csv"
    regions.write_text(regions.read_text(encoding="utf-8").replace("正阳县", "正阳新县"),
                       encoding="utf-8")
    downloads.write_downloads(load_package(data), tmp_path / "two", tmp_path / "cache")
    assert xlsx(tmp_path / "one" / "downloads" / "coverage.xlsx")["C2"].value == "正阳县"
    assert xlsx(tmp_path / "two" / "downloads" / "coverage.xlsx")["C2"].value == "正阳新县"


HOSTILE_FIELDS = [{"name": "name", "type": "string", "title": "名称"},
                  {"name": "note", "type": "string", "title": "=说明"},
                  {"name": "amount", "type": "number", "title": "金额"},
                  {"name": "count", "type": "integer", "title": "件数"}]
LONG = "长" * 40000  # over Excel's 32,767 characters a cell
EMOJI_LONG = "😀" * 20000  # 40,000 UTF-16 units
HOSTILE_ROWS = [
    ["a\x01b\x1b[31m", '<&>"\'', "1.5", "7"],
    ["=1+1", "@SUM(A1)", "-2.25", "-3"],
    ["+cmd|' /C calc'!A0", "-2+3", "", ""],
    [LONG, EMOJI_LONG, "nan", "0"],
    ["企业😀名称", " 前后有空格 ", "inf", "12345678901234567"],
    ["_x0041_ and _x00e9_", "line\r\nbreak\rand\nmore", "0.1", "1_000"],
    ["\u3000全角空格", "", "1e-7", ""],
    ["", "", "", ""],
    ["名\u202e\u200b\ufeff字", "tab\there", "123456789.125", "42"],
]


def hostile_csv(tmp_path: Path) -> Path:
    source = tmp_path / "hostile.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([f["name"] for f in HOSTILE_FIELDS])
        writer.writerows(HOSTILE_ROWS)
    return source


def hostile_expected() -> list[list]:
    """The cells a reader gives back: text neutralised and cut at 32,767 UTF-16 units, numbers
    as numbers, a non-finite number as its text, an empty cell empty."""
    return [
        ["名称", "=说明", "金额", "件数"],
        ["a\ufffdb\ufffd[31m", '<&>"\'', 1.5, 7],
        ["=1+1", "@SUM(A1)", -2.25, -3],
        ["+cmd|' /C calc'!A0", "-2+3", None, None],
        ["长" * 32767, "😀" * 16383, "nan", 0],
        ["企业😀名称", " 前后有空格 ", "inf", 12345678901234567],
        ["_x0041_ and _x00e9_", "line\r\nbreak\rand\nmore", 0.1, 1000],
        ["\u3000全角空格", None, 1e-7, None],
        [None, None, None, None],
        ["名\ufffd\ufffd\ufffd字", "tab\ufffdhere", 123456789.125, 42],
    ]


def read_back(path: Path) -> dict[str, list[list]]:
    """The sheet's values as openpyxl and as calamine read them, trailing empties dropped,
    whole floats as ints (calamine reads every number as a float)."""
    from python_calamine import CalamineWorkbook

    def tidy(rows):
        out = []
        for row in rows:
            row = [None if v == "" else int(v) if isinstance(v, float) and v.is_integer() and
                   abs(v) < 2 ** 53 else v for v in row]
            out.append(row + [None] * (4 - len(row)))
        return out

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sheet = load_workbook(path).active
        by_openpyxl = [list(r) for r in sheet.iter_rows(values_only=True)]
        by_calamine = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(
            skip_empty_area=False)
    return {"openpyxl": tidy(by_openpyxl), "calamine": tidy(by_calamine)}


def test_hostile_cells_read_back_the_same_in_openpyxl_and_calamine(tmp_path):
    data = downloads.to_xlsx({"name": "t", "title": "表/t", "schema": {"fields": HOSTILE_FIELDS}},
                             *downloads._blocks(hostile_csv(tmp_path)), {})
    path = tmp_path / "t.xlsx"
    path.write_bytes(data)
    expected = hostile_expected()
    expected[5][3] = 1.234567890123457e16  # 16 significant digits, as Excel holds a number
    found = read_back(path)
    assert found["calamine"] == expected  # as Excel reads it
    # openpyxl leaves Excel's _xHHHH_ escapes of an inline string as they are (so it did with
    # XlsxWriter's sheets): the escaped "_x" and the carriage returns show
    expected[6][:2] = ["_x005F_x0041_ and _x005F_x00e9_", "line_x000D_\nbreak_x000D_and\nmore"]
    assert found["openpyxl"] == expected
    sheet = load_workbook(path).active
    assert sheet.title == "表_t"
    assert [c.font.b for c in sheet[1]] == [True] * 4 and sheet.freeze_panes == "A2"
    assert {c.data_type for row in sheet.iter_rows() for c in row} <= {"s", "n"}
    with zipfile.ZipFile(path) as archive:  # never a formula, a link or a shared formula
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml and "hyperlink" not in xml
    again = downloads.to_xlsx({"name": "t", "title": "表/t", "schema": {"fields": HOSTILE_FIELDS}},
                              *downloads._blocks(hostile_csv(tmp_path)), {})
    assert again == data  # the same bytes twice


def test_a_column_written_at_once_is_written_as_cell_by_cell():
    plain = ["普通文本", "a&b<c>d", "x" * 100, "名称\n第二行", '"引号"']
    tails = writer._text_tails(plain).split(writer.SEPARATOR)
    assert tails == [writer._text_tail(v) for v in plain]
    for odd in (" 前空格", "后空格 ", "_x0041_", "a\rb", "a\x00b", "长" * 20000, "\u3000"):
        tails = writer._text_tails([*plain, odd]).split(writer.SEPARATOR)
        assert tails == [writer._text_tail(v) for v in [*plain, odd]]


def cell_by_cell(header: list[str], blocks: list[list[list]]) -> tuple[str, int]:
    """The rows of <sheetData> as written one cell at a time (`xlsx._cell`), and the number of
    the last row with a cell."""
    letters = [writer.column_letter(n) for n in range(len(header))]
    lines = ['<row r="1">' + "".join(writer._cell(f"{a}1", v).replace('" t="', '" s="1" t="', 1)
                                     for a, v in zip(letters, header, strict=True)) + "</row>"]
    number = last = 1
    for block in blocks:
        for row in zip(*block, strict=True):
            number += 1
            cells = "".join(writer._cell(f"{a}{number}", v)
                            for a, v in zip(letters, row, strict=True))
            if cells:
                lines.append(f'<row r="{number}">{cells}</row>')
                last = number
    return "".join(lines), last


def test_columns_written_at_once_are_the_cells_written_one_at_a_time():
    """Every way a column is made (texts and numbers, repeated or not, with empty cells, odd
    values cell by cell) writes the bytes of one cell at a time."""
    big = 10 ** 15
    full = [  # column A has a cell in every row: the rows are joined at once
        ["甲", "乙", "甲", "甲", "乙", "甲"],  # repeated: each text made once
        [" 前空格", "_x0041_", "a\rb", "普通", "a&b<c>", ""],  # escaped a cell at a time
        [" a", " a", " a", "b", "b", " a"],  # repeated, and escaped a cell at a time
        [7, 7, 0, 7, 0, 7],
        [big - 1, -big + 1, big, 2 ** 53 + 1, -(2 ** 53) - 1, 12345678901234567],
        [0.0, -0.0, 0.0, -0.0, 0.0, -0.0],  # equal, but not written alike
        [1.5, 1.5, 1.5, 2.0, 1.5, 1e-7],
        [1, 1.0, 1, 2.5, 1, 1.0],
        ["县", None, "县", None, None, "县"],
        [None, 3, None, None, 3, 3],
        [None, 1.25, 2.5, None, 1e20, 0.1],
        ["唯一一", "唯一二", None, "唯一三", "唯一四", "唯一五"],
        [True, float("nan"), None, "x", float("inf"), 4],  # cell by cell
        [None] * 6,
        ["尾", None, None, "尾", None, None],
    ]
    gaps = [  # column A has empty cells: a row without any cell is left out
        [None, "a", None, "a", None, None],
        [None, None, 2, None, None, None],
        [None, "b", None, None, None, "b"],
        *([None] * 6 for _ in range(len(full) - 3)),
    ]
    header = [f"列{n}" for n in range(len(full))]
    for blocks in ([full], [full, gaps], [gaps, full, gaps], [gaps]):
        out = io.BytesIO()
        last = writer._sheet_data(header, iter(blocks), out)
        assert (out.getvalue().decode(), last) == cell_by_cell(header, blocks)


def test_every_character_neutralise_replaces_is_unprintable():
    """The fast check of a column (str.isprintable) finds whatever neutralise would replace."""
    from generator.package.text import CELL_FORBIDDEN

    forbidden = [chr(c) for c in range(0x110000) if CELL_FORBIDDEN.match(chr(c)) or chr(c) == "\r"]
    assert len(forbidden) > 2000
    assert not [c for c in forbidden if c.isprintable()]


def json_of(source: Path, rows: int, target: Path) -> str:
    """The JSON download of the CSV `source` of `rows` rows (HOSTILE_FIELDS)."""
    with target.open("w", encoding="utf-8", newline="\n") as out:
        for _ in downloads.write_json(HOSTILE_FIELDS, *downloads._blocks(source), rows, out):
            pass
    return target.read_text(encoding="utf-8")


def test_json_is_json_dumps_of_each_row(tmp_path):
    source = hostile_csv(tmp_path)
    kinds = {"name": str, "note": str, "amount": float, "count": int}
    with source.open(encoding="utf-8", newline="") as handle:
        records = [{k: kinds[k](v) if v != "" else None for k, v in row.items()}
                   for row in csv.DictReader(handle)]
    expected = "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n]\n"
    assert json_of(source, len(HOSTILE_ROWS), tmp_path / "t.json") == expected
    (tmp_path / "empty.csv").write_text("name,note,amount,count\n", encoding="utf-8")
    assert json_of(tmp_path / "empty.csv", 0, tmp_path / "e.json") == "[]\n"
    with pytest.raises(ValueError, match=f"{len(HOSTILE_ROWS) + 1} rows expected"):
        json_of(source, len(HOSTILE_ROWS) + 1, tmp_path / "t.json")


def test_a_table_is_parsed_once_for_its_json_and_xlsx(tmp_path, monkeypatch, fixture_package):
    package = load_package(fixture_package("site_small"))
    parsed = []
    blocks = downloads._blocks
    monkeypatch.setattr(downloads, "_blocks",
                        lambda path: parsed.append(path.name) or blocks(path))
    entries = by_name(downloads.write_downloads(package, tmp_path / "docs", tmp_path / "cache"))
    assert [f["format"] for f in entries["regions"]["files"]] == ["CSV", "JSON", "XLSX"]
    assert len(parsed) == len(set(parsed)) == len(package.descriptor["resources"])


def test_blocks_hold_the_cells_csv_reader_reads(tmp_path, monkeypatch):
    """pandas' C parser gives every cell as the csv module reads it, a block at a time."""
    monkeypatch.setattr(downloads, "BLOCK_ROWS", 4)
    source = hostile_csv(tmp_path)
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, blocks = downloads._blocks(source)
    read = [row for block in blocks for row in zip(*block, strict=True)]
    assert [header, *map(list, read)] == rows
    (tmp_path / "wide.csv").write_text("a,b\n1,2,3\n", encoding="utf-8")
    with pytest.raises(ValueError, match="a row of 3 cells"):
        list(downloads._blocks(tmp_path / "wide.csv")[1])
