"""A Frictionless plugin that reads each distinct cell of a column once.

Frictionless reads every cell with its field's cell reader (missing values, the type, then each
constraint), and most of its time on a large table goes there. A column repeats its values (codes,
dates, flags, amounts), and the reader's answer depends on the cell alone, so the field classes
given here keep Frictionless's own reader and remember its answer per distinct text cell.
Frictionless still checks every cell, with its own code; the errors are the same, in the same
order. Only types whose values are immutable are remembered (not arrays, objects or geo points).
"""

from __future__ import annotations

from typing import Any

import frictionless
from frictionless import fields

# Distinct cells remembered per column: a key such as a USCC never repeats, so past this many
# the column's reader is simply called.
MEMO_CELLS = 20_000
MEMO_TYPES = ("string", "integer", "number", "date", "datetime", "time", "boolean", "year",
              "yearmonth", "any")


def _remembering(base: type[frictionless.Field]) -> type[frictionless.Field]:
    """A subclass of the field class `base` whose cell reader remembers its answers."""

    class Remembering(base):  # type: ignore[valid-type, misc]
        def create_cell_reader(self):
            read = super().create_cell_reader()
            memo: dict[str, tuple[Any, dict | None]] = {}

            def cell_reader(cell: Any):
                if type(cell) is not str:
                    return read(cell)
                answer = memo.get(cell)
                if answer is None:
                    answer = read(cell)
                    if len(memo) < MEMO_CELLS:
                        memo[cell] = answer
                value, notes = answer
                # the row takes notes apart (`notes.pop`): each call gets its own
                return value, (dict(notes) if notes else notes)

            return cell_reader

    Remembering.__name__ = Remembering.__qualname__ = base.__name__
    return Remembering


CLASSES = {vars(Class)["type"]: _remembering(Class) for Class in vars(fields).values()
           if isinstance(Class, type) and vars(Class).get("type") in MEMO_TYPES}


class RememberingCells(frictionless.Plugin):
    """Field classes of the remembered types for Frictionless's `select_field_class`."""

    def select_field_class(self, type: str | None = None) -> type[frictionless.Field] | None:
        return CLASSES.get(type) if type else None


def register() -> None:
    """Give Frictionless the remembering field classes (idempotent)."""
    frictionless.system.register("azx-remembering-cells", RememberingCells())
