"""Schema rules: Frictionless errors (types, constraints, keys) turned into Chinese problems."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from generator.validate.report import Problem
from generator.validate.rules.base import declare, field_position, problem
from generator.validate.rules.hints import TYPE_ZH, type_hint

SOURCE = "数据包表结构(datapackage.json,Frictionless Table Schema)"

declare("type-error", "error", "值的类型不对", SOURCE,
        "整数、数字、日期等字段的值必须能按类型读出:不要千位分隔符、全角数字、% 号或“万元”等单位。",
        "schema", "{title}“{cell}”不是{type_zh}:{hint}。", "{cell!r} is not a {type}: {hint_en}",
        variants={"too-large": ("{title}的数值过大,超出可处理的范围。"
                                "请核对是否多输了数字或误填了单位。", "the number is too large")})
declare("constraint-error", "error", "值不满足字段约束", SOURCE,
        "必填、最小值、最大值、格式(代码、月份)、可选值和长度等约束。", "schema",
        "{title}“{cell}”不满足约束 {kind} {value}。", "{cell!r} breaks {kind} {value}", variants={
            "required": ("{title}是必填项,不能为空。", "{title} is required"),
            "minimum": ("{title} {cell} 小于最小值 {value},请核对。",
                        "{cell} is below the minimum {value}"),
            "maximum": ("{title} {cell} 大于最大值 {value},请核对。",
                        "{cell} is above the maximum {value}"),
            "enum": ("{title}“{cell}”不是可选值,应为:{options}。",
                     "{cell!r} is not one of {options}"),
            "length": ("{title}长度为 {length} 个字,{bound} {value} 个字。",
                       "length {length} breaks {kind} {value}"),
            "pattern": ("{title}“{cell}”格式不对:{description}。",
                        "{cell!r} does not match the pattern {value}"),
        })
declare("primary-key", "error", "主键重复", SOURCE,
        "同一主键(如 月份 + 单位 + 行业)只能有一行。", "schema",
        "{other}重复:{labels} 相同的记录只能有一行。请合并或删除重复行。",
        "duplicate key ({keys}) {other}")
declare("foreign-key", "error", "代码在参照表中不存在", SOURCE,
        "单位、行业、保险机构、评估机构等代码必须在对应的参照表中存在。", "schema",
        "{label}“{value}”在{ref_title}({ref})中不存在。请核对代码,或先在{ref_title}表中添加。",
        "{value!r} not found in {ref}")
declare("blank-row", "error", "空行", SOURCE, "CSV 中不能有空行。", "schema",
        "这是一个空行,请删除。", "blank row")
declare("missing-cell", "error", "行中缺少值", SOURCE, "每一行的值的个数必须与表头相同。", "schema",
        "这一行比表头少了 {count} 个值:{names}。请补齐,空值也要保留逗号。",
        "row has {count} missing cells")
declare("extra-cell", "error", "行中多出值", SOURCE,
        "每一行的值的个数必须与表头相同;未加引号的数字逗号会多出一个值。", "schema",
        "这一行比表头多出 {count} 个值:{values}。"
        "数字请不要用千位分隔符(逗号);文字中的逗号需用英文双引号把整个值括起来。",
        "row has {count} extra cells")
declare("data-error", "error", "其他表格错误", SOURCE, "Frictionless 报告的其他错误。", "schema",
        "Frictionless 报告:{message}", "{message}")
declare("too-many-errors", "warning", "错误过多,只列出一部分", SOURCE,
        "一个文件的错误超过上限时只列出前面的部分,业务规则不再检查该文件。", "schema",
        "{path} 错误太多,只列出了前 {count} 个;业务规则没有检查这个文件。"
        "请先改正上面的错误再校验。",
        "too many errors; the rest are not listed")

CONSTRAINT = re.compile(r'constraint "(\w+)" is "(.*)"', re.S)
SAME_ROW = re.compile(r"position (\d+)")
CELL_ERRORS = ("type-error", "constraint-error")


@dataclass
class SchemaOutcome:
    """What the schema stage found, and which cells and rows the business rules must skip."""

    problems: list[Problem] = field(default_factory=list)
    bad_cells: dict[str, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))
    bad_rows: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    skipped: set[str] = field(default_factory=set)
    unusable: bool = False  # the descriptor's metadata cannot be read: nothing else is checked

    def rejects_cells(self) -> bool:
        """Whether any cell, row or table is to be hidden from the business rules."""
        return bool(self.skipped or any(self.bad_cells.values()) or any(self.bad_rows.values()))


def _spec(fields: list[dict], name: str) -> dict:
    return next((f for f in fields if f.get("name") == name), {})


def _label(fields: list[dict], name: str) -> str:
    title, _ = field_position(fields, name)
    return f"{title}({name})" if title else name


def constraint_values(cell: str, spec: dict, note: str) -> dict:
    """The variant and values of the constraint-error message for `cell`."""
    match = CONSTRAINT.search(note or "")
    kind, value = match.groups() if match else ("", "")
    values = {"title": spec.get("title") or spec.get("name", ""), "cell": cell, "kind": kind,
              "value": value, "variant": ""}
    if kind in ("required", "minimum", "maximum", "enum", "pattern"):
        values["variant"] = kind
    elif kind in ("maxLength", "minLength"):
        values.update(variant="length", length=len(cell),
                      bound="最多" if kind == "maxLength" else "至少")
    options = (spec.get("constraints") or {}).get("enum", []) if kind == "enum" else []
    return {**values, "options": "、".join(map(str, options)),
            "description": spec.get("description", "")}


def _cell_problem(error, table) -> Problem:
    spec = _spec(table.fields, error.field_name)
    where = {"row": error.row_number, "column": error.field_name, "fields": table.fields}
    if error.type == "type-error":
        hint, hint_en = type_hint(error.cell, spec.get("type", "string"))
        return problem("type-error", table.path, **where,
                       title=spec.get("title") or error.field_name, cell=error.cell,
                       type_zh=_type_zh(spec), type=spec.get("type"), hint=hint, hint_en=hint_en)
    return problem(error.type, table.path, **where,
                   **constraint_values(error.cell, spec, error.note))


def _type_zh(spec: dict) -> str:
    return TYPE_ZH.get(spec.get("type", ""), spec.get("type", ""))


def _row_problem(error, table, titles: dict[str, str]) -> Problem:
    if error.type == "primary-key":
        keys = table.primary_key
        match = SAME_ROW.search(error.note or "")
        other = f"与第 {match.group(1)} 行" if match else "与前面的行"
        labels = " + ".join(_label(table.fields, k) for k in keys)
        return problem("primary-key", table.path, row=error.row_number,
                       column=keys[0] if keys else None, fields=table.fields, other=other,
                       labels=labels, keys=", ".join(keys))
    if error.type == "foreign-key":
        name = error.field_names[0]
        value = "、".join(str(c) for c in error.field_cells)
        ref = error.reference_name
        return problem("foreign-key", table.path, row=error.row_number, column=name,
                       fields=table.fields, label=_label(table.fields, name), value=value,
                       ref=ref, ref_title=titles.get(ref, ref))
    return problem("blank-row", table.path, row=error.row_number)


def _cells_problem(kind: str, errors: list, table) -> Problem:
    first = errors[0]
    column = first.field_name if kind == "missing-cell" else None
    return problem(kind, table.path, row=first.row_number, column=column, fields=table.fields,
                   count=len(errors),
                   names="、".join(_label(table.fields, e.field_name) for e in errors),
                   values="、".join(f"“{e.cell}”" for e in errors))


def _generic_problem(error, table) -> Problem:
    return problem("data-error", table.path, row=getattr(error, "row_number", None),
                   message=error.message)


def map_task(task, table, titles: dict[str, str], outcome: SchemaOutcome) -> None:
    """Turn one Frictionless task's errors into problems, each defect once."""
    by_row: dict[int, list] = defaultdict(list)
    for error in task.errors:
        by_row[getattr(error, "row_number", None) or 0].append(error)
    for row, errors in sorted(by_row.items()):
        types = {e.type for e in errors}
        if "blank-row" in types:
            errors = [e for e in errors if e.type == "blank-row"]
        bad_fields = {e.field_name for e in errors if e.type in CELL_ERRORS}
        grouped: dict[str, list] = defaultdict(list)
        for error in errors:
            if error.type in CELL_ERRORS:
                outcome.problems.append(_cell_problem(error, table))
                outcome.bad_cells[table.name].append((row - 2, error.field_name))
            elif error.type in ("primary-key", "foreign-key", "blank-row"):
                keys = error.field_names if error.type == "foreign-key" else table.primary_key
                if error.type != "blank-row" and bad_fields & set(keys):
                    continue  # the bad key cell is already reported
                outcome.problems.append(_row_problem(error, table, titles))
                outcome.bad_rows[table.name].add(row - 2)
            elif error.type in ("missing-cell", "extra-cell"):
                grouped[error.type].append(error)
            else:
                outcome.problems.append(_generic_problem(error, table))
                if row:
                    outcome.bad_rows[table.name].add(row - 2)
                else:
                    outcome.skipped.add(table.name)
        for kind, cells in grouped.items():
            outcome.problems.append(_cells_problem(kind, cells, table))
            outcome.bad_rows[table.name].add(row - 2)
    if any("limit" in w for w in task.warnings):
        outcome.skipped.add(table.name)
        outcome.problems.append(problem("too-many-errors", table.path, path=table.path,
                                        count=len(task.errors)))
