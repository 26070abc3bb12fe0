"""Random defects in a tiny valid package: `azx validate` answers each with a clear report.

A fixed seed picks a few dozen defects (junk in a cell, a lost or swapped column, a repeated row,
a file cut mid-line, an empty or binary file, a damaged datapackage.json). For each, validation
must run in-process without an exception, exit 0 or 1, name a file when it fails, and print no
traceback. `azx build` on a few of them must exit 1 and leave an existing site untouched.
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from fixtures.cases import csv_names, reduced
from fixtures.cases import write_valid_base as write_base

from generator import cli

SEED = 20250601
RUNS = 36
CSV_FILES = sorted(csv_names())
JUNK = [
    "不是数字", "9" * 400, "NaN", "nan", "inf", "1e400", "-1e400", "-0", "0x1F", "1_000",
    "😀🔥", "a\x00b", "x" * 20000, "   ", "=HYPERLINK(\"http://x\")", "2025-13-45", "null",
    "\"", "\u202e反转", "１２", "12.5.6", "-5", "2025/6/1", "\ufeff1",
]

Mutation = Callable[[Path, random.Random], str]


def _pick(folder: Path, rng: random.Random) -> tuple[str, list[list[str]]]:
    """A CSV file still readable as a header and rows (an earlier defect may have broken some),
    with its rows; the smallest base file when none is."""
    names = rng.sample(CSV_FILES, len(CSV_FILES))
    for name in names:
        try:
            rows = list(csv.reader(io.StringIO((folder / name).read_text(encoding="utf-8"))))
        except (UnicodeDecodeError, csv.Error):
            continue
        if len(rows) > 1 and len(rows[0]) > 1 and all(len(r) == len(rows[0]) for r in rows):
            return name, rows
    name = "assessors.csv"
    return name, list(csv.reader(io.StringIO(reduced(name).decode("utf-8"))))


def _write_rows(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def junk_cell(folder: Path, rng: random.Random) -> str:
    name, rows = _pick(folder, rng)
    line, column = rng.randrange(1, len(rows)), rng.randrange(len(rows[0]))
    rows[line][column] = rng.choice(JUNK)
    _write_rows(folder / name, rows)
    return f"junk in {name}:{line + 1} {rows[0][column]}"


def delete_column(folder: Path, rng: random.Random) -> str:
    name, rows = _pick(folder, rng)
    at = rng.randrange(len(rows[0]))
    _write_rows(folder / name, [r[:at] + r[at + 1:] for r in rows])
    return f"column {rows[0][at]} deleted from {name}"


def duplicate_row(folder: Path, rng: random.Random) -> str:
    name, rows = _pick(folder, rng)
    line = rng.randrange(1, len(rows))
    rows.insert(rng.randrange(1, len(rows) + 1), list(rows[line]))
    _write_rows(folder / name, rows)
    return f"row {line + 1} of {name} repeated"


def swap_columns(folder: Path, rng: random.Random) -> str:
    name, rows = _pick(folder, rng)
    a, b = rng.sample(range(len(rows[0])), 2)
    start = rng.choice([0, 1])  # 0: header too (wrong order); 1: values only (wrong columns)
    for row in rows[start:]:
        row[a], row[b] = row[b], row[a]
    _write_rows(folder / name, rows)
    return f"columns {rows[0][a]} and {rows[0][b]} of {name} swapped from line {start + 1}"


def truncate_file(folder: Path, rng: random.Random) -> str:
    name = rng.choice(CSV_FILES + ["datapackage.json"])
    data = (folder / name).read_bytes()
    cut = rng.randrange(1, len(data))
    (folder / name).write_bytes(data[:cut])
    return f"{name} cut at byte {cut}"


def empty_file(folder: Path, rng: random.Random) -> str:
    name = rng.choice(CSV_FILES)
    (folder / name).write_bytes(b"")
    return f"{name} emptied"


def binary_garbage(folder: Path, rng: random.Random) -> str:
    name = rng.choice(CSV_FILES + ["datapackage.json"])
    (folder / name).write_bytes(rng.randbytes(rng.randrange(1, 2000)))
    return f"{name} overwritten with binary garbage"


def _nodes(value: object, path: tuple = ()) -> list[tuple]:
    """Every (path to a container, key) inside a parsed JSON value."""
    found = []
    items = value.items() if isinstance(value, dict) else (
        enumerate(value) if isinstance(value, list) else [])
    for key, child in items:
        found.append((path, key))
        found += _nodes(child, (*path, key))
    return found


def mutate_descriptor(folder: Path, rng: random.Random) -> str:
    path = folder / "datapackage.json"
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return "datapackage.json left as an earlier defect made it"
    where, key = rng.choice(_nodes(descriptor))
    parent = descriptor
    for step in where:
        parent = parent[step]
    if rng.random() < 0.4:
        del parent[key]
        change = "deleted"
    else:
        parent[key] = rng.choice([None, 0, -1, "", "x", [], {}, True, 1e308, ["a"], {"a": 1}])
        change = f"set to {parent[key]!r}"
    path.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    return f"datapackage.json {'/'.join(map(str, (*where, key)))} {change}"


MUTATIONS: list[Mutation] = [
    junk_cell, junk_cell, junk_cell, delete_column, duplicate_row, swap_columns, truncate_file,
    empty_file, binary_garbage, mutate_descriptor, mutate_descriptor,
]


def mutated(folder: Path, seed: int) -> str:
    """Write the valid base into `folder` and apply one or two random defects; describe them."""
    rng = random.Random(seed)
    write_base(folder)
    return "; ".join(rng.choice(MUTATIONS)(folder, rng) for _ in range(rng.choice([1, 1, 2])))


def validate(capsys, folder: Path) -> tuple[int, str, str]:
    code = cli.main(["validate", str(folder)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("run", range(RUNS))
def test_random_defect_gets_a_clear_report(run, tmp_path, capsys):
    defect = mutated(tmp_path / "pkg", SEED + run)
    code, out, err = validate(capsys, tmp_path / "pkg")
    assert "Traceback" not in out + err, defect
    assert code in (0, 1), (defect, out, err)
    if code == 1:
        assert err == "", defect
        assert out.startswith("== ") and out.split(" ==")[0][3:] in (
            *CSV_FILES, "datapackage.json"), (defect, out)


@pytest.mark.parametrize("run", range(RUNS))
def test_parallel_validation_reports_exactly_what_sequential_does(run, tmp_path):
    from generator.validate.pipeline import validate_package

    defect = mutated(tmp_path / "pkg", SEED + run)
    sequential = validate_package(tmp_path / "pkg")
    assert validate_package(tmp_path / "pkg", parallel=True) == sequential, defect


def failing_seeds(tmp_path: Path, count: int) -> list[int]:
    """The first `count` runs whose defects validation rejects (fixed by the seed)."""
    from generator.validate.pipeline import validate_package

    seeds = []
    for run in range(RUNS):
        folder = tmp_path / f"probe{run}"
        mutated(folder, SEED + run)
        if not validate_package(folder).ok:
            seeds.append(SEED + run)
        if len(seeds) == count:
            return seeds
    raise AssertionError("too few failing runs")


def test_build_of_a_damaged_package_stops_and_keeps_the_site(tmp_path, capsys):
    site = tmp_path / "site"
    (site / "sub").mkdir(parents=True)
    (site / "index.html").write_text("<p>已发布</p>", encoding="utf-8")
    (site / "sub" / "page.html").write_bytes(b"old")
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    for seed in failing_seeds(tmp_path, 3):
        data = tmp_path / f"pkg{seed}"
        defect = mutated(data, seed)
        code = cli.main(["build", "--data", str(data), "--site-dir", str(site),
                         "--work-dir", str(tmp_path / f"work{seed}")])
        out, err = capsys.readouterr()
        assert code == 1, (defect, out, err)
        assert "Traceback" not in out + err, defect
        assert out.rstrip().endswith(f"未生成网站;{site}/ 保持不变。"), defect
        assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
        assert not (tmp_path / f"work{seed}").exists()


def test_build_without_a_package_is_one_line_and_exit_2(tmp_path, capsys):
    site = tmp_path / "site"
    code = cli.main(["build", "--data", str(tmp_path / "nope"), "--site-dir", str(site),
                     "--work-dir", str(tmp_path / "work")])
    assert (code, capsys.readouterr()) == (
        2, ("", f"azx build: 路径不存在:{tmp_path / 'nope'};{site}/ 保持不变。\n"))
