"""Validate a data package: safe reading, Table Schema (Frictionless), then the business rules.

`validate_package` returns a Report for any data, however broken; it raises ConfigurationError
only when there is no package at the path or the policy file cannot be used.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator import cache
from generator.background import Background
from generator.package.load import DESCRIPTOR, POLICY, read_policy
from generator.package.policy import load_policy
from generator.validate.keep import Kept
from generator.validate.read import (
    Table,
    locate_package,
    read_descriptor,
    read_tables,
    safe_resources,
)
from generator.validate.report import Problem, Report
from generator.validate.rules.contract import contract_problems
from generator.validate.rules.schema import SchemaOutcome
from generator.validate.rules.texts import public_hotlines, texts_problems

# Bytes of CSV besides the largest table from which this process validates them itself
# while the second process validates the largest: about 0.3 s of Frictionless's work, what
# loading Frictionless costs (the province package has 9.2 million besides its roster).
SHARED_FROM = 300_000


def validate_package(path: str | Path, parallel: bool = False,
                     cache_dir: Path | None = None) -> Report:
    """Every problem of the package at `path` (a folder or its datapackage.json).

    With `parallel`, Frictionless validates in a second process while this one runs the
    business rules over every cell; they run again, without the cells Frictionless rejected, only
    when it rejected some. With `cache_dir` (the build's; never `azx validate`'s), what a
    validation finds of each table and each rule is kept there for the next build, and what the
    previous one kept is reused where its inputs are the same (`keep.Kept`). The report is the
    same every way.
    """
    with without_cycle_collection():
        return _validate(path, parallel, cache_dir)


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused: validation makes millions of rows and cells and keeps
    large key memories, which each pass of the collector walks again (a quarter of validation's
    time), while it leaves few cycles behind (some thousand objects on the province package)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _validate(path: str | Path, parallel: bool, cache_dir: Path | None) -> Report:
    # config: the package folder and the policy numbers
    root = locate_package(path)
    policy = load_policy(root)
    raw_policy = read_policy(root)
    hotlines = public_hotlines(raw_policy)
    # descriptor: JSON, shape, known properties, nothing remote, names and texts
    descriptor, problems = read_descriptor(root)
    problems += texts_problems(POLICY, raw_policy, hotlines)
    if descriptor is None:
        return finish(problems)
    problems += texts_problems(DESCRIPTOR, descriptor, hotlines, characters=False)
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
    kept = Kept(cache_dir, root, descriptor, tables, raw_policy) if cache_dir else None
    if parallel:
        theirs, mine = split_for_frictionless(tables)
        with Background(schema_check, root, descriptor, tables, theirs) as schema:
            guess: list[Problem] | Exception | None
            try:
                guess = business_problems(tables, SchemaOutcome(), broken, policy, hotlines)
            except Exception as exc:  # the rules met a cell Frictionless rejects: run again
                guess = exc
            outcome = merge(schema_check(root, descriptor, tables, mine) if mine else None,
                            schema.result())
    else:
        outcome, guess = schema_check(root, descriptor, tables, kept=kept), None
    if outcome.unusable:
        return finish(outcome.problems)
    if guess is None or isinstance(guess, Exception) or outcome.rejects_cells():
        guess = business_problems(tables, outcome, broken, policy, hotlines, kept)
    return finish(problems + outcome.problems + guess)


def schema_check(root: Path, descriptor: dict, tables: list[Table],
                 only: set[str] | None = None, kept: Kept | None = None) -> SchemaOutcome:
    """The Frictionless stage (for the tables named in `only`, all by default; each table's
    outcome `kept`). Frictionless is imported here, so that in a parallel validation this
    process loads it only when it validates some tables itself."""
    from generator.validate import tableschema

    return tableschema.check(root, descriptor, tables, only, kept)


def split_for_frictionless(tables: list[Table]) -> tuple[set[str], set[str]]:
    """The tables the second process validates, and those this one validates after the business
    rules: the largest table alone goes to the second process when the others are large enough
    to pay for loading Frictionless here too; otherwise it validates them all."""
    if not tables:
        return set(), set()
    largest = max(tables, key=lambda t: len(t.data))
    rest = {t.name for t in tables if t is not largest}
    if sum(len(t.data) for t in tables if t is not largest) < SHARED_FROM:
        return rest | {largest.name}, set()
    return {largest.name}, rest


def merge(*outcomes: SchemaOutcome | None) -> SchemaOutcome:
    """One outcome from the outcomes of disjoint sets of tables."""
    present = [o for o in outcomes if o is not None]
    unusable = [o for o in present if o.unusable]
    if unusable:
        return unusable[0]
    total = SchemaOutcome()
    for outcome in present:
        total.problems += outcome.problems
        for name, cells in outcome.bad_cells.items():
            total.bad_cells[name] += cells
        for name, rows in outcome.bad_rows.items():
            total.bad_rows[name] |= rows
        total.skipped |= outcome.skipped
    return total


def business_problems(tables: list[Table], outcome: SchemaOutcome, broken: set[str],
                      policy, hotlines: tuple[str, ...] = (), kept: Kept | None = None
                      ) -> list[Problem]:
    """The business rules over typed frames that hide every cell the schema stage reported
    (each table's frame, and each rule's problems, `kept` for the next build)."""
    # pandas is imported here, after a parallel validation has forked its second process
    from generator.validate.rules.engine import Frames, run_business

    frames, fields, problems = {}, {}, []
    for table in tables:
        if table.name in outcome.skipped | broken:
            continue
        entry = kept.frame(table.name) if kept else None
        typed = cache.load(entry)
        if not isinstance(typed, tuple):
            typed = typed_frame(table, outcome)
            cache.store(entry, typed)
        frame, found = typed
        problems += found
        if frame is not None:
            frames[table.name], fields[table.name] = frame, table.fields
    by_name = {t.name: t for t in tables}
    return problems + run_business(Frames(frames, fields, hotlines), by_name, policy, kept)


def typed_frame(table: Table, outcome: SchemaOutcome) -> tuple[object, list[Problem]]:
    """The table's typed frame (None when pandas cannot read its rows) and the problems typing
    it found."""
    from generator.validate.read import parse_rows
    from generator.validate.rules import frames

    raw = parse_rows(table.data, table.fields)  # text cells: dropped once typed
    return (None, []) if raw is None else frames.typed_frame(table, raw, outcome)


def finish(problems: list[Problem]) -> Report:
    """The report with problems in file, line, column order and exact repeats removed."""
    unique = list(dict.fromkeys(problems))
    unique.sort(key=lambda p: (p.file != DESCRIPTOR, p.file, p.row or 0, p.column_number or 0,
                               p.rule))
    return Report(unique)
