"""The bundled data and the synthesiser's city output have no errors; valid packages also pass
plain Frictionless."""

import json

import frictionless
import pytest
import sample

from generator import cli
from generator.package.policy import load_policy


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
def test_plain_frictionless_accepts_the_valid_packages(which, city, fixture_package):
    root = {"city": city, "data": sample.DATA_DIR}.get(which) or fixture_package(which)
    assert frictionless.validate(str(root / "datapackage.json")).valid
