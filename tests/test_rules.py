"""The rule registry and `azx rules`: every rule documented, every business rule exercised."""

import re

from test_hostile import CASES as HOSTILE
from test_validate import CASES

from generator import cli
from generator.validate.rules.catalog import RULES

NOT_IN_A_FIXTURE = {"duplicate-label", "missing-cell", "data-error", "too-many-errors"}


def test_every_rule_has_id_severity_title_and_source():
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    for rule in RULES:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.id)
        assert rule.severity in ("error", "warning")
        assert re.search("[\u4e00-\u9fff]", rule.title) and rule.source and rule.description
        assert (rule.check is not None) == (rule.stage == "business")
        if rule.stage == "business":
            assert rule.message and rule.message_en


def test_every_rule_but_a_few_has_a_fixture():
    exercised = {expected[0] for expected, _ in CASES.values()} | {
        re.search(r"\[([a-z0-9-]+)\]$", line).group(1)
        for _, lines in HOSTILE.values() for line in lines}
    assert {rule.id for rule in RULES} - exercised == NOT_IN_A_FIXTURE


def test_azx_rules_lists_every_rule(capsys):
    assert cli.main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(RULES) + 1
    assert lines[0].split() == ["编号", "id", "级别", "名称", "—", "依据"]
    first = RULES[0]
    assert lines[1].split(maxsplit=1)[1] == f"错误  {first.title} — {first.source}"
    assert [line.split()[0] for line in lines[1:]] == [rule.id for rule in RULES]


def test_each_business_rule_is_given_every_table_it_reads(fixture_package, monkeypatch):
    """A rule is given only the tables it declares (`reads`), and its kept problems are keyed by
    them: one that asked for another table would miss its defects and keep a stale answer."""
    from generator.package.policy import load_policy
    from generator.validate import pipeline
    from generator.validate.rules import engine
    from generator.validate.rules.base import EACH

    data = fixture_package("site_small")
    given: dict[str, engine.Frames] = {}
    monkeypatch.setattr(engine, "run_business",
                        lambda frames, *args, **kwargs: given.setdefault("frames", frames) and [])
    pipeline.validate_package(data)
    frames = given["frames"]
    assert set(frames) == set(frames.fields) and len(frames) > 10

    class Asked(engine.Frames):
        def get(self, name, default=None):
            asked.add(name)
            return super().get(name, default)

    for rule in RULES:
        if rule.stage != "business":
            continue
        assert rule.reads and rule.check is not None
        if rule.reads == EACH:
            continue
        asked: set[str] = set()
        list(rule.check(Asked(frames, frames.fields, frames.hotlines), load_policy(data)))
        assert asked and asked <= set(rule.reads), rule.id
