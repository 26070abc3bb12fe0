"""Validate a data package: safe reading, Table Schema (Frictionless), then the business rules.

`validate_package` returns a Report for any data, however broken; it raises ConfigurationError
only when there is no package at the path or the policy file cannot be used.
"""

from __future__ import annotations

from pathlib import Path

import frictionless

from generator.load import DESCRIPTOR
from generator.read import Table, locate_package, read_descriptor, read_tables, safe_resources
from generator.report import Problem, Report
from generator.rules.base import make_problem
from generator.rules.contract import contract_problems
from generator.rules.engine import Frames, run_business
from generator.rules.frames import typed_frame
from generator.rules.policy import load_policy
from generator.rules.schema import SchemaOutcome, map_task

ERROR_LIMIT = 1000


def validate_package(path: str | Path) -> Report:
    """Every problem of the package at `path` (a folder or its datapackage.json)."""
    # config: the package folder and the policy numbers
    root = locate_package(path)
    policy = load_policy(root)
    # descriptor: JSON, shape, safe paths, Frictionless metadata
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
    # schema: types, constraints, primary and foreign keys
    outcome = schema_problems(root, descriptor, tables)
    problems += outcome.problems
    # business rules over typed frames that hide every cell already reported
    frames, fields = {}, {}
    for table in tables:
        if table.frame is None or table.name in outcome.skipped | broken:
            continue
        frames[table.name], found = typed_frame(table, outcome)
        fields[table.name] = table.fields
        problems += found
    by_name = {t.name: t for t in tables}
    problems += run_business(Frames(frames, fields), by_name, policy)
    return finish(problems)


def metadata_problems(exc: frictionless.FrictionlessException) -> list[Problem]:
    """Frictionless's descriptor errors (profiles, field types, keys), one problem each."""
    errors = exc.reasons or [exc.error]
    return [make_problem("descriptor-invalid", DESCRIPTOR,
                         f"{DESCRIPTOR} 不符合数据包规范:{error.message}。"
                         "请从仓库恢复该文件或改正这一处。",
                         error.message) for error in errors]


def schema_problems(root: Path, descriptor: dict, tables: list[Table]) -> SchemaOutcome:
    """Validate the readable tables with Frictionless (keys to unreadable tables skipped).

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
        resources.append({**resource, "schema": schema})
    try:
        # building the Package checks the descriptor's metadata (profiles, types, keys)
        package = frictionless.Package({**descriptor, "resources": resources},
                                       basepath=str(root))
    except frictionless.FrictionlessException as exc:
        outcome.problems.extend(metadata_problems(exc))
        outcome.skipped.update(names)
        return outcome
    report = package.validate(limit_errors=ERROR_LIMIT)
    titles = {r["name"]: r.get("title", r["name"]) for r in descriptor["resources"]}
    by_name = {t.name: t for t in tables}
    for task in report.tasks:
        map_task(task, by_name[task.name], titles, outcome)
    return outcome


def finish(problems: list[Problem]) -> Report:
    """The report with problems in file, line, column order and exact repeats removed."""
    unique = list(dict.fromkeys(problems))
    unique.sort(key=lambda p: (p.file != DESCRIPTOR, p.file, p.row or 0, p.column_number or 0,
                               p.rule))
    return Report(unique)
