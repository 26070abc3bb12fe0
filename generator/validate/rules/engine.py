"""Run the business rules over typed frames and turn their hits into problems."""

from __future__ import annotations

import math

import pandas as pd

from generator.validate.report import Problem
from generator.validate.rules.base import make_problem
from generator.validate.rules.catalog import RULES


class Frames(dict):
    """Typed frames by resource name, plus each resource's Table Schema fields."""

    def __init__(self, frames: dict[str, pd.DataFrame], fields: dict[str, list[dict]],
                 hotlines: tuple[str, ...] = ()):
        super().__init__(frames)
        self.fields = fields
        self.hotlines = hotlines  # public service numbers the privacy rules let through


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


def run_business(frames: dict[str, pd.DataFrame], tables: dict, policy) -> list[Problem]:
    """Every business rule's problems; a rule whose resources are missing is skipped."""
    problems = []
    for rule in RULES:
        if rule.stage != "business":
            continue
        assert rule.check is not None  # every business rule has one
        for hits in rule.check(frames, policy):
            table = tables[hits.resource]
            records = hits.rows.astype(object).to_dict("records")
            for position, record in zip(hits.rows.index, records, strict=True):
                zh, en = rule.render({k: display(v) for k, v in record.items()})
                problems.append(make_problem(rule.id, table.path, zh, en, row=int(position) + 2,
                                             column=hits.column, fields=table.fields))
    return problems
