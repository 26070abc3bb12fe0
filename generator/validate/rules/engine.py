"""Run the business rules over typed frames and turn their hits into problems."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from generator import cache
from generator.validate.report import Problem
from generator.validate.rules.base import EACH, Rule, make_problem
from generator.validate.rules.catalog import RULES

if TYPE_CHECKING:
    from generator.validate.keep import Kept


class Frames(dict):
    """Typed frames by resource name, plus each resource's Table Schema fields."""

    def __init__(self, frames: dict[str, pd.DataFrame], fields: dict[str, list[dict]],
                 hotlines: tuple[str, ...] = ()):
        super().__init__(frames)
        self.fields = fields
        self.hotlines = hotlines  # public service numbers the privacy rules let through

    def only(self, names: tuple[str, ...]) -> Frames:
        """The frames of the resources `names` that have one, in the order of `names`."""
        present = [name for name in names if name in self]
        return Frames({n: self[n] for n in present}, {n: self.fields[n] for n in present},
                      self.hotlines)


def display(value: object) -> object:
    """A value as a message shows it: 130 not 130.0, 2025-07-15 not a timestamp."""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float):
        if math.isnan(value):
            return "空"
        if value.is_integer():
            return int(value)
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return value


def run_business(frames: Frames, tables: dict, policy, kept: Kept | None = None
                 ) -> list[Problem]:
    """Every business rule's problems, each rule given only the frames it `reads` (a rule
    reading EACH is given one table at a time, in the package's order); a rule whose resources
    are missing finds nothing. With `kept`, a rule given the same frames as a build before is
    not run again: its problems are kept."""
    problems = []
    for rule in RULES:
        if rule.stage != "business":
            continue
        for names in [(name,) for name in frames] if rule.reads == EACH else [rule.reads]:
            given = frames.only(names)
            entry: Path | None = kept.rule(rule.id, given) if kept else None
            found = cache.load(entry)
            if not isinstance(found, list):
                found = rule_problems(rule, given, tables, policy)
                cache.store(entry, found)
            problems += found
    return problems


def rule_problems(rule: Rule, frames: Frames, tables: dict, policy) -> list[Problem]:
    """The problems of one business rule over `frames`."""
    assert rule.check is not None  # every business rule has one
    problems = []
    for hits in rule.check(frames, policy):
        table = tables[hits.resource]
        records = hits.rows.astype(object).to_dict("records")
        for position, record in zip(hits.rows.index, records, strict=True):
            zh, en = rule.render({k: display(v) for k, v in record.items()})
            problems.append(make_problem(rule.id, table.path, zh, en, row=int(position) + 2,
                                         column=hits.column, fields=table.fields))
    return problems
