"""The fixture packages, made at test time from their base and edit (tests/fixtures/cases.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fixtures.cases import materialise


@pytest.fixture(scope="session")
def fixture_package(tmp_path_factory) -> Callable[[str], Path]:
    """`fixture_package(case)`: the folder of a fixture package, made once a session."""
    root = tmp_path_factory.mktemp("fixtures")
    return lambda case: materialise(case, root)
