"""Table Schema validation with Frictionless: the descriptor's metadata, then every table's
types, constraints, primary and foreign keys, as a SchemaOutcome of Chinese problems."""

from __future__ import annotations

import re
from pathlib import Path

import frictionless

from generator.package.load import DESCRIPTOR
from generator.validate.read import Table
from generator.validate.report import Problem
from generator.validate.rules.base import problem
from generator.validate.rules.schema import SchemaOutcome, map_task

ERROR_LIMIT = 1000
CSV_DIALECT = {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "header": True}
BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


def check(root: Path, descriptor: dict, tables: list[Table],
          only: set[str] | None = None) -> SchemaOutcome:
    """Metadata Frictionless cannot read ends the check (`unusable`); else the errors of the
    tables named in `only` (of every table by default)."""
    problems = unreadable_metadata(descriptor)
    if problems:
        return SchemaOutcome(problems=problems, unusable=True)
    return schema_problems(root, descriptor, tables, only)


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
            if not isinstance(constraints, dict):
                continue
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
                    only: set[str] | None = None) -> SchemaOutcome:
    """Validate the readable tables (those named in `only`) with Frictionless, foreign keys to
    unreadable tables skipped.

    A descriptor Frictionless rejects yields its errors and no table is checked further.
    """
    outcome = SchemaOutcome()
    if not tables:
        return outcome
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
        outcome.problems.extend(metadata_problems(exc))
        outcome.skipped.update(names)
        return outcome
    titles = {r["name"]: r.get("title", r["name"]) for r in descriptor["resources"]}
    for table in tables:
        if only is not None and table.name not in only:
            continue
        # the Package above has checked the metadata once: each resource is validated directly
        report = package.get_resource(table.name).validate(limit_errors=ERROR_LIMIT)
        map_task(report.tasks[0], table, titles, outcome)
    return outcome
