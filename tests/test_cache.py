"""One cache fingerprint: a new library version, code or input rebuilds the artefact."""

from __future__ import annotations

import shutil

import pytest

from generator import cache
from generator.package.load import load_package
from generator.site import build, charts, downloads, render


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
    sha = downloads._file_sha(source)
    names = downloads.code_names(package)
    store = tmp_path / "cache"
    first, _ = downloads.convert(resource, source, sha, store, names)
    assert downloads.convert(resource, source, sha, store, names)[0] == first
    upgrade()
    again, meta = downloads.convert(resource, source, sha, store, names)
    assert again != first and (again / "xlsx").is_file()
    assert meta["sha256"]["xlsx"] == downloads._file_sha(again / "xlsx")


def test_validation_report_and_compiled_templates_follow_library_versions(tmp_path, upgrade,
                                                                           fixture_package):
    data = tmp_path / "data"
    shutil.copytree(fixture_package("site_small"), data)
    report_key = build.validation_key(data)
    render.environment(tmp_path / "templates")
    upgrade()
    assert build.validation_key(data) != report_key
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
