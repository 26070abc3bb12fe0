"""One cache fingerprint: a new library version, code or input rebuilds the artefact."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from generator import cache, cli
from generator.package.load import load_package
from generator.site import charts, downloads, render
from generator.site import helper as build_helper


@pytest.fixture
def upgrade(monkeypatch):
    """Pretend that newer matplotlib and openpyxl get installed (call it)."""
    newer = tuple(line + ".1" if line.startswith(("matplotlib=", "openpyxl=")) else line
                  for line in cache.library_versions())
    return lambda: monkeypatch.setattr(cache, "library_versions", lambda: newer)


def test_fingerprint_depends_on_inputs_code_and_library_versions(upgrade):
    key = cache.fingerprint(["a"], code=("generator.site.downloads",))
    assert key == cache.fingerprint(["a"], code=("generator.site.downloads",))
    assert key != cache.fingerprint(["b"], code=("generator.site.downloads",))
    assert key != cache.fingerprint(["a"], code=("generator.site.filters",))
    assert any(line.startswith("matplotlib=") for line in cache.library_versions())
    upgrade()
    assert key != cache.fingerprint(["a"], code=("generator.site.downloads",))


def test_a_new_library_version_redraws_the_chart(tmp_path, upgrade):
    spec = charts.Chart("c", "hbar", {"labels": ["甲"], "values": [1.0], "colors": ["#0072B2"]},
                        "alt", charts.Table(("a",), ()))
    out, store = tmp_path / "docs", tmp_path / "cache"
    assert charts.draw_all([spec], out, store)[1] == 1
    assert charts.draw_all([spec], out, store)[1] == 0  # warm: copied from the cache
    upgrade()
    assert charts.draw_all([spec], out, store)[1] == 1
    assert sorted(p.suffix for p in store.iterdir()) == [".svg", ".svg"]  # no temporary left


def test_a_new_library_version_rewrites_the_xlsx(tmp_path, upgrade, fixture_package):
    package = load_package(fixture_package("site_small"))
    resource = next(r for r in package.descriptor["resources"] if r["name"] == "regions")
    source = package.root / resource["path"]
    sha = cache.file_digest(source).hex()
    names = downloads.code_names(package)
    store = tmp_path / "cache"
    rows = len(package.frames["regions"])
    first, _ = downloads.convert(resource, source, sha, store, names, rows)
    assert downloads.convert(resource, source, sha, store, names, rows)[0] == first
    upgrade()
    again, meta = downloads.convert(resource, source, sha, store, names, rows)
    assert again != first and (again / "xlsx").is_file()
    assert meta["sha256"]["xlsx"] == cache.file_digest(again / "xlsx").hex()


def test_validation_report_and_compiled_templates_follow_library_versions(tmp_path, upgrade,
                                                                           fixture_package):
    data = tmp_path / "data"
    shutil.copytree(fixture_package("site_small"), data)
    report_key = build_helper.validation_key(data)
    render.environment(tmp_path / "templates")
    upgrade()
    assert build_helper.validation_key(data) != report_key
    render.environment(tmp_path / "templates")
    assert len(list((tmp_path / "templates").iterdir())) == 2


def test_writes_are_atomic_and_leave_no_temporary(tmp_path):
    target = tmp_path / "a" / "b.bin"
    cache.write_bytes(target, b"one")
    cache.write_bytes(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["b.bin"]
    cache.store(tmp_path / "x.pickle", {"k": 1})
    assert cache.load(tmp_path / "x.pickle") == {"k": 1}


def test_prune_removes_every_entry_the_build_did_not_use(tmp_path):
    root = tmp_path / "cache"
    for name in ("charts/a.svg", "charts/b.svg", "charts/.c.svg.x.tmp", "releases/r.pickle"):
        cache.write_bytes(root / name, b"x")
    for name in ("downloads/k1", "downloads/k2"):
        cache.write_bytes(root / name / "meta.json", b"{}")
    cache.begin()
    cache.use(root / "charts" / "a.svg")
    cache.use(root / "downloads" / "k1")
    assert cache.prune(root) == 4
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) == [
        "charts/a.svg", "downloads/k1/meta.json"]
    assert sorted(p.name for p in root.iterdir()) == ["charts", "downloads", "releases"]


def entries(root: Path) -> set[str]:
    return {f"{folder.name}/{entry.name}"
            for folder in root.iterdir() for entry in folder.iterdir()}


def test_a_successful_build_prunes_what_it_did_not_use_and_a_failed_one_nothing(
        tmp_path, capsys, fixture_package):
    data, site, work = tmp_path / "data", tmp_path / "site", tmp_path / "work"
    shutil.copytree(fixture_package("site_small"), data)

    def azx_build(package: Path) -> int:
        return cli.main(["build", "--data", str(package), "--site-dir", str(site),
                         "--work-dir", str(work)])

    assert azx_build(data) == 0
    first = entries(work / "cache")
    assert {"charts", "downloads", "templates", "validation"} <= {e.split("/")[0] for e in first}
    stale = {"charts/stale.svg", "downloads/stale", "validation/stale.pickle"}
    for name in stale:
        cache.write_bytes(work / "cache" / name / "meta.json" if "." not in name
                          else work / "cache" / name, b"x")

    assert azx_build(fixture_package("site_invalid")) == 1  # bad data: the cache is kept whole
    assert entries(work / "cache") >= first | stale

    coverage = data / "coverage.csv"  # one more employee in the last month: a real rebuild
    rows = list(csv.reader(io.StringIO(coverage.read_text(encoding="utf-8"))))
    at = rows[0].index("employees_total")
    rows[-1][at] = str(int(rows[-1][at]) + 1)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    coverage.write_text(out.getvalue(), encoding="utf-8")
    assert azx_build(data) == 0
    capsys.readouterr()

    now = entries(work / "cache")
    assert now.isdisjoint(stale)
    assert first - now  # the old validation report and the old coverage downloads went
    assert {work.absolute() / "cache" / e for e in now} == {Path(p) for p in cache._used}


def test_kept_typed_frames_follow_the_file_and_its_fields(tmp_path, fixture_package):
    """A table's typed frame comes from the cache while its file and fields stay the same; an
    edited cell or a field's new type reads the file again."""
    import json

    import pandas as pd

    data, store = tmp_path / "data", tmp_path / "frames"
    shutil.copytree(fixture_package("site_small"), data)
    cold = load_package(data).frames
    assert all(load_package(data, store).frames[name].equals(frame)
               for name, frame in cold.items())
    kept = sorted(store.iterdir())
    assert len(kept) == len(cold)
    warm = load_package(data, store).frames  # from the cache
    assert sorted(store.iterdir()) == kept
    for name, frame in cold.items():
        pd.testing.assert_frame_equal(warm[name], frame)
    path = data / "coverage.csv"
    text = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    cells = text[1].split(",")
    cells[-1] = "7\n" if cells[-1] != "7\n" else "8\n"
    path.write_text("".join([text[0], ",".join(cells), *text[2:]]), encoding="utf-8")
    edited = load_package(data, store).frames["coverage"]
    assert not edited.equals(cold["coverage"])
    pd.testing.assert_frame_equal(edited, load_package(data).frames["coverage"])
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    fields = next(r for r in descriptor["resources"] if r["name"] == "regions")["schema"]["fields"]
    fields[0]["type"] = "any"  # read as text: the same column, another meaning
    (data / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert len(list(store.iterdir())) == len(cold) + 1
    regions = load_package(data, store).frames["regions"]
    assert len(list(store.iterdir())) == len(cold) + 2
    pd.testing.assert_frame_equal(regions, load_package(data).frames["regions"])


def test_a_typed_frame_reads_an_empty_cell_of_a_field_as_missing():
    """Each type's empty cell is its missing value; a column no field names stays text as is."""
    import io

    import pandas as pd

    from generator.package.load import typed_frame

    fields = [{"name": "code", "type": "string"}, {"name": "count", "type": "integer"},
              {"name": "amount", "type": "number"}, {"name": "day", "type": "date"}]
    csv = "code,count,amount,day,extra\nA,1,1.5,2025-01-31,x\n,,,,\nNA,007,-0.0,2024-02-29,\n"
    frame = typed_frame(io.BytesIO(csv.encode()), fields)
    assert [str(t) for t in frame.dtypes] == ["string", "Int64", "float64", "datetime64[us]",
                                              "str"]
    assert frame["code"].tolist() == ["A", pd.NA, "NA"]
    assert frame["count"].tolist() == [1, pd.NA, 7]
    amounts = frame["amount"].tolist()
    assert amounts[0] == 1.5 and pd.isna(amounts[1]) and str(amounts[2]) == "-0.0"
    assert frame["day"].tolist() == [pd.Timestamp("2025-01-31"), pd.NaT,
                                     pd.Timestamp("2024-02-29")]
    assert frame["extra"].tolist() == ["x", "", ""]


def test_a_typed_frame_reads_integers_as_to_numeric_does():
    """The CSV parser reads an integer field's cells (not `pd.to_numeric` afterwards): the same
    value for every spelling of an integer, and a cell that is none stops the read."""
    import io

    import pandas as pd
    import pytest

    from generator.package.load import typed_frame

    cells = [" 7", "7 ", "+7", "007", "-0", "-12", "1e3", "1.0", "4294967296", ""]
    csv = "count\n" + "\n".join(f'"{c}"' for c in cells) + "\n"
    frame = typed_frame(io.BytesIO(csv.encode()), [{"name": "count", "type": "integer"}])
    expected = [pd.to_numeric(pd.Series([cell], dtype="string")).astype("Int64").iloc[0]
                for cell in cells[:-1]]  # each alone: "1e3" makes a column of floats
    assert frame["count"].tolist() == [*expected, pd.NA]
    assert expected == [7, 7, 7, 7, 0, -12, 1000, 1, 2**32]
    with pytest.raises(TypeError):  # as `pd.to_numeric(...).astype("Int64")` does
        typed_frame(io.BytesIO(b"count\n1.5\n"), [{"name": "count", "type": "integer"}])
