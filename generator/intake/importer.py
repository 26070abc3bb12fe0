"""Staff intake: read an Excel sheet or a CSV, normalise it to the canonical CSV of one resource,
merge it into the package by primary key, validate the result in a staging copy and only then
replace `data/<resource>.csv`.

Every value that is changed on the way in is recorded as a `Conversion` (sheet, cell, old, new,
why), so staff can see exactly what the tool did to their sheet.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import IntakeError
from generator.intake.fill import fill_missing, fillable
from generator.intake.header import Column, find_header, header_names
from generator.intake.merge import Merge, SourceRow, csv_text, merge_rows, read_table
from generator.intake.normalise import Conversion, Normaliser, plain
from generator.intake.sheet import Grid, read_grid
from generator.package.load import read_descriptor, resource_by_name
from generator.package.names import primary_key
from generator.site.manifest import data_files

TOTAL_WORDS = ("合计", "总计", "小计")
NOTE_PREFIXES = ("注", "备注", "说明", "填报", "填表", "制表", "审核", "联系")


@dataclass
class Intake:
    """What was read from the file: the header, the rows, and every conversion made."""

    sheet: str
    header_rows: tuple[int, int]
    columns: list[Column]
    ignored: list[tuple[str, str]]
    rows: list[SourceRow]
    conversions: list[Conversion] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    unknown: list[tuple[str, str, str]] = field(default_factory=list)  # address, value, field
    found: set[str] = field(default_factory=set)  # the fields the file has
    filled: list[str] = field(default_factory=list)  # report lines: fields filled in, and why

    def cell(self, field_name: str, sheet_row: int) -> str:
        """The cell address (C12) of `field_name` in `sheet_row`, or the row alone ("第 12 行")."""
        for column in self.columns:
            if field_name in (column.field, column.end):
                return f"{column.letter}{sheet_row}"
        return f"第 {sheet_row} 行"



# ---------------------------------------------------------------- rows


def skip_reason(texts: list[str]) -> str | None:
    """Why a sheet row is not data: a total row or a note under the table."""
    filled = [t for t in texts if t]
    if not filled:
        return ""
    if any(t.replace(" ", "") in TOTAL_WORDS for t in filled):
        return "合计行,不导入(合计由网站计算)"
    if filled[0].startswith(NOTE_PREFIXES) and len(filled) <= 2:
        return "表格下方的说明文字,不导入"
    return None


def read_rows(grid: Grid, top: int, depth: int, columns: list[Column], normaliser: Normaliser):
    """Data rows under the header → canonical rows, conversions and skipped rows."""
    rows: list[SourceRow] = []
    conversions: list[Conversion] = []
    skipped: list[tuple[str, str]] = []
    unknown: list[tuple[str, str, str]] = []
    bad: list[str] = []  # unusable date ranges, as "第 r 行 G 列「header」:why"
    names = list(normaliser.fields)
    for r in range(top + depth, len(grid.values)):
        texts = [plain(grid.value(r, c.index)).strip() for c in columns]
        reason = skip_reason(texts)
        if reason == "":
            continue
        if reason:
            first = next(c for c, t in zip(columns, texts, strict=True) if t)
            skipped.append((f"{first.letter}{r + 1}", reason))
            continue
        values = dict.fromkeys(names, "")
        for c in columns:
            raw = grid.value(r, c.index)
            if c.end and plain(raw).strip():
                try:
                    values[c.field], values[c.end], why = normaliser.date_range(c.field, c.end, raw)
                except ValueError as exc:
                    bad.append(f"第 {r + 1} 行 {c.letter} 列「{c.header}」:{exc}")
                    continue
                new, address = f"{values[c.field]}、{values[c.end]}", f"{c.letter}{r + 1}"
                conversions.append(Conversion(grid.name, address, plain(raw), new, why))
                continue
            if c.end:
                continue
            new, why = normaliser.convert(c.field, raw, c.unit, grid.number_format(r, c.index))
            values[c.field] = new
            codes = normaliser.codes.get(c.field)
            if codes and new and new not in codes.values():
                unknown.append((f"{c.letter}{r + 1}", new, c.field))
            if why:
                address = f"{c.letter}{r + 1}"
                conversions.append(Conversion(grid.name, address, plain(raw), new, why))
        rows.append(SourceRow(values, r + 1))
    return rows, conversions, skipped, unknown, bad


def read_intake(path: Path, resource_name: str, root: Path, sheet: str | None = None) -> Intake:
    """Read `path` as rows of `resource_name`; raises IntakeError when it has no usable table."""
    descriptor = read_descriptor(root)
    resource = resource_by_name(descriptor, resource_name)
    grid = read_grid(path, sheet)
    top, depth, columns, ignored = find_header(grid, header_names(descriptor, resource))
    found = {c.field for c in columns} | {c.end for c in columns if c.end}
    missing = [
        f"{f.get('title', f['name'])}({f['name']})"
        for f in resource["schema"]["fields"]
        if f.get("constraints", {}).get("required") and f["name"] not in found
        and f["name"] not in fillable(resource_name)
    ]
    if missing:
        raise IntakeError(
            f"{grid.name} 第 {top + 1} 行的表头缺少必填列:{'、'.join(missing)}。"
            "请补上这些列(表头写中文名称即可)"
        )
    normaliser = Normaliser(descriptor, resource, root)
    rows, conversions, skipped, unknown, bad = read_rows(grid, top, depth, columns, normaliser)
    if bad:
        where = path.name if grid.name == path.name else f"{path.name} 工作表「{grid.name}」"
        raise IntakeError(f"{where} 有 {len(bad)} 处起止日期无法使用,没有导入任何数据:\n"
                          + "\n".join(f"  {line}" for line in bad))
    return Intake(grid.name, (top + 1, top + depth), columns, ignored, rows, conversions, skipped,
                  unknown, found)


# ---------------------------------------------------------------- merge and write


# ---------------------------------------------------------------- validate and commit


@dataclass
class ImportResult:
    intake: Intake
    merge: Merge
    target: Path
    problems: list  # validator Problems (errors and warnings)
    errors: int
    written: bool
    unchanged: bool
    removed_keys: list[str] = field(default_factory=list)  # refused: rows the import would drop

    @property
    def failed(self) -> bool:
        """True when nothing was written because of errors or rows the import would remove."""
        return bool(self.errors or self.removed_keys)


def refuse_unsafe_paths(root: Path) -> None:
    """IntakeError before any file is read or copied when a resource path leads outside the
    package (`../`, absolute, a URL, a link out of the folder)."""
    from generator.package.safe import UnsafeFile, check_package_file

    for resource in read_descriptor(root)["resources"]:
        try:
            check_package_file(root, resource.get("path"))
        except FileNotFoundError:
            continue
        except UnsafeFile as exc:
            raise IntakeError(f"资源 {resource.get('name')} 的路径 {resource.get('path')!r} "
                              f"不安全:{exc}。请先运行 azx validate 并改正") from None


def stage_package(root: Path, staging: Path) -> None:
    """Copy the files of the package at `root` into `staging`."""
    for path in data_files(root):
        if path.is_file():
            shutil.copy2(path, staging / path.relative_to(root))


def key_labels(descriptor: dict, resource: dict, root: Path, rows: list[dict[str, str]]
               ) -> list[str]:
    """Each row's primary key as staff read it: "2025-06 西平县 建筑施工" (codes as names)."""
    names: dict[str, dict[str, str]] = {}
    for fk in resource["schema"].get("foreignKeys", []):
        if not isinstance(fk["fields"], str):
            continue
        ref = resource_by_name(descriptor, fk["reference"]["resource"])
        _, table = read_table(root / ref["path"])
        names[fk["fields"]] = {
            row.get(fk["reference"]["fields"], ""): row.get("short_name") or row.get("name", "")
            for row in table}
    key = primary_key(resource)
    return [" ".join(names.get(k, {}).get(row.get(k, ""), row.get(k, "")) or row.get(k, "")
                     for k in key) for row in rows]


def import_file(
    path: Path, resource_name: str, root: Path, sheet: str | None = None,
    replace_periods: bool = False, month: str | None = None,
) -> ImportResult:
    """Read, normalise, merge, validate in a staging copy, and replace the CSV only if valid.

    An import that would remove existing rows of the periods it contains, rows the file does
    not hold, is refused (nothing validated or written) unless `replace_periods` is true.
    Required fields a department's list may leave out are filled in (`fill.fill_missing`, with
    `month` the month of its check).
    """
    refuse_unsafe_paths(root)
    intake = read_intake(path, resource_name, root, sheet)
    from generator.validate.pipeline import (
        validate_package,  # the validator imports the whole rule set
    )

    descriptor = read_descriptor(root)
    resource = resource_by_name(descriptor, resource_name)
    target = root / resource["path"]
    _, existing = read_table(target)
    intake.filled = fill_missing(intake.rows, intake.found, existing, descriptor, root, month)
    merge = merge_rows(resource, existing, intake.rows)
    removed_keys = key_labels(descriptor, resource, root, merge.removed) \
        if merge.removed and not replace_periods else []
    text = csv_text(merge.header, merge.rows)
    unchanged = target.is_file() and target.read_bytes() == text.encode("utf-8")
    with tempfile.TemporaryDirectory(prefix="azx-import-") as tmp:
        staging = Path(tmp)
        stage_package(root, staging)
        (staging / resource["path"]).write_text(text, encoding="utf-8", newline="")
        report = validate_package(staging)
    errors = len(report.errors)
    written = False
    if errors == 0 and not unchanged and not removed_keys:
        partial = target.with_name(f".{target.name}.azx-import")
        partial.write_text(text, encoding="utf-8", newline="")
        os.replace(partial, target)
        written = True
    return ImportResult(intake, merge, target, list(report.problems), errors, written, unchanged,
                        removed_keys)


# ---------------------------------------------------------------- report


def problem_origin(problem, result: ImportResult) -> int | None:
    """The sheet row a problem's CSV line came from, None when it is not an imported row."""
    row = problem.row
    if Path(str(problem.file or "")).name != result.target.name or not isinstance(row, int):
        return None
    if 2 <= row < len(result.merge.origins) + 2:
        return result.merge.origins[row - 2]
    return None


def problem_place(problem, result: ImportResult) -> str:
    """Where to fix a problem: the sheet cell of a row from the file, else the CSV row."""
    name = Path(str(problem.file or "")).name
    row = problem.row
    origin = problem_origin(problem, result)
    if origin is not None:
        return f"{result.intake.sheet}!{result.intake.cell(str(problem.column or ''), origin)}"
    place = name or "数据包"
    if row:
        place += f" 第 {row} 行"
    if problem.column:
        place += f" {problem.column} 列"
    return place + "(不是本次导入的行)" if name else place


def report_lines(result: ImportResult, source: Path, data_label: str) -> list[str]:
    """The conversion report, then the validation outcome, as printed by `azx import`."""
    intake = result.intake
    lines = [f"导入 {source.name}(工作表「{intake.sheet}」)→ {data_label}/{result.target.name}"]
    first, last = intake.header_rows
    span = f"第 {first} 行" if first == last else f"第 {first}–{last} 行"
    lines.append(f"表头:{span};数据 {len(intake.rows)} 行")
    for column in intake.columns:
        target = f"{column.field}、{column.end}(起止日期,拆分为两列)" if column.end \
            else column.field
        lines.append(f"  {column.letter} 列「{column.header}」→ {target}")
    for letter, header in intake.ignored:
        lines.append(f"  {letter} 列「{header}」不是 {result.target.stem} 的字段,已忽略")
    lines.append(f"转换的值({len(intake.conversions)} 处):")
    for c in intake.conversions:
        lines.append(f"  {c.sheet}!{c.address}  {c.old} → {c.new}  ({c.why})")
    lines += intake.filled
    for address, why in intake.skipped:
        lines.append(f"  跳过 {intake.sheet}!{address}:{why}")
    for address, value, name in intake.unknown:
        lines.append(f"  未识别 {intake.sheet}!{address}:“{value}”不是已有的代码、名称或简称"
                     f"({name}),请从模板的下拉列表中选择")
    merge = result.merge
    scope = "、".join(merge.replaced_scope)
    if not result.removed_keys:
        lines.append(
            f"合并:{'替换 ' + scope + ' 的数据,' if scope else ''}原有 {merge.replaced} 行被"
            f"本次导入的 {len(intake.rows)} 行取代,保留其他 {merge.kept} 行,"
            f"合并后共 {len(merge.rows)} 行"
        )
    errors = [p for p in result.problems if p.severity == "error"]
    warnings = [p for p in result.problems if p.severity != "error"]
    if errors:
        lines.append(f"校验未通过:{len(errors)} 个错误。{data_label}/ 下的文件没有任何改动。")
        lines.append("请在原文件中改正以下单元格后重新导入:")
        lines += [f"  错误 {problem_place(p, result)}:{p.message}" for p in errors]
    mine = [p for p in warnings if problem_origin(p, result) is not None]
    lines += [f"  提醒 {problem_place(p, result)}:{p.message}" for p in mine]
    if len(warnings) > len(mine):
        lines.append(f"  另有 {len(warnings) - len(mine)} 条提醒与本次导入的行无关"
                     f"(azx validate {data_label} 可查看)")
    if result.removed_keys:
        lines += removal_lines(result, data_label, after_errors=bool(errors))
    elif not errors:
        if result.unchanged:
            lines.append(f"校验通过;{data_label}/{result.target.name} 内容没有变化。")
        else:
            lines.append(f"校验通过,已写入 {data_label}/{result.target.name}。")
    return lines


SHOWN_KEYS = 5


def removal_lines(result: ImportResult, data_label: str, after_errors: bool) -> list[str]:
    """Why an import that would drop existing rows stopped, and the two ways on."""
    keys = result.removed_keys
    scope = "、".join(result.merge.replaced_scope)
    lines = [f"导入已停止:文件含有 {scope} 的数据,按期间整体替换会删除 "
             f"{data_label}/{result.target.name} 中 {len(keys)} 行文件里没有的已有数据:"]
    lines += [f"  {key}" for key in keys[:SHOWN_KEYS]]
    if len(keys) > SHOWN_KEYS:
        lines.append(f"  …… 另有 {len(keys) - SHOWN_KEYS} 行")
    if not after_errors:
        lines.append(f"{data_label}/ 下的文件没有任何改动。")
    lines.append("如果只想更新文件里的这些行,请把上面这些行也放进文件(可从现有数据复制);"
                 "如果确实要用本文件替换这些期间的全部数据,请加上 --replace-periods 重新导入。")
    return lines
