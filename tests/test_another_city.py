"""No city is written into the code: the city, its plan and its offices come from the data folder
and its publisher.yaml (the full build of another city is tests/e2e/test_another_city.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from generator import cli
from generator.site import publisher
from generator.validate.report import ConfigurationError
from generator.validate.rules.base import PLAN
from generator.validate.rules.catalog import RULES, cited

REPO = Path(__file__).resolve().parents[1]
BUNDLED = yaml.safe_load((REPO / "data" / publisher.FILE).read_text(encoding="utf-8"))


@pytest.mark.parametrize("folder", ["generator", "docs"])
def test_neither_the_code_nor_the_hand_written_pages_name_the_city(folder):
    named = [path.relative_to(REPO).as_posix() for path in sorted((REPO / folder).rglob("*"))
             if path.is_file() and "__pycache__" not in path.parts
             and "驻马店".encode() in path.read_bytes()]
    assert named == []


def test_the_rules_cite_the_plan_the_publisher_file_names():
    citing = [rule.id for rule in RULES if PLAN in rule.source]
    assert {"coverage-short-after-due", "milestone-dates-order"} <= set(citing)
    rules = {rule.id: rule for rule in cited("青岚市推进安全生产责任保险实施方案")}
    assert rules["coverage-short-after-due"].source == (
        "青岚市推进安全生产责任保险实施方案 三、工作目标;五、实施步骤")
    assert not any(PLAN in rule.source for rule in rules.values())
    assert [rule.id for rule in rules.values()] == [rule.id for rule in RULES]


def test_the_plan_is_the_bundled_files_else_a_generic_title():
    assert publisher.parse(BUNDLED).plan_title == "驻马店市推进安全生产责任保险实施方案"
    rest = {key: value for key, value in BUNDLED.items() if key != "plan"}
    assert publisher.parse(rest).plan_title == "实施方案"
    with pytest.raises(ConfigurationError) as error:
        publisher.parse(BUNDLED | {"plan": BUNDLED["plan"] | {"title": ["方案"]}})
    assert str(error.value) == "publisher.yaml 缺少 plan.title(实施方案名称)"


QINGLAN_PLAN = "青岚市推进安全生产责任保险实施方案"


def test_azx_rules_cites_the_plan_of_the_data_folder(tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    (data / publisher.FILE).write_text(
        yaml.safe_dump(BUNDLED | {"plan": BUNDLED["plan"] | {"title": QINGLAN_PLAN}},
                       allow_unicode=True), encoding="utf-8")
    assert cli.main(["rules", "--data", str(data)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(RULES) + 1
    line = next(line for line in lines if line.startswith("coverage-short-after-due "))
    assert line.endswith(" — 青岚市推进安全生产责任保险实施方案 三、工作目标;五、实施步骤")
    assert not any("驻马店" in line or PLAN in line for line in lines)
