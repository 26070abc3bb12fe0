"""The numbers the business rules use, parsed from the package's policy file (data/policy.yaml)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.package.load import POLICY, read_policy
from generator.validate.report import ConfigurationError


@dataclass(frozen=True)
class Policy:
    prevention_cap: float
    death_limit_steps: tuple[tuple[dt.date, float], ...]  # (from, minimum), oldest first
    score_bands: tuple[tuple[str, float], ...]  # (grade, lowest score), best grade first
    coverage_target: float
    decide_within: float
    pay_within: float

    @property
    def failing_grade(self) -> str:
        """The lowest band: a unit with this grade must be given a rectification due date."""
        return self.score_bands[-1][0]


def _number(raw: dict, *keys: str) -> float:
    value = raw
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            raise ConfigurationError(f"{POLICY} 缺少 {'.'.join(keys)}")
        value = value[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigurationError(f"{POLICY} 的 {'.'.join(keys)} 应为数字,现为 {value!r}")
    return float(value)


def _list(raw: dict, *keys: str) -> list[dict]:
    value: object = raw
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
        raise ConfigurationError(f"{POLICY} 的 {'.'.join(keys)} 应为非空列表")
    return value


def parse_policy(raw: object) -> Policy:
    """Check and convert the policy mapping; ConfigurationError names the first bad key."""
    if not isinstance(raw, dict):
        raise ConfigurationError(f"{POLICY} 的内容应为键值映射(YAML mapping)")
    steps = []
    for i, step in enumerate(_list(raw, "death_limit", "steps")):
        if not isinstance(step.get("from"), dt.date):
            raise ConfigurationError(f"{POLICY} 的 death_limit.steps[{i}].from 应为日期 YYYY-MM-DD")
        steps.append((step["from"], _number(step, "value")))
    bands = []
    for i, band in enumerate(_list(raw, "score_bands", "bands")):
        if not isinstance(band.get("grade"), str):
            raise ConfigurationError(f"{POLICY} 的 score_bands.bands[{i}].grade 应为文字")
        bands.append((band["grade"], _number(band, "min")))
    return Policy(
        prevention_cap=_number(raw, "prevention_cap", "value"),
        death_limit_steps=tuple(sorted(steps)),
        score_bands=tuple(sorted(bands, key=lambda b: -b[1])),
        coverage_target=_number(raw, "coverage_target", "value"),
        decide_within=_number(raw, "claim_days", "decide_within"),
        pay_within=_number(raw, "claim_days", "pay_within"),
    )


def load_policy(root: Path) -> Policy:
    """Read and parse `root/policy.yaml`; a missing or malformed file is a ConfigurationError."""
    try:
        raw = read_policy(root)
    except FileNotFoundError as exc:
        raise ConfigurationError(f"找不到政策参数文件 {root / POLICY}") from exc
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConfigurationError(f"无法读取政策参数文件 {root / POLICY}:{first}") from exc
    return parse_policy(raw)
