"""The rule registry: file, schema and business rules, each with id, severity, title and source.

`RULES` lists every rule in the order `azx rules` and the site's method page show them.
"""

from generator.rules import (  # noqa: F401  (importing a module registers its rules)
    assessments,
    claims,
    contract,
    coverage,
    files,
    prevention,
    references,
    schema,
    text,
)
from generator.rules.base import REGISTRY, STAGES, Rule

RULES: list[Rule] = sorted(REGISTRY.values(), key=lambda rule: STAGES.index(rule.stage))

__all__ = ["RULES", "Rule"]
