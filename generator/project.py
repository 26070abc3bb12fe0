"""The project azx works on: the folder holding mkdocs.yml, the hand-written docs/, the data/
package and the work folder .build/ — found from the current directory, never from where the
package is installed.

Paths are kept relative to the current directory when the project is at or above it (`data`,
`../data`), so that messages name them as the user would type them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from generator.errors import ConfigurationError, UsageError

CONFIG = "mkdocs.yml"


@dataclass(frozen=True)
class Project:
    """A project folder: `root` holds mkdocs.yml, docs/ and, by default, data/ and site/."""

    root: Path

    @classmethod
    def find(cls, given: str | Path | None = None) -> Project:
        """The project at `given` (`--project`), else the nearest folder holding mkdocs.yml from
        the current directory upwards; UsageError when there is none."""
        if given is not None:
            root = Path(given)
            if not (root / CONFIG).is_file():
                raise UsageError(f"项目目录 {root} 中没有 {CONFIG},请指定含 {CONFIG} 的目录")
            return cls(root)
        here = Path.cwd()
        for folder in (here, *here.parents):
            if (folder / CONFIG).is_file():
                return cls(Path(os.path.relpath(folder, here)))
        raise UsageError(f"当前目录 {here} 及其上级目录中都没有 {CONFIG}:请在项目目录中运行,"
                         "或用 --project 指定项目目录")

    @property
    def config(self) -> Path:
        """mkdocs.yml: the site's configuration."""
        return self.root / CONFIG

    @property
    def docs(self) -> Path:
        """The hand-written pages (about.md)."""
        return self.root / "docs"

    def hand_written(self, name: str) -> str:
        """The text of the hand-written page docs/`name`; ConfigurationError when it is missing."""
        try:
            return (self.docs / name).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigurationError(f"找不到手写的页面 {self.docs / name}") from None

    @property
    def data(self) -> Path:
        """The data package used when no --data is given."""
        return self.root / "data"

    @property
    def site_dir(self) -> Path:
        """The built site's folder when no --site-dir is given."""
        return self.root / "site"

    @property
    def work_dir(self) -> Path:
        """Generated pages and caches (.build/) when no --work-dir is given."""
        return self.root / ".build"
