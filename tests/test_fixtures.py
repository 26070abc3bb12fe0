"""The fixture packages are data/ (cut down) or the stored small site, plus their declared edit."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from fixtures.cases import BASES, CASES, DATA, DESCRIPTOR, HERE, KEEP, POLICY, csv_names


def files(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in root.iterdir()}


def rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def test_no_descriptor_or_policy_is_stored_under_tests():
    stored = {p.name for p in HERE.rglob("*") if p.is_file()}
    assert stored.isdisjoint({DESCRIPTOR, POLICY})


def test_valid_base_is_data_cut_down_to_the_kept_rows(tmp_path):
    BASES["valid_base"](tmp_path / "base")
    base, data = files(tmp_path / "base"), files(DATA)
    assert sorted(base) == sorted([DESCRIPTOR, POLICY, *csv_names()])
    for name, content in base.items():
        if name.removesuffix(".csv") not in KEEP:
            assert content == data[name], name
            continue
        lines = content.decode("utf-8").splitlines(keepends=True)
        data_lines = iter(data[name].decode("utf-8").splitlines(keepends=True))
        assert len(lines) > 1, f"{name}: the reduction keeps no row"
        assert all(line in data_lines for line in lines), f"{name} is not data/{name} cut down"


def test_site_small_has_data_descriptor_and_policy(tmp_path):
    BASES["site_small"](tmp_path / "site")
    site = files(tmp_path / "site")
    assert sorted(site) == sorted([DESCRIPTOR, POLICY, *csv_names()])
    for name in (DESCRIPTOR, POLICY):
        assert site[name] == (DATA / name).read_bytes()


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
