"""Smoke test of bench/run: its helpers run on tiny inputs and it prints every target line.

No timing is asserted: the figures are fabricated here; the benchmark is run by hand.
"""

from __future__ import annotations

import sys
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "run"


@pytest.fixture(scope="module")
def bench():
    loader = SourceFileLoader("bench_run", str(BENCH))
    module = module_from_spec(spec_from_loader("bench_run", loader))
    sys.modules["bench_run"] = module  # dataclasses look their module up there
    loader.exec_module(module)
    yield module
    del sys.modules["bench_run"]


def result(scale: str, full: float, mkdocs: float, no_change: float, validate: float,
           frictionless: float, rss: int, pages: int, page_bytes: int,
           one_month: float | None = None) -> dict:
    def times(seconds: float, cpu: float | None = None) -> dict:
        return {"seconds": seconds, "cpu": seconds if cpu is None else cpu, "rss": rss}

    month = {} if one_month is None else {"one_month": times(one_month, one_month * 1.1)}

    return {"scale": scale, "runs": 1, "validation_runs": 3, "rows": {"coverage": 10, "regions": 2},
            "times": {"validate": times(validate), "frictionless": times(frictionless),
                      "mkdocs": times(mkdocs), "cold": times(full * 2, full * 3),
                      "full": times(full), "no_change": times(no_change)} | month,
            "site": {"pages": pages, "total": page_bytes * 2, "page_bytes": page_bytes,
                     "downloads": 0, "search": 0}}


def test_measure_reports_time_exit_code_and_output(bench):
    run = bench.measure([sys.executable, "-c", "print('好'); raise SystemExit(3)"])
    assert run.code == 3
    assert run.output.strip() == "好"
    assert run.seconds > 0 and run.rss > 0


def test_rows_and_site_sizes_of_tiny_inputs(bench, tmp_path):
    (tmp_path / "datapackage.json").write_text(
        '{"resources": [{"name": "t", "path": "t.csv"}]}', encoding="utf-8")
    (tmp_path / "t.csv").write_text('a,b\n1,"x\ny"\n2,z\n', encoding="utf-8")
    assert bench.count_rows(tmp_path) == {"t": 2}
    site = tmp_path / "site"
    (site / "charts").mkdir(parents=True)
    (site / "downloads").mkdir()
    (site / "index.html").write_bytes(b"x" * 100)
    (site / "charts" / "a.svg").write_bytes(b"x" * 20)
    (site / "downloads" / "t.csv").write_bytes(b"x" * 7)
    assert bench.site_sizes(site) == {"pages": 1, "total": 127, "page_bytes": 120,
                                      "downloads": 7, "search": 0}


def test_every_target_line_is_printed(bench):
    results = {
        "city": result("city", 10, 8, 1, 2.1, 2.0, 2**28, 50, 50 * 40_000, one_month=8.8),
        "province": result("province", 100, 60, 2, 30, 29, 2**30, 250, 250 * 90_000,
                           one_month=70),
        "national": result("national", 700, 300, 5, 300, 200, 2**31, 3000, 3000 * 40_000),
    }
    assert bench.targets(results) == [
        "city end-to-end build ≤ 1.5× bare mkdocs: ×1.25 — PASS",
        "city cold build CPU ≤ 3× bare mkdocs CPU: ×3.75 (wall ×2.50) — FAIL",
        "city one-month-change build CPU ≤ 1.2× bare mkdocs CPU: ×1.21 (wall ×1.10) — FAIL",
        "province cold build CPU ≤ 3× bare mkdocs CPU: ×5.00 (wall ×3.33) — FAIL",
        "province one-month-change build CPU ≤ 1.2× bare mkdocs CPU: ×1.28 (wall ×1.17) — FAIL",
        "national cold build CPU ≤ 3× bare mkdocs CPU: ×7.00 (wall ×4.67) — FAIL",
        "city no-change rebuild ≤ 0.3× full build: ×0.10 — PASS",
        "province no-change rebuild ≤ 0.3× full build: ×0.02 — PASS",
        "national no-change rebuild ≤ 0.3× full build: ×0.01 — PASS",
        "province full build ≤ 120 s: 100.0 s — PASS",
        "province peak RSS ≤ 1.5 GB: 1.00 GB — PASS",
        "province bytes per page within 2× city: 90,000 vs 40,000 (×2.25) — FAIL",
        "city azx validate ≤ 1.1× frictionless validate: ×1.05 (CPU ×1.05) — PASS",
        "province azx validate ≤ 1.1× frictionless validate: ×1.03 (CPU ×1.03) — PASS",
        "national azx validate ≤ 1.1× frictionless validate: ×1.50 (CPU ×1.50) — FAIL",
        "stretch: national first build (no cache) < 10 min: 1400.0 s — FAIL",
        "stretch: national full build < 10 min: 700.0 s — FAIL",
    ]


def test_table_names_every_figure(bench):
    lines = bench.table(result("city", 10, 8, 1, 2.1, 2.0, 2**28, 50, 50 * 40_000, one_month=9))
    assert lines[0] == "== city (builds: 1 run; validation: median of 3 runs)"
    assert lines[1] == "rows: coverage 10, regions 2; total 12"
    assert lines[2] == "pages: 50"
    text = "\n".join(lines)
    for label in ("frictionless validate", "azx validate", "bare mkdocs build --strict",
                  "azx build, full", "azx build, no change", "peak RSS", "site:",
                  "bytes per page"):
        assert label in text
    assert ("azx build, cold (no cache)       20.0 s  (CPU    30.0 s, peak RSS 256.0 MiB)"
            "  vs mkdocs 8.0 s: ×2.50 (CPU ×3.75)") in lines
    assert ("azx build, one month changed      9.0 s  (CPU     9.9 s, peak RSS 256.0 MiB)"
            "  vs mkdocs 8.0 s: ×1.12 (CPU ×1.24)") in lines


def test_lookup_sizes_and_the_package_without_the_roster(bench, tmp_path):
    folder = tmp_path / "site" / "lookup" / "data"
    folder.mkdir(parents=True)
    files = {"index.json": b'{"as_of":"2025-12"}', "code-A.json": b"[" + b"1," * 500 + b"1]",
             "code-B.json": b"[2]", "name-4e00-4e01.json": b"[" + b'"ab",' * 300 + b'"ab"]'}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    (tmp_path / "site" / "assets").mkdir()
    (tmp_path / "site" / "assets" / "lookup.js").write_bytes(b"x" * 40)
    files["lookup.js"] = b"x" * 40
    sizes = bench.lookup_sizes(tmp_path / "site")
    gz = {name: len(bench.gzip.compress(data, 6, mtime=0)) for name, data in files.items()}
    assert sizes == {
        "code_shards": 2, "name_shards": 1,
        "index": [19, gz["index.json"]], "code": [1003, gz["code-A.json"]],
        "name": [1506, gz["name-4e00-4e01.json"]], "script": [40, gz["lookup.js"]],
        "one_lookup": gz["lookup.js"] + gz["index.json"]
        + max(gz["code-A.json"], gz["name-4e00-4e01.json"])}

    package = tmp_path / "data"
    package.mkdir()
    (package / "datapackage.json").write_text(
        '{"resources": [{"name": "enterprises", "path": "enterprises.csv"}, '
        '{"name": "t", "path": "t.csv"}]}', encoding="utf-8")
    (package / "enterprises.csv").write_text("uscc\n1\n", encoding="utf-8")
    (package / "t.csv").write_text("a\n1\n", encoding="utf-8")
    plain = bench.without_roster(package, tmp_path / "work")
    assert sorted(p.name for p in plain.iterdir()) == ["datapackage.json", "t.csv"]
    assert bench.count_rows(plain) == {"t": 1}


def with_roster(result: dict, full: float, full_without: float, one_lookup: int) -> dict:
    times = result["times"]
    times["full_no_roster"] = {"seconds": full_without, "cpu": full_without / 2, "rss": 1}
    times["cold_no_roster"] = {"seconds": full_without * 2, "cpu": full_without * 2, "rss": 1}
    times["full"] = {"seconds": full, "cpu": full / 2, "rss": 1}
    result["lookup"] = {"code_shards": 31, "name_shards": 480, "index": [9000, 3000],
                        "code": [400_000, 60_000], "name": [200_000, 40_000],
                        "script": [12_000, 4_000], "one_lookup": one_lookup}
    return result


def test_roster_growth_and_lookup_bytes_are_printed_and_judged(bench):
    city = with_roster(result("city", 10, 8, 1, 2.1, 2.0, 2**28, 50, 50 * 40_000),
                       10, 9, 63_000)
    province = with_roster(result("province", 100, 60, 2, 30, 29, 2**30, 250, 250 * 90_000),
                           130, 100, 400_000)
    lines = bench.targets({"city": city, "province": province})
    assert lines[-3:] == [
        "city one lookup ≤ 150 KB compressed: 61.5 KB — PASS",
        "province build growth from the roster ≤ 20%: +30% (CPU +30%) — FAIL",
        "province one lookup ≤ 300 KB compressed: 390.6 KB — FAIL",
    ]
    table = bench.table(city)
    assert table[-2:] == [
        "growth from the roster: full build +11% (CPU +11%); cold build +11% (CPU +67%)",
        "lookup: index 9,000 B (gzip 3,000); 31 code shards, largest 400,000 B (gzip 60,000); "
        "480 name shards, largest 200,000 B (gzip 40,000); lookup.js 12,000 B (gzip 4,000); "
        "one lookup transfers at most 63,000 B gzip",
    ]


def test_one_month_copy_edits_only_the_latest_month(bench, tmp_path):
    package = tmp_path / "data"
    package.mkdir()
    (package / "coverage.csv").write_text(
        "period,region_code,premium_ytd\n2025-01,1,10.00\n2025-02,1,12.50\n2025-02,2,\n",
        encoding="utf-8")
    (package / "regions.csv").write_text("code\n1\n", encoding="utf-8")
    assert bench.one_month_copy(package, tmp_path / "copy") == "2025-02"
    assert (tmp_path / "copy" / "coverage.csv").read_text(encoding="utf-8") == (
        "period,region_code,premium_ytd\n2025-01,1,10.00\n2025-02,1,13.50\n2025-02,2,\n")
    assert (tmp_path / "copy" / "regions.csv").read_text(encoding="utf-8") == "code\n1\n"
