"""Table Schema validation with Frictionless: the descriptor's metadata, then every table's
types, constraints, primary and foreign keys, as a SchemaOutcome of Chinese problems.

A build keeps each table's outcome (`keep.Kept`): a package with one file changed has
Frictionless read only that file (and those referring to it).
"""

from __future__ import annotations

import re
from pathlib import Path

import frictionless

from generator import cache
from generator.package.load import DESCRIPTOR
from generator.validate import screen
from generator.validate.keep import Kept
from generator.validate.read import Table
from generator.validate.report import Problem
from generator.validate.rules.base import problem
from generator.validate.rules.schema import SchemaOutcome, map_task

ERROR_LIMIT = 1000
CSV_DIALECT = {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "header": True}
BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


def check(root: Path, descriptor: dict, tables: list[Table], only: set[str] | None = None,
          kept: Kept | None = None) -> SchemaOutcome:
    """Metadata Frictionless cannot read ends the check (`unusable`); else the errors of the
    tables named in `only` (of every table by default), each table's `kept` for the next build."""
    problems = unreadable_metadata(descriptor)
    if problems:
        return SchemaOutcome(problems=problems, unusable=True)
    return schema_problems(root, descriptor, tables, only, kept)


def metadata_problems(exc: frictionless.FrictionlessException) -> list[Problem]:
    """Frictionless's descriptor errors (profiles, field types, keys), one problem each."""
    errors = exc.reasons or [exc.error]
    return [problem("descriptor-invalid", DESCRIPTOR, variant="frictionless", file=DESCRIPTOR,
                    message=error.message) for error in errors]


def unreadable_metadata(descriptor: dict) -> list[Problem]:
    """Metadata Frictionless would crash on instead of reporting: foreign keys that are not a
    list of objects with a reference object, a bound its field cannot read, a pattern that is
    no regular expression. Other metadata errors are left to Frictionless."""
    problems = []
    for resource in descriptor["resources"]:
        keys = resource["schema"].get("foreignKeys", [])
        if not isinstance(keys, list) or not all(
                isinstance(k, dict) and isinstance(k.get("reference"), dict)
                and isinstance(k["reference"].get("resource", ""), str) for k in keys):
            problems.append(problem("descriptor-invalid", DESCRIPTOR, variant="foreign-keys",
                                    file=DESCRIPTOR, name=resource["name"]))
        for spec in resource["schema"]["fields"]:
            constraints = spec.get("constraints")
            if not isinstance(constraints, dict) or not (
                    any(name in BOUNDS for name in constraints)
                    or "pattern" in constraints and not _compiles(constraints["pattern"])):
                continue  # nothing to report: the field's reader is not needed
            try:
                read = frictionless.Field.from_descriptor(spec).create_value_reader()
            except frictionless.FrictionlessException:
                continue  # reported when the package is built
            where = {"file": DESCRIPTOR, "name": resource["name"], "field": spec["name"]}
            for name, value in constraints.items():
                if name in BOUNDS and read(value) is None:
                    problems.append(problem(
                        "descriptor-invalid", DESCRIPTOR, variant="bound", **where,
                        constraint=name, value=value, type=spec.get("type", "any"),
                        type_en=spec.get("type")))
                elif name == "pattern" and not _compiles(value):
                    problems.append(problem("descriptor-invalid", DESCRIPTOR, variant="pattern",
                                            **where, value=value))
    return problems


def _compiles(pattern: object) -> bool:
    try:
        re.compile(f"^{pattern}$")
    except (re.error, TypeError):
        return False
    return True


def schema_problems(root: Path, descriptor: dict, tables: list[Table],
                    only: set[str] | None = None, kept: Kept | None = None) -> SchemaOutcome:
    """Validate the readable tables (those named in `only`) with Frictionless, foreign keys to
    unreadable tables skipped; a table whose outcome is `kept` is not read again.

    A descriptor Frictionless rejects yields its errors and no table is checked further.
    """
    outcome = SchemaOutcome()
    if not tables:
        return outcome
    checked = [t for t in tables if only is None or t.name in only]
    entries = {t.name: kept.outcome(t.name) for t in checked} if kept else {}
    parts = {t.name: cache.load(entries.get(t.name)) for t in checked}
    missing = [t for t in checked if not isinstance(parts[t.name], SchemaOutcome)]
    if missing:
        fresh = _frictionless(root, descriptor, tables, missing)
        if isinstance(fresh, SchemaOutcome):  # metadata Frictionless rejects: nothing is kept
            return fresh
        for name, part in fresh.items():
            parts[name] = part
            cache.store(entries.get(name), part)
    for table in checked:  # in the package's order, as one pass over the tables reports them
        part = parts[table.name]
        assert isinstance(part, SchemaOutcome)
        outcome.problems += part.problems
        outcome.bad_cells[table.name] += part.bad_cells.get(table.name, [])
        outcome.bad_rows[table.name] |= part.bad_rows.get(table.name, set())
        outcome.skipped |= part.skipped
    return outcome


def _frictionless(root: Path, descriptor: dict, tables: list[Table],
                  checked: list[Table]) -> dict[str, SchemaOutcome] | SchemaOutcome:
    """Frictionless's outcome of each table in `checked`, or one outcome of the descriptor's
    errors when Frictionless rejects its metadata (every table skipped)."""
    names = {t.name for t in tables}
    resources = []
    for resource in descriptor["resources"]:
        if resource["name"] not in names:
            continue
        schema = dict(resource["schema"])
        schema["foreignKeys"] = [
            key for key in schema.get("foreignKeys", [])
            if key.get("reference", {}).get("resource") in names | {""}]
        # the site's CSV dialect, stated: Frictionless would otherwise guess it from a sample,
        # and a cell such as `a;b` can make it read other rows than the site does
        resources.append({**resource, "schema": schema, "dialect": CSV_DIALECT})
    try:
        # building the Package checks the descriptor's metadata (profiles, types, keys)
        package = frictionless.Package({**descriptor, "resources": resources},
                                       basepath=str(root))
    except frictionless.FrictionlessException as exc:
        outcome = SchemaOutcome(problems=metadata_problems(exc))
        outcome.skipped.update(names)
        return outcome
    titles = {r["name"]: r.get("title", r["name"]) for r in descriptor["resources"]}
    parts = {}
    for table in checked:
        # the Package above has checked the metadata once: each resource is validated directly
        report = screen.validate(package.get_resource(table.name), ERROR_LIMIT, table.data)
        parts[table.name] = SchemaOutcome()
        map_task(report.tasks[0], table, titles, parts[table.name])
    return parts
