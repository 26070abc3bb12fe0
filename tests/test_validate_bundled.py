"""The fixtures match their builder; valid packages also pass plain Frictionless."""

import filecmp
import importlib.util
import json
from pathlib import Path

import frictionless
import pytest

from generator import cli, sample
from generator.package.policy import load_policy

FIXTURES = Path(__file__).parent / "fixtures"
_spec = importlib.util.spec_from_file_location("build_validate_fixtures",
                                               FIXTURES / "build_validate_fixtures.py")
builder = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(builder)


def test_committed_fixtures_match_the_builder(tmp_path):
    builder.build(tmp_path)
    for case in ["valid_base", *builder.CASES]:
        built, committed = tmp_path / case, FIXTURES / case
        names = sorted(p.name for p in built.iterdir())
        assert names == sorted(p.name for p in committed.iterdir()), case
        _, mismatch, errors = filecmp.cmpfiles(built, committed, names, shallow=False)
        assert (mismatch, errors) == ([], []), case


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """The city-scale illustrative data: what `data/` holds, from the same seeded script."""
    out = tmp_path_factory.mktemp("city")
    sample.write_package(sample.generate("city", load_policy(sample.DATA_DIR)), out)
    return out


def test_bundled_data_has_no_errors(capsys):
    assert cli.main(["validate", str(sample.DATA_DIR), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["errors"] == 0


def test_illustrative_city_data_has_no_errors(city, capsys):
    assert cli.main(["validate", str(city), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["errors"] == 0


@pytest.mark.parametrize("which", ["valid_base", "city", "data"])
def test_plain_frictionless_accepts_the_valid_packages(which, city):
    root = {"city": city, "data": sample.DATA_DIR}.get(which, FIXTURES / "valid_base")
    assert frictionless.validate(str(root / "datapackage.json")).valid
