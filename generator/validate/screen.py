"""Frictionless's validation of one table, with the rows that cannot fail screened out by column.

`Resource.validate` makes a Frictionless `Row` of every CSV row and reads its cells one by one;
on a large table that is most of validation's time, though nearly every row is clean. Here
Frictionless opens the resource as always (dialect, header, foreign-key lookups) and parses the
CSV (its cell stream, or, where no cell can be quoted, its lines split at commas, a chunk of
rows cut into columns at once), and each distinct cell of a column is read once by its field's
own Frictionless cell reader (what it was kept for the next chunks). A row becomes a
Frictionless `Row`, and goes through the very steps of Frictionless's row stream and baseline
check (`_row_errors`), only when it may yield an error: a cell with a type or constraint note,
a row of the wrong width or all blank, a foreign key missing from its lookup, a unique value or
primary key seen before, a primary key of blanks. Every other row only updates the primary-key
and unique memories, as its Row would. The errors, their order, the error limit and the report
are Frictionless's own.

The steps copied here are those of frictionless `SCREENED` (`Resource.validate` and
`TableResource.__open_row_stream`); with any other version, and for anything but a CSV table
with a valid header, Frictionless validates the table itself. tests/test_screen.py compares
the two on damaged tables.
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from operator import itemgetter
from typing import Any

import frictionless
from frictionless import Checklist, FrictionlessException, Report, errors, helpers, system
from frictionless.formats.csv.control import CsvControl
from frictionless.resources import TableResource
from frictionless.table.row import Row, create_cell_handlers

from generator.validate.read import pieces

SCREENED = "5.21.0"
CHUNK = 20_000  # rows screened at once


def validate(resource: frictionless.Resource, limit_errors: int,
             data: bytes | None = None) -> Report:
    """`resource.validate(limit_errors=limit_errors)`, the clean rows screened out; `data`, the
    bytes of the resource's UTF-8 file when the caller has them, spares parsing them as CSV
    where no cell can be quoted (`_plain_lines`)."""
    if not (frictionless.__version__ == SCREENED and isinstance(resource, TableResource)
            and resource.format == "csv" and system.onerror == "ignore" and limit_errors > 0):
        return resource.validate(limit_errors=limit_errors)
    pristine = resource.to_copy()  # for Frictionless, should the screen stop short
    timer = helpers.Timer()
    found: list[frictionless.Error] = []
    warnings: list[str] = []
    checklist = Checklist()
    checks = checklist.connect(resource)
    try:
        resource.to_descriptor(validate=True)
    except FrictionlessException as exception:
        return Report.from_validation_task(resource, time=timer.time,
                                           errors=exception.to_errors())
    if resource.hash:
        algorithm, _ = helpers.parse_resource_hash_v1(resource.hash)
        if algorithm not in ["md5", "sha256"]:
            warnings.append("hash is ignored; supported algorithms: md5/sha256")
    if resource.closed:
        try:
            resource.open()
        except FrictionlessException as exception:
            resource.close()
            return Report.from_validation_task(resource, time=timer.time,
                                               errors=exception.to_errors())
    fields = resource.header.get_expected_fields()
    handlers = create_cell_handlers(fields)
    if not resource.header.valid or not fields or len(handlers) != len(fields):
        resource.close()  # not screened: Frictionless reads every row
        return pristine.validate(limit_errors=limit_errors)
    with resource:
        for index, check in enumerate(checks):
            for error in check.validate_start():
                if error.type == "check-error":
                    del checks[index]
                if checklist.match(error):
                    found.append(error)
        labels = resource.labels
        plain = _plain_lines(resource, data)
        try:
            for rows, row_errors in _errors(resource, handlers, plain):
                resource.stats.rows = rows
                found += [error for error in row_errors if checklist.match(error)]
                if len(found) >= limit_errors:
                    break
            stopped = len(found) >= limit_errors
        except FrictionlessException:  # the cell stream failed
            stopped = True
        if stopped:
            # Frictionless stops at the error limit or a failing cell stream, having read less
            # of the file than the screen (its byte counts differ): it validates the table
            resource.close()
            return pristine.validate(limit_errors=limit_errors)
        if plain is not None and data is not None:  # the statistics of the file read to its end
            resource.stats.md5 = hashlib.md5(data).hexdigest()
            resource.stats.sha256 = hashlib.sha256(data).hexdigest()
            resource.stats.bytes = len(data)
        for check in checks:
            for error in check.validate_end():
                if checklist.match(error):
                    found.append(error)
    return Report.from_validation_task(resource, time=timer.time, labels=labels,
                                       errors=found, warnings=warnings)


class _Keys:
    """The integrity state of Frictionless's row stream: unique and primary-key memories, and
    the foreign keys checked against the lookups."""

    def __init__(self, resource: TableResource, handlers: dict):
        names = list(handlers)
        expected = set(names)
        self.position = {name: i for i, name in enumerate(names)}
        primary = set(resource.schema.primary_key)
        self.has_primary_key = bool(primary) and primary.issubset(expected)
        self.primary_labels = resource.primary_key_labels(
            Row([], handlers=handlers, row_number=0), resource.dialect.header_case)
        self.memory_primary: dict[tuple, int] = {}
        self.memory_unique: dict[str, dict] = {
            handler.field.name: {} for handler in handlers.values()
            if handler.field.constraints.get("unique")}
        self.foreign_groups: list[dict[str, Any]] = []
        if resource.lookup:
            for fk in resource.schema.foreign_keys:
                target_key = tuple(fk["fields"])
                if not set(target_key).issubset(expected):
                    continue
                self.foreign_groups.append({"sourceName": fk["reference"]["resource"],
                                            "sourceKey": tuple(fk["reference"]["fields"]),
                                            "targetKey": target_key})

    def typed_columns(self) -> set[int]:
        """The columns whose values the screen needs."""
        names = set(self.memory_unique) | {n for g in self.foreign_groups for n in g["targetKey"]}
        if self.has_primary_key:
            names |= set(self.primary_labels)
        return {self.position[name] for name in names}


def _plain_lines(resource: TableResource, data: bytes | None
                 ) -> Iterator[tuple[int, list[str]]] | None:
    """The lines of `data` (`_lines`) when splitting them at commas is exactly what Frictionless
    reads (Python's csv reader with its dialect, every row after the header a content row): UTF-8
    as Frictionless decodes it, without a quote, carriage return or NUL, and no cell starting
    with a space (a sniffed skipInitialSpace would drop it). None otherwise: Frictionless's cell
    stream is read."""
    if data is None:
        return None
    control = CsvControl.from_dialect(resource.dialect)
    dialect = resource.dialect
    has_bom = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8):] if has_bom else data
    if (resource.encoding != "utf-8-sig" and (resource.encoding != "utf-8" or has_bom)
            or control.delimiter != "," or control.quote_char != '"' or control.escape_char
            or dialect.create_comment_filter() or dialect.create_blank_filter()
            or body.startswith(b" ") or any(c in body for c in PLAIN_EXCEPT)):
        return None
    return _lines(data)


PLAIN_EXCEPT = (b'"', b"\r", b"\0", b", ", b"\n ")


def _lines(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """(the row number of the first, up to CHUNK lines) of UTF-8 `data` (a BOM dropped), without
    their line feeds, rows numbered from 1 as Frictionless's content stream numbers them; a
    file that is not UTF-8 fails as Frictionless's cell stream would."""
    tail, number = "", 1
    try:
        for text in pieces(data):
            lines = (tail + text).split("\n")
            tail = lines.pop()
            for start in range(0, len(lines), CHUNK):
                yield number + start, lines[start:start + CHUNK]
            number += len(lines)
    except UnicodeDecodeError as exception:
        raise FrictionlessException(errors.EncodingError(note=str(exception))) from exception
    if tail:
        yield number, [tail]


class _Chunk:
    """Content rows read at once: their row numbers, their cells by column (those of a row of
    the wrong width all None, the row flagged), and each row's own cells (`cells`)."""

    def __init__(self, numbers: Sequence[int], columns: list[list], flags: bytearray,
                 cells: Callable[[int], list]):
        self.numbers, self.columns, self.flags, self.cells = numbers, columns, flags, cells


def _chunks(resource: TableResource, plain: Iterator[tuple[int, list[str]]] | None,
            width: int) -> Iterator[_Chunk]:
    """The content rows of `plain`'s lines, or else of Frictionless's cell stream, CHUNK at a
    time at most."""
    if plain is None:
        content = resource.dialect.read_enumerated_content_stream(resource.cell_stream)
        while chunk := list(islice(content, CHUNK)):
            yield _from_rows([number for number, _ in chunk], [cells for _, cells in chunk],
                             width)
        return
    first = resource.dialect.create_first_content_row()
    for number, lines in plain:
        if number < first:
            lines, number = lines[first - number:], first
        if lines:
            yield _from_lines(number, lines, width)


def _from_rows(numbers: list[int], rows: list[list], width: int) -> _Chunk:
    flags = bytearray(len(rows))
    shaped = rows
    if set(map(len, rows)) - {width}:
        shaped = list(rows)
        for j, cells in enumerate(rows):
            if len(cells) != width:
                flags[j] = 1
                shaped[j] = [None] * width  # flagged: any cells will do
    columns = [list(map(itemgetter(i), shaped)) for i in range(width)]
    return _Chunk(numbers, columns, flags, rows.__getitem__)


def _from_lines(number: int, lines: list[str], width: int) -> _Chunk:
    """The rows of `lines` split at commas (as Python's csv reader splits text without quotes,
    an empty line an empty row), numbered from `number`. When every line has `width` cells, the
    columns are cut from one list of all the cells, split at once."""
    numbers = range(number, number + len(lines))
    if "" not in lines:
        # NUL, absent from a plain file, marks the end of each line among the cells
        cells = ",\0,".join(lines).split(",")
        step = width + 1
        if len(cells) == len(lines) * step - 1 and cells[width::step].count("\0") == len(lines) - 1:
            return _Chunk(numbers, [cells[i::step] for i in range(width)],
                          bytearray(len(lines)), lambda j: lines[j].split(","))
    return _from_rows(list(numbers), [line.split(",") if line else [] for line in lines], width)


def _errors(resource: TableResource, handlers: dict,
            plain: Iterator[tuple[int, list[str]]] | None
            ) -> Iterator[tuple[int, list[frictionless.Error]]]:
    """(rows read, that row's errors) for each row with errors, in order, then (rows read, [])
    at the end; a failing cell stream raises its FrictionlessException. The cells are `plain`'s
    lines split, or else those of Frictionless's cell stream."""
    keys = _Keys(resource, handlers)
    typed = keys.typed_columns()
    known = [_Column(handler.reader, i in typed) for i, handler in enumerate(handlers.values())]
    count = 0
    for chunk in _chunks(resource, plain, len(known)):
        flags, numbers = chunk.flags, chunk.numbers
        values = _screen(chunk.columns, flags, known)
        _flag_foreign_keys(resource, keys, values, flags)
        primary = (list(zip(*(values[keys.position[n]] for n in keys.primary_labels), strict=True))
                   if keys.has_primary_key else [])
        blank_key = (None,) * len(keys.primary_labels)
        if 1 not in flags and not keys.memory_unique and _new_keys(primary, blank_key, keys):
            count += len(numbers)  # no row has errors: the chunk's keys are remembered at once
            keys.memory_primary.update(zip(primary, numbers, strict=True))
            continue
        for j, row_number in enumerate(numbers):
            count += 1
            if not flags[j] and (not primary or (primary[j] != blank_key
                                                 and not keys.memory_primary.get(primary[j]))):
                unique = [(memory, values[keys.position[name]][j])
                          for name, memory in keys.memory_unique.items()]
                if not any(value is not None and memory.get(value) for memory, value in unique):
                    for memory, value in unique:
                        if value is not None:
                            memory[value] = row_number
                    if primary:
                        keys.memory_primary[primary[j]] = row_number
                    continue  # its Row would have no errors
            row = Row(chunk.cells(j), handlers=handlers, row_number=row_number)
            row_errors = _row_errors(resource, row, keys)
            if row_errors:
                yield count, row_errors
    yield count, []


def _new_keys(primary: list[tuple], blank_key: tuple, keys: _Keys) -> bool:
    """Whether the primary keys of a chunk are all distinct, not blank and not seen before."""
    distinct = set(primary)
    return (len(distinct) == len(primary) and blank_key not in distinct
            and keys.memory_primary.keys().isdisjoint(distinct))


MEMORY = 50_000  # the distinct cells of a column remembered: beyond, they are forgotten


class _Column:
    """What the cells of one column read so far were: those read (`seen`, at most about
    MEMORY), those with notes or that its reader fails on (`bad`), those read as missing
    (`missing`), and, for a column whose values the screen needs, each one's value."""

    def __init__(self, reader: Callable, typed: bool):
        self.reader = reader
        self.seen: set = set()
        self.bad: set = set()
        self.missing: set = set()
        self.values: dict | None = {} if typed else None

    def read(self, cells: set) -> None:
        """Read the `cells` not seen yet."""
        if len(self.seen) > MEMORY:
            self.seen.clear()
            if self.values is not None:
                self.values.clear()
        fresh = cells.difference(self.seen)
        if not fresh:
            return
        self.seen |= fresh
        answers = _read(self.reader, fresh)
        self.bad.update(cell for cell, answer in answers.items() if answer is None or answer[1])
        self.missing.update(cell for cell, answer in answers.items()
                            if answer and answer[0] is None)
        if self.values is not None:
            self.values.update((cell, answer[0]) for cell, answer in answers.items() if answer)


def _screen(columns: list[list], flags: bytearray, known: list[_Column]) -> dict[int, list]:
    """Flag the rows whose Frictionless Row has errors of its own (a cell with notes, a row all
    blank; a row of the wrong width is flagged already), and the values of the typed columns
    (`known`, each column's cells read so far: each distinct cell is read once)."""
    values: dict[int, list] = {}
    blank: set[int] | None = None  # rows whose every cell so far is read as missing
    for i, (column, state) in enumerate(zip(columns, known, strict=True)):
        cells = set(column)
        state.read(cells)
        bad = state.bad.intersection(cells)
        if bad:
            for j, cell in enumerate(column):
                if cell in bad:
                    flags[j] = 1
        missing = state.missing.intersection(cells)
        if blank is None:
            blank = {j for j, cell in enumerate(column) if cell in missing} if missing else set()
        elif blank:
            blank = {j for j in blank if column[j] in missing}
        if state.values is not None:
            values[i] = list(map(state.values.get, column))
    for j in blank or ():
        flags[j] = 1
    return values


def _read(reader: Callable, cells: set) -> dict[Any, tuple | None]:
    """Each cell's (value, notes) by its field's reader; None for a cell the reader fails on
    (its row's Row meets the same failure, if Frictionless reaches it)."""
    try:
        return {cell: reader(cell) for cell in cells}
    except Exception:
        answers: dict[Any, tuple | None] = {}
        for cell in cells:
            try:
                answers[cell] = reader(cell)
            except Exception:
                answers[cell] = None
        return answers


def _flag_foreign_keys(resource: TableResource, keys: _Keys, values: dict[int, list],
                       flags: bytearray) -> None:
    """Flag the rows whose foreign key Frictionless would not find in its lookup."""
    for group in keys.foreign_groups:
        group_lookup = resource.lookup.get(group["sourceName"])
        if not group_lookup:
            continue
        known = group_lookup.get(group["sourceKey"], set())
        blank = (None,) * len(group["targetKey"])
        columns = [values[keys.position[name]] for name in group["targetKey"]]
        for j, cells in enumerate(zip(*columns, strict=True)):
            if cells != blank and cells not in known:
                flags[j] = 1


def _row_errors(resource: TableResource, row: Row, keys: _Keys) -> list[frictionless.Error]:
    """The row's errors as Frictionless's row stream and baseline check make them (the steps
    of frictionless `SCREENED`, `TableResource.__open_row_stream`, in the same order)."""
    # Unique Error
    for field_name in keys.memory_unique.keys():
        cell = row[field_name]
        if cell is not None:
            match = keys.memory_unique[field_name].get(cell)
            keys.memory_unique[field_name][cell] = row.row_number
            if match:
                note = f"the same as in the row at position {match}"
                row.errors.append(errors.UniqueError.from_row(row, note=note,
                                                              field_name=field_name))
    # Primary Key Error
    if keys.has_primary_key:
        try:
            cells = resource.primary_key_cells(row, resource.dialect.header_case)
        except KeyError:
            assert not resource.header.valid
        else:
            if set(cells) == {None}:
                note = 'cells composing the primary keys are all "None"'
                row.errors.append(errors.PrimaryKeyError.from_row(row, note=note))
            else:
                match = keys.memory_primary.get(cells)
                keys.memory_primary[cells] = row.row_number
                if match:
                    note = f"the same as in the row at position {match}"
                    row.errors.append(errors.PrimaryKeyError.from_row(row, note=note))
    # Foreign Key Error
    for group in keys.foreign_groups:
        group_lookup = resource.lookup.get(group["sourceName"])
        if group_lookup:
            cells = tuple(row[name] for name in group["targetKey"])
            if set(cells) == {None}:
                continue
            match = cells in group_lookup.get(group["sourceKey"], set())
            if not match:
                target = ", ".join(group["targetKey"])
                found = ", ".join(str(d) for d in cells)
                source = ", ".join(group["sourceKey"])
                note = (f'for "{target}": values "{found}" not found in the lookup table '
                        f'"{group["sourceName"]}" as "{source}"')
                row.errors.append(errors.ForeignKeyError.from_row(
                    row, note=note, field_names=list(group["targetKey"]),
                    field_values=list(cells), reference_name=group["sourceName"],
                    reference_field_names=list(group["sourceKey"])))
    return list(row.errors)  # the baseline check's `validate_row`
