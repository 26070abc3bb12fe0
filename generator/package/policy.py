"""The one typed policy: every number of data/policy.yaml, checked once when it is loaded.

Rules, figures, pages, templates and the synthesiser all read this object, never the YAML. It also
holds the one definition of a failing grade, of a target met and of a deadline missed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import yaml

from generator.package.load import POLICY, read_policy
from generator.validate.report import ConfigurationError


@dataclass(frozen=True)
class Entry:
    """One top-level entry of policy.yaml as the site's method page lists it."""

    key: str
    title: str
    source: str


@dataclass(frozen=True)
class Policy:
    prevention_cap: float
    prevention_cap_source: str
    prevention_floor: float  # spending ÷ budget below this is flagged (a local choice)
    death_limit_steps: tuple[tuple[dt.date, float], ...]  # (from, minimum), oldest first
    score_bands: tuple[tuple[str, float], ...]  # (grade, lowest score), best grade first
    coverage_target: float
    due_dates: MappingProxyType  # plans / first_batch / extension → date
    decide_within: float
    pay_within: float
    advance_after: float
    claim_days_source: str
    entries: tuple[Entry, ...]  # every entry with its title and source, in file order
    roster_fields: tuple[tuple[str, str], ...]  # (field, reason): the roster fields published
    mask_uscc_prefixes: tuple[str, ...]  # names of units with these code prefixes are masked
    mask_name_suffixes: tuple[str, ...]  # and names ending so; the suffix stays visible
    mask_keep: int  # characters kept at the start of a masked name
    mask_text: str  # what replaces the rest

    def masked_names(self, names, codes):
        """The names as published (Series in, Series out): a name registered by a person (its
        code or its ending listed under roster_publication.mask_names) keeps its first
        `mask_keep` characters and its listed ending; the rest becomes `mask_text`."""
        names = names.astype(str)
        suffix = names.str.extract(
            "(" + "|".join(re.escape(s) for s in self.mask_name_suffixes) + ")$",
            expand=False).fillna("") if self.mask_name_suffixes else names.str[:0]
        person = (suffix != "") | codes.astype(str).str.startswith(self.mask_uscc_prefixes)
        masked = names[person].str[: self.mask_keep] + self.mask_text + suffix[person]
        return names.where(~person, masked)  # new texts only for the few masked names

    @property
    def failing_grade(self) -> str:
        """The lowest band: a unit with this grade must be given a rectification due date."""
        return self.score_bands[-1][0]

    @property
    def pass_mark(self) -> float:
        """The lowest score that is not a failing grade."""
        return self.score_bands[-2][1] if len(self.score_bands) > 1 else self.score_bands[0][1]

    def failing(self, grade):
        """True where `grade` (a value or a Series) is the failing grade."""
        return grade == self.failing_grade

    def target_met(self, insured, required):
        """True where units insured reach the coverage target of units required (scalars or
        Series); a row with nothing to insure has no target to meet."""
        return (required > 0) & (insured >= self.coverage_target * required)

    @staticmethod
    def due_passed(due, as_of):
        """True where data as of `as_of` (a month's data stands at its last day) judges the due
        date `due`: on or after it. The one definition of due: what the data of the due day
        shows is on time, so a target met on the due day is met on time, and one not met on
        it is missed (scalars, Series or arrays of dates)."""
        return due <= as_of

    def overdue(self, due, as_of, insured, required):
        """True where the due date is judged (`due_passed`) and the target is not met by a row
        with units to insure."""
        return self.due_passed(due, as_of) & (required > 0) & ~self.target_met(insured, required)


def _at(raw: dict, keys: tuple[str, ...]):
    value = raw
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            raise ConfigurationError(f"{POLICY} 缺少 {'.'.join(keys)}")
        value = value[key]
    return value


def _number(raw: dict, *keys: str) -> float:
    value = _at(raw, keys)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigurationError(f"{POLICY} 的 {'.'.join(keys)} 应为数字,现为 {value!r}")
    return float(value)


def _text(raw: dict, *keys: str) -> str:
    value = _at(raw, keys)
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"{POLICY} 的 {'.'.join(keys)} 应为文字,现为 {value!r}")
    return value


def _date(raw: dict, *keys: str) -> dt.date:
    value = _at(raw, keys)
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ConfigurationError(f"{POLICY} 的 {'.'.join(keys)} 应为日期 YYYY-MM-DD,现为 {value!r}")
    return value


def _list(raw: dict, *keys: str) -> list[dict]:
    value = _at(raw, keys)
    if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
        raise ConfigurationError(f"{POLICY} 的 {'.'.join(keys)} 应为非空列表")
    return value


def _texts(raw: dict, *keys: str) -> tuple[str, ...]:
    value = _at(raw, keys)
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigurationError(f"{POLICY} 的 {'.'.join(keys)} 应为文字列表")
    return tuple(value)


def _source(item: dict) -> str:
    """The source of a policy entry, or of each of its dated steps."""
    if "source" in item:
        return str(item["source"])
    steps = item.get("steps", [])
    return ";".join(f"{s['from']} 起:{s['source']}" for s in steps
                    if isinstance(s, dict) and "source" in s)


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
        prevention_cap_source=_text(raw, "prevention_cap", "source"),
        prevention_floor=_number(raw, "prevention_floor", "value"),
        death_limit_steps=tuple(sorted(steps)),
        score_bands=tuple(sorted(bands, key=lambda b: -b[1])),
        coverage_target=_number(raw, "coverage_target", "value"),
        due_dates=MappingProxyType({key: _date(raw, "due_dates", key)
                                    for key in ("plans", "first_batch", "extension")}),
        decide_within=_number(raw, "claim_days", "decide_within"),
        pay_within=_number(raw, "claim_days", "pay_within"),
        advance_after=_number(raw, "claim_days", "advance_after"),
        claim_days_source=_text(raw, "claim_days", "source"),
        entries=tuple(Entry(key, str(item.get("title", key)), _source(item))
                      for key, item in raw.items() if isinstance(item, dict)),
        roster_fields=tuple((_text(f, "field"), _text(f, "reason"))
                            for f in _list(raw, "roster_publication", "fields")),
        mask_uscc_prefixes=_texts(raw, "roster_publication", "mask_names", "uscc_prefixes"),
        mask_name_suffixes=_texts(raw, "roster_publication", "mask_names", "name_suffixes"),
        mask_keep=int(_number(raw, "roster_publication", "mask_names", "keep")),
        mask_text=_text(raw, "roster_publication", "mask_names", "mask"),
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
