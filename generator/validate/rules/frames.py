"""Typed DataFrames for the business rules, with every cell the schema stage rejected left empty.

A rule therefore never sees a value that was already reported, so a defect is reported once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.validate.report import Problem
from generator.validate.rules.base import problem
from generator.validate.rules.hints import TYPE_ZH, type_hint
from generator.validate.rules.schema import SchemaOutcome

NUMERIC = ("integer", "number")
INT_LIMIT = 2.0**63


def _numeric(raw: pd.Series, spec: dict, table) -> tuple[pd.Series, list[Problem]]:
    """Parse a numeric column; cells Python's int() accepts but a plain number is not (full-width
    digits, underscores) are type errors that Frictionless lets through."""
    problems = []
    if raw.dtype == "float64":
        values = raw
    else:
        values = pd.to_numeric(raw.where(raw != ""), errors="coerce").astype("float64")
        rejected = raw[(raw != "") & values.isna()]
        for position, cell in rejected.items():
            hint, hint_en = type_hint(cell, spec["type"])
            problems.append(problem(
                "type-error", table.path, row=int(position) + 2, column=spec["name"],
                fields=table.fields, title=spec.get("title", spec["name"]), cell=cell,
                type_zh=TYPE_ZH[spec["type"]], type=spec["type"], hint=hint, hint_en=hint_en))
    # Frictionless reads any number of digits; the pages cannot (int64, finite float64)
    limit = INT_LIMIT if spec["type"] == "integer" else np.inf
    huge = values.abs() >= limit
    for position in values.index[huge]:
        problems.append(problem(
            "type-error", table.path, row=int(position) + 2, column=spec["name"],
            fields=table.fields, variant="too-large", title=spec.get("title", spec["name"])))
    return values.mask(huge), problems


def _is_code(spec: dict, primary_key: list[str]) -> bool:
    """A string field with a pattern or an enum, but the table's one-field primary key: that
    has a value a row (a roster's 160,000 USCCs), so a categorical only costs building it."""
    constraints = spec.get("constraints", {})
    return ("pattern" in constraints or "enum" in constraints) and primary_key != [spec["name"]]


def typed_frame(table, frame: pd.DataFrame,
                outcome: SchemaOutcome) -> tuple[pd.DataFrame, list[Problem]]:
    """The table's rows (`frame`, from `read.parse_rows`) without rejected rows, its values
    typed, rejected cells empty.

    Codes (string fields with a pattern or an enum, `_is_code`) become categoricals: few
    distinct values, so grouping and text checks on them stay cheap at province scale.
    """
    rows = outcome.bad_rows.get(table.name)
    if rows:
        frame = frame.drop(index=[r for r in rows if r in frame.index])
    cells = outcome.bad_cells.get(table.name)
    if cells:
        frame = frame.copy()
        for position, name in cells:
            if position in frame.index and name in frame.columns:
                frame.at[position, name] = np.nan if frame[name].dtype == "float64" else ""
    typed, problems = {}, []
    for spec in table.fields:
        raw = frame[spec["name"]]
        if spec.get("type") in NUMERIC:
            typed[spec["name"]], found = _numeric(raw, spec, table)
            problems.extend(found)
        elif spec.get("type") == "date":
            typed[spec["name"]] = pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce")
        else:
            text = raw.where(raw != "")
            code = _is_code(spec, table.primary_key)
            typed[spec["name"]] = text.astype("category" if code else "string")
    return pd.DataFrame(typed, index=frame.index), problems


def frame_with(frames: dict[str, pd.DataFrame], name: str, *columns: str) -> pd.DataFrame | None:
    """The typed frame of resource `name` when it was read and has `columns`, else None."""
    frame = frames.get(name)
    if frame is None or any(c not in frame.columns for c in columns):
        return None
    return frame
