"""One root for the errors a user can act on, each carrying the exit status it means.

Bad data is a report, not an exception: these are for a wrong command line, a configuration that
cannot be used, or a step that refused (MkDocs, publishing, an import). `cli.main` is the one
place that turns them into a line on stderr and an exit status.
"""

from __future__ import annotations


class AzxError(Exception):
    """A failure with one clear Chinese line; the CLI exits with `exit_code`."""

    exit_code = 2
    template = "azx {command}: {message}"

    def line(self, command: str) -> str:
        """The line printed for this error when it ends `azx <command>`."""
        return self.template.format(command=command, message=self)


class UsageError(AzxError):
    """The command line cannot be carried out as given: a path, a name or a value is wrong."""


class ConfigurationError(UsageError):
    """Validation cannot start: no package at the path, or an unreadable policy file."""


class IntakeUsageError(UsageError):
    """A wrong import command line: unknown sheet, unsupported file type."""


class GitError(UsageError):
    """git is missing, the folder is not in a repository, or a revision does not exist."""


class PublishError(AzxError):
    """Publishing was refused or cannot be done."""

    exit_code = 1


class IntakeError(AzxError):
    """The file cannot be turned into rows at all (no header, missing columns, unreadable)."""

    exit_code = 1
    template = "导入失败:{message}"


class DiskError(AzxError):
    """The disk or folder refused a write (read-only, full, busy mount point)."""

    exit_code = 1


class SiteBuildError(AzxError):
    """MkDocs refused to build the site (a broken link or config in strict mode)."""

    exit_code = 1
    template = "MkDocs 构建失败,{message}"


class BadData(AzxError):
    """Validation found errors: the build stops and publishes nothing."""

    exit_code = 1

    def __init__(self, report) -> None:
        super().__init__(f"{len(report.errors)} errors")
        self.report = report
