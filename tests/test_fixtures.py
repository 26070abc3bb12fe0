"""Every fixture package is data/ cut down (its base), plus its declared edit; nothing else."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from fixtures.cases import BASE_KEEPS, BASES, CASES, DATA, DESCRIPTOR, HERE, POLICY, csv_names


def files(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in root.iterdir()}


def rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def test_no_package_file_is_stored_under_tests():
    """No hand-made fixture: no CSV, descriptor or policy under tests/ (only the code that cuts
    them from data/)."""
    tests = HERE.parent
    stored = sorted(str(p.relative_to(tests)) for p in tests.rglob("*") if p.is_file()
                    and (p.suffix.lower() in {".csv", ".tsv", ".xlsx", ".xls"}
                         or p.name in {DESCRIPTOR, POLICY}))
    assert stored == []


def test_every_base_is_declared_with_its_kept_rows():
    assert sorted(BASES) == sorted(BASE_KEEPS)


@pytest.mark.parametrize("base_name", sorted(BASES))
def test_a_base_is_data_cut_down_to_its_kept_rows(tmp_path, base_name):
    """Each file is data/'s own, or data/'s lines in data/'s order, filtered by `keep`."""
    BASES[base_name](tmp_path / "base")
    base, data = files(tmp_path / "base"), files(DATA)
    keeps = BASE_KEEPS[base_name]
    assert sorted(base) == sorted([DESCRIPTOR, POLICY, *csv_names()])
    for name, content in base.items():
        keep = keeps.get(name.removesuffix(".csv"))
        if keep is None:
            assert content == data[name], name
            continue
        header, *lines = data[name].decode("utf-8").splitlines(keepends=True)
        columns = rows(header.encode("utf-8"))[0]
        kept = [line for line in lines
                if all(dict(zip(columns, rows(line.encode("utf-8"))[0], strict=True))[c] in v
                       for c, v in keep.items())]
        assert len(kept) > 0, f"{base_name}: the reduction keeps no row of {name}"
        assert content.decode("utf-8") == "".join([header, *kept]), \
            f"{base_name}/{name} is not data/{name} cut down"


@pytest.mark.parametrize("case", sorted(CASES))
def test_case_differs_from_its_base_in_exactly_its_declared_edit(case, fixture_package):
    base_name, edit = CASES[case]
    base, made = files(fixture_package(base_name)), files(fixture_package(case))
    changed = {n for n in base.keys() | made.keys() if base.get(n) != made.get(n)}
    assert changed == set(edit.files), case
    if edit.cell:
        name, line, column = edit.cell
        before, after = rows(base[name]), rows(made[name])
        at = before[0].index(column)
        cells = [(r, c) for r, (old, new) in enumerate(zip(before, after, strict=True))
                 for c, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
        assert cells == [(line - 1, at)], case
