"""Every rule, registered and listed in the order `azx rules` and the site's method page show."""

from dataclasses import replace

from generator.validate.rules import (  # noqa: F401  (importing a module registers its rules)
    assessments,
    claims,
    coverage,
    enforcement,
    enterprises,
    prevention,
    rates,
    references,
    supervision,
    text,
)
from generator.validate.rules.base import REGISTRY, STAGES, Rule

RULES: list[Rule] = sorted(REGISTRY.values(), key=lambda rule: STAGES.index(rule.stage))


def cited(plan: str) -> list[Rule]:
    """Every rule as the public sees it: its source naming the city's plan by `plan`, the title
    the publisher file gives (a rule itself names no city)."""
    return [replace(rule, source=rule.cite(plan)) for rule in RULES]


__all__ = ["RULES", "Rule", "cited"]
