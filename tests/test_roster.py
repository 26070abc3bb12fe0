"""The enterprise roster as published: listed fields only, masked names, the lookup's shards and
the county pages' list of units still uninsured."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pandas as pd
from test_pages import render_page

from generator.package.load import load_package
from generator.site import downloads, roster
from generator.validate.rules.contract import NEEDED

DATA = Path(__file__).resolve().parents[1] / "data"
ASSET = Path(roster.__file__).parent / "assets" / "lookup.js"
CITY_LIMIT = 150_000  # bytes (gzip) one lookup may transfer at city scale


def rows(path: Path) -> list[dict]:
    return list(csv.DictReader(path.open(encoding="utf-8")))


def test_published_fields_are_the_listed_ones_and_in_the_contract():
    policy = load_package(DATA).policy
    listed = [name for name, reason in policy.roster_fields]
    assert listed == ["uscc", "name", "region_code", "industry_code", "required_since",
                      "insured", "insurer_code", "policy_start", "policy_end"]
    assert all(reason for _, reason in policy.roster_fields)
    assert set(listed) <= set(NEEDED["enterprises"][1])


def test_a_name_registered_by_a_person_is_masked_everywhere_it_is_published(
        tmp_path, fixture_package):
    root = fixture_package("site_small")
    package = load_package(root)
    shown = roster.published(package)
    assert shown is not None
    person = shown[shown["uscc"] == "92411724CCJW03A3KX"]  # 张示例（个体工商户） in data/
    assert person["name"].tolist() == ["张＊＊（个体工商户）"]
    assert list(shown.columns) == [name for name, _ in package.policy.roster_fields]

    entries = downloads.write_downloads(package, tmp_path / "docs", tmp_path / "cache")
    files = roster.lookup_files(shown, package, "2025-05")
    published = [(tmp_path / "docs" / f["path"]).read_bytes()
                 for e in entries for f in e["files"] if e["name"] == "enterprises"]
    assert len(published) == 3
    for data in [*files.values(), *published[:2]]:
        assert "张示例".encode() not in data
    assert "张＊＊（个体工商户）".encode() in published[0]
    assert b"last_checked" not in published[0]


def test_the_lookup_files_are_kept_in_one_file_and_placed_as_made(tmp_path, fixture_package):
    """The cache folder holds two files (the lookup's bytes end to end, and each file's path and
    size); the site gets every file `lookup_files` makes, byte for byte, and nothing else."""
    package = load_package(fixture_package("site_small"))
    folder = roster.prepare_lookup(package, "2025-05", tmp_path / "cache")
    assert folder is not None
    assert sorted(p.name for p in folder.iterdir()) == [roster.DATA, roster.FILES]
    site = tmp_path / "site"
    made = roster.lookup_files(roster.published(package), package, "2025-05")
    assert roster.place_lookup(folder, site) == len(made) > 2
    placed = {p.relative_to(site).as_posix(): p.read_bytes()
              for p in site.rglob("*") if p.is_file()}
    assert placed == made
    assert roster.prepare_lookup(package, "2025-05", tmp_path / "cache") == folder  # kept
    assert roster.place_lookup(None, site) == 0


def test_masking_by_code_prefix_and_by_listed_ending():
    policy = load_package(DATA).policy
    names = pd.Series(["李示例（个体工商户）", "示例恒远运输有限公司", "王某某"])
    codes = pd.Series(["914117021", "914117022", "924117023"])
    assert policy.masked_names(names, codes).tolist() == [
        "李＊＊（个体工商户）", "示例恒远运输有限公司", "王＊＊"]


def test_county_page_lists_its_uninsured_units_without_javascript(tmp_path, fixture_package):
    root = fixture_package("site_small")
    text = render_page(tmp_path, root, "regions/411724.md")
    industries = {r["code"]: r["name"] for r in rows(root / "industries.csv")}
    expected = sorted((r["industry_code"], r["name"], r["required_since"])
                      for r in rows(root / "enterprises.csv")
                      if r["region_code"] == "411724" and r["insured"] == "否")
    assert expected  # the county is short of full coverage
    assert f"应投保企业名单中尚未投保的 {len(expected)} 家" in text
    for code, name, since in expected:
        year, month = since.split("-")
        assert f"| {name} | {industries[code]} | {year}年{int(month)}月 |" in text


def test_one_lookup_transfers_at_most_150_kb_at_city_scale():
    package = load_package(DATA)
    shown = roster.published(package)
    assert shown is not None
    files = roster.lookup_files(shown, package, "2025-12")
    sizes = {path: len(gzip.compress(data, 9)) for path, data in files.items()}
    index = sizes[f"{roster.FOLDER}/index.json"]
    code = max(v for k, v in sizes.items() if "/code-" in k)
    name = max(v for k, v in sizes.items() if "/name-" in k)
    script = len(gzip.compress(ASSET.read_bytes(), 9))
    print(f"\nlookup at city scale ({len(shown)} units, {len(files)} files, gzip bytes): "
          f"index {index}, largest code shard {code}, largest name shard {name}, "
          f"lookup.js {script}; worst lookup {index + max(code, name) + script}")
    assert index + max(code, name) + script <= CITY_LIMIT
    every_code = {r[0] for path, data in files.items() if "/code-" in path
                  for r in json.loads(data)}
    assert every_code == set(shown["uscc"])


def test_lookup_files_are_linked_from_the_replaced_site_only_when_it_is_safe(tmp_path):
    """A file the replaced site holds with the cache's bytes, under no other name and in its own
    folder, is linked from there; any other is copied from the cache, which is never linked."""
    kept = {"same": b"[1]", "changed": b"[2]", "missing": b"[3]", "two_names": b"[4]",
            "a_link": b"[5]"}
    cache = tmp_path / "cache"
    roster._store(cache, [(f"{roster.FOLDER}/{name}.json", data) for name, data in kept.items()])
    old = tmp_path / "old" / roster.FOLDER
    old.mkdir(parents=True)
    (old / "same.json").write_bytes(b"[1]")
    (old / "changed.json").write_bytes(b"[9]")
    (old / "two_names.json").write_bytes(b"[4]")
    (tmp_path / "elsewhere.json").hardlink_to(old / "two_names.json")
    (tmp_path / "outside.json").write_bytes(b"[5]")
    (old / "a_link.json").symlink_to(tmp_path / "outside.json")

    assert roster.place_lookup(cache, tmp_path / "new", tmp_path / "old") == len(kept)

    new = tmp_path / "new" / roster.FOLDER
    assert {p.stem: p.read_bytes() for p in new.iterdir()} == kept
    assert [p.stem for p in new.iterdir() if p.stat().st_nlink > 1] == ["same"]
    assert (new / "same.json").samefile(old / "same.json")
    assert not (new / "a_link.json").is_symlink()
    assert (cache / roster.DATA).stat().st_nlink == 1


def test_no_lookup_file_is_linked_through_a_folder_linked_out_of_the_replaced_site(tmp_path):
    cache = tmp_path / "cache"
    roster._store(cache, [(f"{roster.FOLDER}/index.json", b"{}")])
    outside = tmp_path / "outside"
    (outside / "data").mkdir(parents=True)
    (outside / "data" / "index.json").write_bytes(b"{}")
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "lookup").symlink_to(outside)

    roster.place_lookup(cache, tmp_path / "new", tmp_path / "old")

    assert (tmp_path / "new" / roster.FOLDER / "index.json").stat().st_nlink == 1


def test_name_pieces_are_each_names_two_character_pieces_found_once_a_name():
    """Paired as numbers in one array, the pieces are those of `_pieces` name by name: a piece
    twice in a name counts once, a one-character or empty name has none, and a character beyond
    the basic plane is one character; paired a block of names at a time, the same."""
    names = ["甲乙甲乙", "", "丙", "乙甲", "𠀀甲乙", "甲乙𠀀", "甲乙"]
    expected: dict[str, list[int]] = {}
    for n, name in enumerate(names):
        for piece in sorted(roster._pieces(name)):
            expected.setdefault(piece, []).append(n)
    found = roster.name_pieces(names)
    assert list(found) == sorted(expected)
    assert {piece: list(rows) for piece, rows in found.items()} == expected
    assert roster.name_pieces([]) == {} and roster.name_pieces(["", "甲"]) == {}
    # paired a few names at a time, the numbers run on across the blocks
    for block in (1, 2, 3):
        assert roster.name_pieces(names, block) == found
