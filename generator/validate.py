"""Validate a data package: safe reading, Table Schema (Frictionless), then the business rules.

`validate_package` returns a Report for any data, however broken; it raises ConfigurationError
only when there is no package at the path or the policy file cannot be used.
"""

from __future__ import annotations

from pathlib import Path

from generator.background import Background
from generator.load import DESCRIPTOR
from generator.read import Table, locate_package, read_descriptor, read_tables, safe_resources
from generator.report import Problem, Report
from generator.rules.contract import contract_problems
from generator.rules.policy import load_policy
from generator.rules.schema import SchemaOutcome


def validate_package(path: str | Path, parallel: bool = False) -> Report:
    """Every problem of the package at `path` (a folder or its datapackage.json).

    With `parallel`, Frictionless validates in a second process while this one runs the
    business rules over every cell; they run again, without the cells Frictionless rejected, only
    when it rejected some. The report is the same either way.
    """
    # config: the package folder and the policy numbers
    root = locate_package(path)
    policy = load_policy(root)
    # descriptor: JSON and shape
    descriptor, problems = read_descriptor(root)
    if descriptor is None:
        return finish(problems)
    # contract: every resource, key and field the generator reads, with its type
    found, broken = contract_problems(descriptor)
    problems += found
    resources, refused = safe_resources(root, descriptor)
    problems += refused
    # files: encoding and header
    tables, found = read_tables(root, resources)
    problems += found
    # schema (Frictionless): metadata, then types, constraints, primary and foreign keys;
    # business rules over typed frames that hide every cell the schema stage reported
    if parallel:
        with Background(schema_check, root, descriptor, tables) as schema:
            try:
                guess = business_problems(tables, SchemaOutcome(), broken, policy)
            except Exception as exc:  # the rules met a cell Frictionless rejects: run again
                guess = exc
            outcome = schema.result()
    else:
        outcome, guess = schema_check(root, descriptor, tables), None
    if outcome.unusable:
        return finish(outcome.problems)
    if guess is None or isinstance(guess, Exception) or outcome.rejects_cells():
        guess = business_problems(tables, outcome, broken, policy)
    return finish(problems + outcome.problems + guess)


def schema_check(root: Path, descriptor: dict, tables: list[Table]) -> SchemaOutcome:
    """The Frictionless stage. Frictionless is imported here so that, in a parallel validation,
    only the second process spends time loading it."""
    from generator import tableschema

    return tableschema.check(root, descriptor, tables)


def business_problems(tables: list[Table], outcome: SchemaOutcome, broken: set[str],
                      policy) -> list[Problem]:
    """The business rules over typed frames that hide every cell the schema stage reported."""
    # pandas is imported here, after a parallel validation has forked its second process
    from generator.read import parse_rows
    from generator.rules.engine import Frames, run_business
    from generator.rules.frames import typed_frame

    frames, fields, problems = {}, {}, []
    for table in tables:
        if table.frame is None:
            table.frame = parse_rows(table.text, table.fields)
        if table.frame is None or table.name in outcome.skipped | broken:
            continue
        frames[table.name], found = typed_frame(table, outcome)
        fields[table.name] = table.fields
        problems += found
    by_name = {t.name: t for t in tables}
    return problems + run_business(Frames(frames, fields), by_name, policy)


def finish(problems: list[Problem]) -> Report:
    """The report with problems in file, line, column order and exact repeats removed."""
    unique = list(dict.fromkeys(problems))
    unique.sort(key=lambda p: (p.file != DESCRIPTOR, p.file, p.row or 0, p.column_number or 0,
                               p.rule))
    return Report(unique)
