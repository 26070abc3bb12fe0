"""Validate a data package: safe reading, Table Schema (Frictionless), then the business rules.

`validate_package` returns a Report for any data, however broken; it raises ConfigurationError
only when there is no package at the path or the policy file cannot be used.
"""

from __future__ import annotations

import re
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
BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


def validate_package(path: str | Path) -> Report:
    """Every problem of the package at `path` (a folder or its datapackage.json)."""
    # config: the package folder and the policy numbers
    root = locate_package(path)
    policy = load_policy(root)
    # descriptor: JSON, shape, safe paths, Frictionless metadata
    descriptor, problems = read_descriptor(root)
    if descriptor is None:
        return finish(problems)
    problems += unreadable_metadata(descriptor)
    if problems:
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
            problems.append(make_problem(
                "descriptor-invalid", DESCRIPTOR,
                f"{DESCRIPTOR} 中资源 {resource['name']} 的外键(foreignKeys)应为列表,每一项有 "
                "fields 和 reference 对象,reference 中的 resource 是资源名。"
                "请从仓库恢复该文件或改正这一处。",
                f"{resource['name']}: foreignKeys must be a list of objects with a reference"))
        for spec in resource["schema"]["fields"]:
            constraints = spec.get("constraints")
            if not isinstance(constraints, dict):
                continue
            try:
                read = frictionless.Field.from_descriptor(spec).create_value_reader()
            except frictionless.FrictionlessException:
                continue  # reported when the package is built
            where = f"资源 {resource['name']} 的字段 {spec['name']}"
            for name, value in constraints.items():
                if name in BOUNDS and read(value) is None:
                    problems.append(make_problem(
                        "descriptor-invalid", DESCRIPTOR,
                        f"{DESCRIPTOR} 中{where} 的约束 {name} 的值 {value!r} 不是 "
                        f"{spec.get('type', 'any')} 类型的值。请从仓库恢复该文件或改正这一处。",
                        f"{resource['name']}.{spec['name']}: {name} {value!r} is not a "
                        f"{spec.get('type')}"))
                elif name == "pattern" and not _compiles(value):
                    problems.append(make_problem(
                        "descriptor-invalid", DESCRIPTOR,
                        f"{DESCRIPTOR} 中{where} 的约束 pattern 的值 {value!r} "
                        "不是有效的正则表达式。请从仓库恢复该文件或改正这一处。",
                        f"{resource['name']}.{spec['name']}: pattern {value!r} does not compile"))
    return problems


def _compiles(pattern: object) -> bool:
    try:
        re.compile(f"^{pattern}$")
    except (re.error, TypeError):
        return False
    return True


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
