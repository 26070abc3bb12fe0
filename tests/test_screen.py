"""The screened validation (generator/validate/screen.py) reports exactly what Frictionless's own
`Resource.validate` reports: every error with all its properties, in order, the warnings, the
statistics. Compared on every fixture package and on copies of data/ with many random defects
(junk and blank cells, unknown codes, repeated and blank keys, short, long and blank rows, a
unique constraint), under and over the error limit.
"""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
from pathlib import Path

import frictionless
import pytest
from fixtures.cases import DATA

from generator.validate import screen, tableschema
from generator.validate.read import read_descriptor, read_tables, safe_resources

JUNK = ["", "", "abc", "1,2", "１２", "12%", " 12", "-1", "-0.5", "1e3", "2025/1/1", "2025-13",
        "是", "true", "411799", "ZZCX", "unknown", "x" * 600, "9" * 5000, "NaN", "0x1F", " "]
DAMAGED = ["coverage.csv", "enterprises.csv", "assessment_scores.csv", "claims.csv",
           "insurers.csv"]


def packages(root: Path) -> tuple[frictionless.Package, frictionless.Package,
                                  dict[str, bytes]] | None:
    """Two equal Frictionless packages of the readable tables, as tableschema builds them, and
    the tables' bytes by name; None when there is nothing for Frictionless to validate."""
    descriptor, _ = read_descriptor(root)
    if descriptor is None or tableschema.unreadable_metadata(descriptor):
        return None
    tables, _ = read_tables(root, safe_resources(root, descriptor)[0])
    names = {t.name for t in tables}
    resources = []
    for resource in descriptor["resources"]:
        if resource["name"] in names:
            schema = dict(resource["schema"])
            schema["foreignKeys"] = [k for k in schema.get("foreignKeys", [])
                                     if k["reference"].get("resource") in names | {""}]
            resources.append({**resource, "schema": schema, "dialect": tableschema.CSV_DIALECT})
    try:
        return tuple(frictionless.Package({**descriptor, "resources": resources},  # type: ignore
                                          basepath=str(root)) for _ in range(2)) + (
            {t.name: t.data for t in tables},)
    except frictionless.FrictionlessException:
        return None


def described(report: frictionless.Report) -> dict:
    """The report as a descriptor, without its timings."""
    descriptor = report.to_descriptor()
    descriptor["stats"].pop("seconds")
    for task in descriptor["tasks"]:
        task["stats"].pop("seconds")
    return descriptor


def assert_same_reports(root: Path, limit: int = tableschema.ERROR_LIMIT) -> tuple[int, int]:
    """Compare Frictionless's validation of each table of the package at `root` with the
    screen's, from Frictionless's cell stream and from the file's bytes; the errors found and
    the tables whose bytes were split as plain rows."""
    built = packages(root)
    if built is None:
        return 0, 0
    theirs, ours, tables = built
    found = plain = 0
    for name, data in tables.items():
        expected = described(theirs.get_resource(name).validate(limit_errors=limit))
        assert described(screen.validate(ours.get_resource(name), limit)) == expected, name
        assert described(screen.validate(ours.get_resource(name), limit, data)) == expected, name
        found += len(expected["tasks"][0]["errors"])
        resource = ours.get_resource(name)
        with resource:
            plain += screen._plain_lines(resource, data) is not None
    return found, plain


# the fixture packages whose defects Frictionless reports (cells, rows, keys, codes, dialect)
SCHEMA_CASES = ["valid_base", "ok_bom", "ok_crlf", "bad_thousands", "bad_thousands_unquoted",
                "bad_fullwidth", "bad_required_empty", "bad_blank_row", "bad_duplicate_key",
                "bad_unknown_code", "bad_roster_duplicate", "bad_rates_period", "bad_score_range",
                "bad_descriptor_primary_key", "bad_missing_column", "bad_days_missing"]


@pytest.mark.parametrize("case", SCHEMA_CASES)
def test_fixture_packages(case, fixture_package):
    assert_same_reports(fixture_package(case))


def read_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def damage(folder: Path, seed: int, count: int, junk: list[str] = JUNK) -> None:
    """`count` random defects in the CSVs of DAMAGED (bad cells from `junk`), the same for a
    seed."""
    rng = random.Random(seed)
    tables = {name: read_rows(folder / name) for name in DAMAGED}
    for _ in range(count):
        rows = tables[rng.choice(DAMAGED)]
        i, width = rng.randrange(1, len(rows)), len(rows[0])
        kind = rng.randrange(9)
        if kind < 3 and len(rows[i]) == width:
            rows[i][rng.randrange(width)] = rng.choice(junk)
        elif kind == 3:  # a key seen before, further down or next
            rows.insert(rng.choice([i + 1, rng.randrange(1, len(rows) + 1)]), list(rows[i]))
        elif kind == 4:
            rows[i] = rows[i][:rng.randrange(width)]
        elif kind == 5:
            rows[i] = rows[i] + [rng.choice(junk)]
        elif kind == 6:
            rows.insert(i, rng.choice([[], [""] * width]))
        elif kind == 7:  # a repeated key with a bad cell
            row = list(rows[i]) or [""]
            row[0] = rng.choice(junk)
            rows[i:i] = [row, list(row)]
        elif len(rows[i]) == width:
            rows[i][0] = ""
    for name, rows in tables.items():
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        (folder / name).write_text(out.getvalue(), encoding="utf-8")


def unique_names(folder: Path) -> None:
    """Give the insurers' short names a unique constraint."""
    path = folder / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == "insurers")
    field = next(f for f in resource["schema"]["fields"] if f["name"] == "short_name")
    field.setdefault("constraints", {})["unique"] = True
    path.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize("seed, count", [(1, 5), (2, 40), (3, 1500)])
def test_damaged_copies_of_data(seed, count, tmp_path):
    folder = tmp_path / "pkg"
    shutil.copytree(DATA, folder)
    damage(folder, seed, count)
    if seed % 2:
        unique_names(folder)
    found, plain = assert_same_reports(folder)
    assert found > 0 and plain > 0
    assert_same_reports(folder, limit=25)  # the screen stops short: Frictionless validates


@pytest.mark.parametrize("seed, count", [(4, 40), (5, 600)])
def test_damaged_tables_without_quotes_split_as_plain_rows(seed, count, tmp_path):
    """Defects a CSV writer leaves unquoted (but a row of one empty cell): each table without a
    quote is split, not parsed."""
    folder = tmp_path / "pkg"
    shutil.copytree(DATA, folder)
    damage(folder, seed, count, [c for c in JUNK if "," not in c and not c.startswith(" ")])
    tables, _ = read_tables(folder, safe_resources(folder, read_descriptor(folder)[0])[0])
    found, plain = assert_same_reports(folder)
    assert found > 0 and plain == sum(b'"' not in t.data for t in tables) >= len(tables) - 3


def plain_rows(data: bytes, width: int) -> list[list[str]]:
    """The rows the screen splits of `data`'s lines, having checked each chunk's row numbers
    and its columns: a row's cells, or all None with the row flagged when it has not `width`."""
    rows: list[list[str]] = []
    for number, lines in screen._lines(data):
        assert number == len(rows) + 1
        chunk = screen._from_lines(number, lines, width)
        assert list(chunk.numbers) == list(range(number, number + len(lines)))
        for j in range(len(lines)):
            cells = chunk.cells(j)
            assert [column[j] for column in chunk.columns] == (
                cells if len(cells) == width else [None] * width)
            assert chunk.flags[j] == (len(cells) != width)
            rows.append(cells)
    return rows


@pytest.mark.parametrize("text", [
    "a,b\n1,2\n", "a,b\n1,2", "a,b\n\n1,2\n\n", "a,b\n,\n,,,\n1\n\n\n", "\ufeffa,b\n中,文\n",
    "a\n" + "x" * 100_000 + "\n", "a,b\n1,2\x0b3\u20284,5\x1c\n", "a,b\n1,2,3\n4\n5,6\n",
    "a,b\n" + "1,2\n" * 50_000 + "3\n" + "4,5\n" * 50_000, "a,b\n" + "1,2\n" * 50_000])
def test_plain_rows_are_what_the_csv_reader_reads(text):
    data = text.encode("utf-8")
    expected = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert plain_rows(data, 2) == expected


@pytest.mark.parametrize("text", ['a,b\n"1",2\n', "a,b\r\n1,2\r\n", "a,b\n1, 2\n", "a,b\n 1,2\n",
                                  " a,b\n1,2\n", "a,b\n1,\x002\n"])
def test_rows_a_csv_reader_may_read_otherwise_are_not_split(text, tmp_path):
    (tmp_path / "t.csv").write_text(text, encoding="utf-8")
    resource = frictionless.Resource(
        {"name": "t", "path": "t.csv", "dialect": tableschema.CSV_DIALECT,
         "schema": {"fields": [{"name": "a"}, {"name": "b"}]}}, basepath=str(tmp_path))
    with resource:
        assert screen._plain_lines(resource, text.encode("utf-8")) is None
        assert screen._plain_lines(resource, text.replace('"', "").replace("\r", "").replace(
            ", ", ",").replace("\n ", "\n").lstrip().replace("\x00", "").encode("utf-8"))


def test_a_valid_table_is_screened(monkeypatch):
    """With the Frictionless version the screen copies, Frictionless reads no row itself."""
    built = packages(DATA)
    assert built is not None
    theirs, ours, _ = built
    expected = described(theirs.get_resource("coverage").validate(limit_errors=1000))

    def refuse(*args, **kwargs):
        raise AssertionError(f"frictionless {frictionless.__version__} validated the table: "
                             f"check screen.py against it and set SCREENED")

    monkeypatch.setattr(frictionless.Resource, "validate", refuse)
    assert described(screen.validate(ours.get_resource("coverage"), 1000)) == expected


def test_a_column_reads_each_distinct_cell_once(monkeypatch):
    """A cell seen in an earlier chunk is not read again (until MEMORY cells are seen); its
    notes, missing value and value are remembered."""
    read: list[str] = []

    def reader(cell):
        read.append(cell)
        notes = {"minimum": "below 0"} if cell.startswith("-") else None
        return (None, None) if cell == "" else (int(cell), notes)

    column = screen._Column(reader, typed=True)
    column.read({"1", "", "-1"})
    column.read({"1", "2"})
    assert sorted(read) == ["", "-1", "1", "2"]
    assert (column.bad, column.missing, column.values) == (
        {"-1"}, {""}, {"1": 1, "": None, "-1": -1, "2": 2})
    monkeypatch.setattr(screen, "MEMORY", 3)
    column.read({"1", "3"})  # four seen: forgotten, then read again
    assert sorted(read) == ["", "-1", "1", "1", "2", "3"]
    assert column.values == {"1": 1, "3": 3} and column.bad == {"-1"}
