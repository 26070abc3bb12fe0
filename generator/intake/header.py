"""Finding the header rows of a sheet and matching its columns to the schema's fields."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from generator.errors import IntakeError
from generator.intake.sheet import Grid, column_letter
from generator.package.load import resource_by_name

# Words staff commonly use as a column header for a code of a reference table (besides the
# table's own titles, which are taken from the schema).
REFERENCE_ALIASES = {
    "regions": ["县区", "县(区)", "地区", "区县"],
    "industries": ["行业"],
    "insurers": ["保险公司", "承保机构"],
    "assessors": ["评估单位"],
}
# Words staff commonly use as a column header for a field, besides its own title.
FIELD_ALIASES = {
    "rates": {"年度": "period", "年份": "period"},
}
# One column some lists use for two fields: a date range, split into its start and end.
RANGE_ALIASES = {
    ("policy_start", "policy_end"): ["保险起止日期", "保险起止期", "保险起止时间", "保险期间"],
}
HEADER_SCAN_ROWS = 30


@dataclass(frozen=True)
class Column:
    """A source column matched to a schema field."""

    index: int  # 0-based column index in the sheet
    header: str  # the header text as written
    field: str
    unit: str | None
    end: str | None = None  # a date range column: `field` is its start, `end` its end

    @property
    def letter(self) -> str:
        return column_letter(self.index + 1)




def normalise_label(text: object) -> tuple[str, str | None]:
    """Header text → (label, unit): NFKC, no spaces or * marks; unit from a trailing (…)."""
    label = unicodedata.normalize("NFKC", str(text or ""))
    label = re.sub(r"\s+", "", label).strip("*").lower()
    match = re.fullmatch(r"(.*?)[(\[【](?:单位[::])?([^()\[\]【】]*)[)\]】]", label)
    if match and match.group(1):
        return match.group(1), match.group(2) or None
    return label, None


def header_names(descriptor: dict, resource: dict) -> dict[str, str]:
    """Every label a column of `resource` may carry → field name (ambiguous aliases dropped)."""
    names: dict[str, str] = {}
    aliases: dict[str, set[str]] = {}
    fields = resource["schema"]["fields"]
    for f in fields:
        names[normalise_label(f["name"])[0]] = f["name"]
        names[normalise_label(f.get("title", f["name"]))[0]] = f["name"]
    for fk in resource["schema"].get("foreignKeys", []):
        if not isinstance(fk["fields"], str):
            continue
        ref = resource_by_name(descriptor, fk["reference"]["resource"])
        ref_titles = [ref.get("title", "")] + REFERENCE_ALIASES.get(ref["name"], [])
        ref_titles += [f.get("title", "") for f in ref["schema"]["fields"] if f["name"] == "name"]
        for title in ref_titles:
            aliases.setdefault(normalise_label(title)[0], set()).add(fk["fields"])
    for label, targets in aliases.items():
        if len(targets) == 1 and label not in names:
            names[label] = targets.pop()
    for label, name in FIELD_ALIASES.get(resource["name"], {}).items():
        names.setdefault(normalise_label(label)[0], name)
    for (start, end), labels in RANGE_ALIASES.items():
        if {start, end} <= {f["name"] for f in fields}:
            names.update({normalise_label(label)[0]: f"{start}..{end}" for label in labels})
    return names


def match_columns(grid: Grid, top: int, depth: int, names: dict[str, str]):
    """Columns of the header at row `top` (0-based) spanning `depth` rows, and ignored headers."""
    width = max((len(r) for r in grid.values[top: top + depth]), default=0)
    columns: list[Column] = []
    ignored: list[tuple[str, str]] = []
    seen: set[str] = set()
    for c in range(width):
        parts = [grid.value(top + d, c) for d in range(depth)]
        texts = [str(p).strip() for p in parts if p not in (None, "")]
        candidates = []
        if depth == 2 and len(texts) == 2 and texts[0] != texts[1]:
            candidates = [texts[0] + texts[1], texts[1], texts[0]]
        elif texts:
            candidates = [texts[-1]]
        for text in candidates:
            label, unit = normalise_label(text)
            name = names.get(label)
            start, _, end = (name or "").partition("..")
            if name and not {start, end} & seen:
                columns.append(Column(c, text, start, unit, end or None))
                seen.update({start, end} - {""})
                break
        else:
            if texts:
                ignored.append((column_letter(c + 1), "".join(dict.fromkeys(texts))))
    return columns, ignored


def find_header(grid: Grid, names: dict[str, str]):
    """The header (0-based top row, depth 1 or 2) that matches most fields; ties → the first."""
    best = None
    for top in range(min(len(grid.values), HEADER_SCAN_ROWS)):
        for depth in (1, 2):
            columns, ignored = match_columns(grid, top, depth, names)
            if best is None or len(columns) > len(best[2]):
                best = (top, depth, columns, ignored)
    if best is None or len(best[2]) < 2:
        raise IntakeError(
            f"{grid.name}:前 {HEADER_SCAN_ROWS} 行中找不到表头。表头应使用字段的中文名称"
            "(如“统计月份”“已投保企业数”),可用 azx template 生成模板"
        )
    return best


