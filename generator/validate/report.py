"""The validation report: problems found in a data package, and the three ways to print them."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from generator.errors import ConfigurationError as ConfigurationError  # importable from here
from generator.package.names import SEVERITY_NAMES
from generator.package.text import neutralise

SEVERITY_ZH = SEVERITY_NAMES


@dataclass(frozen=True)
class Problem:
    """One defect at one place: a file, optionally a CSV line and a column."""

    rule: str
    severity: str
    file: str
    row: int | None
    column: str | None
    message: str
    message_en: str = ""
    column_title: str = ""
    column_number: int | None = None

    @property
    def location(self) -> str:
        """`file:row` (or just `file`) followed by `column(title)` when there is a column."""
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        if self.column:
            title = f"({self.column_title})" if self.column_title else ""
            where += f" {self.column}{title}"
        return where


@dataclass
class Report:
    """Every problem of one validation run, in file, line and column order."""

    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when nothing blocks publishing (warnings allowed)."""
        return not self.errors

    def summary(self) -> str:
        """'2 个错误,1 个警告' or '通过:没有发现问题'."""
        if not self.problems:
            return "通过:没有发现问题"
        return f"{len(self.errors)} 个错误,{len(self.warnings)} 个警告"

    def to_dict(self) -> dict:
        """A JSON-ready dict with a stable key order."""
        return {
            "ok": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "problems": [asdict(p) for p in self.problems],
        }


def format_human(report: Report) -> str:
    """Problems grouped by file, one line each, then the summary line."""
    lines: list[str] = []
    current = None
    for problem in report.problems:
        if problem.file != current:
            if current is not None:
                lines.append("")
            lines.append(f"== {problem.file} ==")
            current = problem.file
        severity = SEVERITY_ZH.get(problem.severity, problem.severity)
        lines.append(f"{problem.location} — {severity}:{problem.message} [{problem.rule}]")
    if lines:
        lines.append("")
    lines.append(report.summary())
    # a second line behind validation: no escape sequence reaches the terminal, no line break
    # inside a problem lets a line of the CI job summary start with a code fence
    return "\n".join(neutralise(line) for line in lines) + "\n"


def format_json(report: Report) -> str:
    """The report's dict as indented JSON, Chinese kept readable."""
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"


def _escape_data(text: str) -> str:
    text = neutralise(text, line=False)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(report: Report, root: Path, cwd: Path | None = None) -> str:
    """GitHub workflow commands (`::error file=…,line=…,col=…,title=…::…`), then the summary."""
    cwd = cwd or Path.cwd()
    lines = []
    for problem in report.problems:
        path = Path(os.path.relpath(Path(root) / problem.file, cwd)).as_posix()
        props = [f"file={_escape_property(path)}"]
        if problem.row is not None:
            props.append(f"line={problem.row}")
            if problem.column_number is not None:
                props.append(f"col={problem.column_number}")
        props.append(f"title={_escape_property(problem.rule)}")
        lines.append(f"::{problem.severity} {','.join(props)}::{_escape_data(problem.message)}")
    lines.append(report.summary())
    return "\n".join(lines) + "\n"
