"""The second process of `azx build`: validation there, and a passed report kept by content."""

from __future__ import annotations

import shutil

import pytest

from generator.site import build
from generator.validate import pipeline as validate


def refuse_to_validate(path):
    raise AssertionError("validated again although nothing changed")


def test_a_passed_report_is_kept_and_reused_while_nothing_changes(tmp_path, monkeypatch,
                                                                  fixture_package):
    data = tmp_path / "data"
    shutil.copytree(fixture_package("site_small"), data)
    cache = tmp_path / "cache"
    helper = build.Helper(data, cache)
    try:
        first = helper.check(wait=True)
    finally:
        helper.close()
    assert not helper.from_cache and first.errors == []
    assert [p.name for p in cache.iterdir()] == [f"{build.validation_key(data)}.pickle"]

    monkeypatch.setattr(validate, "validate_package", refuse_to_validate)
    again = build.Helper(data, cache)
    try:
        assert again.check(wait=True) == first
    finally:
        again.close()
    assert again.from_cache


def test_any_changed_byte_of_the_package_changes_the_key(tmp_path, fixture_package):
    data = tmp_path / "data"
    shutil.copytree(fixture_package("site_small"), data)
    before = build.validation_key(data)
    policy = data / "policy.yaml"
    policy.write_text(policy.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert build.validation_key(data) != before


def test_a_report_with_errors_stops_the_build_and_is_not_kept(tmp_path, fixture_package):
    cache = tmp_path / "cache"
    helper = build.Helper(fixture_package("site_invalid"), cache)
    try:
        with pytest.raises(build.BadData) as raised:
            helper.check(wait=True)
    finally:
        helper.close()
    assert [p.rule for p in raised.value.report.errors] == ["prevention-spending-over-cap"]
    assert not cache.exists()
