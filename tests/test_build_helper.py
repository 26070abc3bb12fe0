"""The second process of `azx build`: validation there, and a passed report kept by content."""

from __future__ import annotations

import csv
import json
import shutil

import pytest

from generator.errors import BadData
from generator.site import helper as build_helper
from generator.validate import pipeline as validate
from generator.validate.rules.base import EACH
from generator.validate.rules.catalog import RULES


def refuse_to_validate(path):
    raise AssertionError("validated again although nothing changed")


def test_a_passed_report_is_kept_and_reused_while_nothing_changes(tmp_path, monkeypatch,
                                                                  fixture_package):
    data = tmp_path / "data"
    shutil.copytree(fixture_package("site_small"), data)
    cache = tmp_path / "cache"
    helper = build_helper.Helper(data, cache)
    try:
        first = helper.check(wait=True)
    finally:
        helper.close()
    assert not helper.from_cache and first.errors == []
    assert [p.name for p in cache.iterdir()] == [f"{build_helper.validation_key(data)}.pickle"]

    monkeypatch.setattr(validate, "validate_package", refuse_to_validate)
    again = build_helper.Helper(data, cache)
    try:
        assert again.check(wait=True) == first
    finally:
        again.close()
    assert again.from_cache


def test_any_changed_byte_of_the_package_changes_the_key(tmp_path, fixture_package):
    data = tmp_path / "data"
    shutil.copytree(fixture_package("site_small"), data)
    before = build_helper.validation_key(data)
    policy = data / "policy.yaml"
    policy.write_text(policy.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert build_helper.validation_key(data) != before


def test_a_report_with_errors_stops_the_build_and_is_not_kept(tmp_path, fixture_package):
    cache = tmp_path / "cache"
    helper = build_helper.Helper(fixture_package("site_invalid"), cache)
    try:
        with pytest.raises(BadData) as raised:
            helper.check(wait=True)
    finally:
        helper.close()
    assert [p.rule for p in raised.value.report.errors] == ["prevention-spending-over-cap"]
    assert not cache.exists()


def edit_csv(path, change) -> None:
    """Rewrite the CSV at `path` with `change(rows)` applied to its rows (header first)."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    change(rows)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def written_anew(changed: set[str], tables: set[str]) -> int:
    """The entries a validation keeps anew when the tables `changed` differ (of the package's
    `tables`, all read): each one's Frictionless outcome and typed frame, and the problems of
    each business rule given any of them (a rule reading EACH: of each such table)."""
    units = 0
    for rule in RULES:
        if rule.stage == "business":
            units += len(changed) if rule.reads == EACH else bool(changed & set(rule.reads))
    return 2 * len(changed) + units


def test_kept_table_outcomes_give_the_report_a_full_validation_gives(tmp_path, fixture_package):
    data, schema = tmp_path / "data", tmp_path / "schema"
    shutil.copytree(fixture_package("site_small"), data)
    first = validate.validate_package(data, cache_dir=schema)
    assert first == validate.validate_package(data)
    tables = {r["name"] for r in json.loads(
        (data / "datapackage.json").read_text(encoding="utf-8"))["resources"]}
    kept = set(schema.iterdir())
    business = [r for r in RULES if r.stage == "business"]
    assert len(kept) == written_anew(tables, tables) + sum(
        not tables & set(r.reads) for r in business if r.reads != EACH)  # given no table

    def latest_month_broken(rows):  # a type error, an unknown county, insured above required
        header, last = rows[0], rows[-1]
        last[header.index("employees_total")] = "1,234"
        rows[-2][header.index("region_code")] = "419999"
        rows[-3][header.index("units_insured")] = str(int(rows[-3][header.index("units_required")])
                                                      + 5)

    edit_csv(data / "coverage.csv", latest_month_broken)
    second = validate.validate_package(data, cache_dir=schema)
    assert second == validate.validate_package(data)
    assert {p.rule for p in second.errors} >= {"type-error", "foreign-key",
                                               "coverage-insured-exceeds-required"}
    # only coverage.csv was read again, and only the rules reading it ran again
    assert len(set(schema.iterdir()) - kept) == written_anew({"coverage"}, tables)

    # a county removed from regions.csv: every table referring to regions is checked again
    kept = set(schema.iterdir())
    edit_csv(data / "regions.csv", lambda rows: rows.pop(1))
    third = validate.validate_package(data, cache_dir=schema)
    assert third == validate.validate_package(data)
    assert len(set(schema.iterdir()) - kept) == written_anew(
        {"regions", "enterprises", "coverage", "enforcement"}, tables)
    assert [p.file for p in third.errors if p.rule == "foreign-key"].count("enterprises.csv")


def test_a_kept_rule_runs_again_when_one_table_it_reads_changes(tmp_path, fixture_package):
    """Rules reading two tables, kept from a build before, find what an edit of one of the two
    breaks; so does a text rule kept table by table. The reports are those of `azx validate`."""
    data, schema = tmp_path / "data", tmp_path / "schema"
    shutil.copytree(fixture_package("site_small"), data)
    assert validate.validate_package(data, cache_dir=schema).problems == \
        validate.validate_package(data).problems

    def one_listed_unit_gone(rows):  # the roster no longer matches coverage's counts
        rows.pop(1)

    def one_commitment_gone(rows):  # claims of an insurer in an industry without a commitment
        rows.pop(1)

    def a_phone_number(rows):
        rows[1][rows[0].index("name")] += "(电话 13812345678)"

    edits = [("enterprises.csv", one_listed_unit_gone, "roster-counts-match-coverage"),
             ("commitments.csv", one_commitment_gone, "commitment-missing"),
             ("insurers.csv", a_phone_number, "personal-phone")]
    for file, edit, rule in edits:
        before = validate.validate_package(data, cache_dir=schema)
        assert rule not in {p.rule for p in before.problems}
        edit_csv(data / file, edit)
        after = validate.validate_package(data, cache_dir=schema)
        assert after.problems == validate.validate_package(data).problems
        assert [p.file for p in after.problems if p.rule == rule] != []


def test_a_kept_report_keeps_its_tables_outcomes_for_the_next_changed_package(tmp_path,
                                                                             fixture_package):
    """A build whose whole report comes from the cache still marks each table's outcome as
    used, so that pruning leaves them for the next build of a package with one file changed."""
    from generator import cache as caches

    data, kept, schema = tmp_path / "data", tmp_path / "validation", tmp_path / "schema"
    shutil.copytree(fixture_package("site_small"), data)
    for expected_from_cache in (False, True):
        caches.begin()
        helper = build_helper.Helper(data, kept, schema_dir=schema)
        try:
            helper.check(wait=True)
        finally:
            helper.close()
        assert helper.from_cache is expected_from_cache
        assert {str(p.absolute()) for p in schema.iterdir()} <= caches.used()
        assert len(list(schema.iterdir())) == len(helper.schema_entries) > 1
