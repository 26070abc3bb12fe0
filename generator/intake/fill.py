"""What `azx import` fills in for a department's roster list that lacks two of its columns.

The departments list their units with seven headers (统一社会信用代码, 企业名称, 所属县区, 行业,
是否投保, 承保机构, 保险起止日期): no month of the check and no month since which the unit must
insure. The list itself is the check, so its month (`--month`, else the latest month of coverage,
the month the roster's counts are compared with) becomes every listed unit's `last_checked`. A unit
already on the roster keeps its `required_since`; a unit new to it is known to be required from this
check on, so it gets the check's month. Nothing is invented beyond that, and the conversion report
says what was filled in and why.
"""

from __future__ import annotations

import re
from pathlib import Path

from generator.errors import IntakeError, UsageError
from generator.intake.merge import SourceRow, read_table
from generator.package.load import resource_by_name

RESOURCE = "enterprises"
CHECKED, SINCE = "last_checked", "required_since"
FILLABLE = {RESOURCE: (SINCE, CHECKED)}  # resource → fields a list may leave out
MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


def fillable(resource_name: str) -> tuple[str, ...]:
    """The required fields of `resource_name` that an import fills in when the file lacks them."""
    return FILLABLE.get(resource_name, ())


def check_month(month: str | None) -> str | None:
    """`month` when it is YYYY-MM (UsageError otherwise)."""
    if month is not None and not MONTH.fullmatch(month):
        raise UsageError(f"--month {month!r} 不是年月,应写成 2025-06 这样")
    return month


def latest_coverage_month(descriptor: dict, root: Path) -> str | None:
    _, rows = read_table(root / resource_by_name(descriptor, "coverage")["path"])
    months = [row.get("period", "") for row in rows if MONTH.fullmatch(row.get("period", ""))]
    return max(months, default=None)


def fill_missing(rows: list[SourceRow], found: set[str], existing: list[dict[str, str]],
                 descriptor: dict, root: Path, month: str | None) -> list[str]:
    """Fill `last_checked` and `required_since` of roster rows from a file without those columns
    (`found`: the fields the file has); the report's lines saying what was filled in and why."""
    missing = [name for name in (CHECKED, SINCE) if name not in found]
    if not missing or not rows:
        return []
    lines = []
    checked = month
    if CHECKED in missing:
        if checked is None:
            checked = latest_coverage_month(descriptor, root)
            why = (f"投保进展(coverage)最近一个月 {checked},名单的家数与这个月比对;"
                   "可用 --month 指定")
        else:
            why = f"命令行 --month {checked}"
        if checked is None:
            raise IntakeError("文件没有“最近核查月份”一列,投保进展里也没有月份可用:"
                              "请加上这一列,或用 --month 2025-06 这样指定核查月份")
        for row in rows:
            row.values[CHECKED] = checked
        lines.append(f"  最近核查月份(last_checked):文件没有这一列,本次导入的 {len(rows)} 家"
                     f"都填为 {checked}(本名单即一次核查,核查月份取{why})")
    if SINCE in missing:
        known = {row.get("uscc", ""): row.get(SINCE, "") for row in existing}
        kept = new = 0
        for row in rows:
            code = row.values.get("uscc", "")
            if known.get(code):
                row.values[SINCE], kept = known[code], kept + 1
            else:
                row.values[SINCE], new = row.values.get(CHECKED, "") or (checked or ""), new + 1
        parts = []
        if kept:
            parts.append(f"名单中已有的 {kept} 家沿用原来的月份")
        if new:
            parts.append(f"新列入的 {new} 家填为核查月份(从这次核查起确知其应投保;"
                         "更早的月份请在文件中加“应投保起始月份”一列)")
        lines.append(f"  应投保起始月份(required_since):文件没有这一列,{';'.join(parts)}")
    return ["补填的字段:", *lines]
