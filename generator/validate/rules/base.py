"""What a rule is, and the one registry every rule is added to."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from generator.validate.report import Problem

if TYPE_CHECKING:
    import pandas as pd

STAGES = ("file", "schema", "business")
# A business rule's `reads` when it checks each table on its own (the text rules)
EACH = ("*",)
# Stands in a rule's source for the title of the city's plan (实施方案), which the publisher file
# names (`plan`); `Rule.cite` fills it in, so no city is written into a rule.
PLAN = "{plan}"


@dataclass(frozen=True)
class Hits:
    """Rows of one resource that break a rule at one column.

    `rows` is indexed by the 0-based data-row position (CSV line = position + 2) and holds every
    value the rule's message template names.
    """

    resource: str
    column: str | None
    rows: pd.DataFrame


@dataclass(frozen=True)
class Rule:
    """A registered check: id, severity, Chinese title, source and message template.

    File and schema rules are applied by the reading and Frictionless stages of `validate`;
    business rules carry a vectorised `check(tables, policy)` that yields `Hits`, given the typed
    frames of the resources named in `reads` and no others (EACH: of one table at a time).
    """

    id: str
    severity: str
    title: str
    source: str
    description: str
    stage: str
    message: str = ""
    message_en: str = ""
    check: Callable[..., Iterable[Hits]] | None = None
    # further (Chinese, English) templates of a file or schema rule, by the case they describe
    variants: dict[str, tuple[str, str]] = field(default_factory=dict, hash=False,
                                                 compare=False)
    reads: tuple[str, ...] = ()

    def cite(self, plan: str) -> str:
        """The source with the plan's title `plan` in place of `PLAN`."""
        return self.source.replace(PLAN, plan)

    def render(self, values: dict, variant: str = "") -> tuple[str, str]:
        """The Chinese and English messages (of `variant`, if given) filled with `values`."""
        message, message_en = self.variants[variant] if variant else (self.message,
                                                                       self.message_en)
        return message.format(**values), message_en.format(**values)


REGISTRY: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    """Add `rule` to the registry; ids are unique."""
    if rule.id in REGISTRY:
        raise ValueError(f"duplicate rule id {rule.id}")
    if rule.severity not in ("error", "warning") or rule.stage not in STAGES:
        raise ValueError(f"rule {rule.id}: bad severity or stage")
    REGISTRY[rule.id] = rule
    return rule


def business(
    id: str, severity: str, title: str, source: str, description: str, message: str,
    message_en: str, *, reads: tuple[str, ...],
) -> Callable[[Callable[..., Iterable[Hits]]], Callable[..., Iterable[Hits]]]:
    """Decorator: register a business rule whose check is the decorated function, given the
    resources named in `reads` (or EACH)."""

    def decorate(check: Callable[..., Iterable[Hits]]) -> Callable[..., Iterable[Hits]]:
        register(Rule(id, severity, title, source, description, "business", message,
                      message_en, check, reads=reads))
        return check

    return decorate


def declare(id: str, severity: str, title: str, source: str, description: str,
            stage: str, message: str = "", message_en: str = "",
            variants: dict[str, tuple[str, str]] | None = None) -> Rule:
    """Register a file or schema rule (applied by the reading or Frictionless stage), with the
    message templates `problem` fills."""
    return register(Rule(id, severity, title, source, description, stage, message, message_en,
                         variants=variants or {}))


def field_position(fields: list[dict] | None, name: str | None) -> tuple[str, int | None]:
    """The Chinese title and 1-based position of field `name` (blank, None when unknown)."""
    for number, spec in enumerate(fields or [], start=1):
        if spec.get("name") == name:
            return str(spec.get("title") or ""), number
    return "", None


def problem(rule_id: str, file: str, /, row: int | None = None, column: str | None = None,
            fields: list[dict] | None = None, variant: str = "", **values) -> Problem:
    """A Problem whose messages are the rule's registered templates (those of `variant`, when
    given) filled with `values`."""
    message, message_en = REGISTRY[rule_id].render(values, variant)
    return make_problem(rule_id, file, message, message_en, row, column, fields)


def make_problem(rule_id: str, file: str, message: str, message_en: str = "",
                 row: int | None = None, column: str | None = None,
                 fields: list[dict] | None = None) -> Problem:
    """A Problem for a registered rule, with the column's title and position filled in."""
    title, number = field_position(fields, column)
    return Problem(rule=rule_id, severity=REGISTRY[rule_id].severity, file=file, row=row,
                   column=column, message=message, message_en=message_en,
                   column_title=title, column_number=number)
