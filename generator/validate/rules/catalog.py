"""Every rule, registered and listed in the order `azx rules` and the site's method page show."""

from generator.validate.rules import (  # noqa: F401  (importing a module registers its rules)
    assessments,
    claims,
    coverage,
    enforcement,
    enterprises,
    prevention,
    references,
    supervision,
    text,
)
from generator.validate.rules.base import REGISTRY, STAGES, Rule

RULES: list[Rule] = sorted(REGISTRY.values(), key=lambda rule: STAGES.index(rule.stage))

__all__ = ["RULES", "Rule"]
