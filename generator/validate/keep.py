"""What a build keeps of a validation for the next one, and the keys that make reusing it safe:
each table's Frictionless outcome, its typed frame, and each business rule's problems.

Every key holds the validating code and the library versions (`cache.fingerprint`). A table's key
holds the whole descriptor, the names of the readable tables, and the bytes of the table and of
the tables its foreign keys refer to: all that decides its Frictionless outcome, hence the cells
its typed frame hides, and its frame. A rule's key holds the rule, the policy file's values and
the keys of the tables it is given (the engine gives a rule only the tables it declares it
reads). So a package with one table changed has Frictionless read that table (and those
referring to it), its frame typed again, and only the rules reading it run again; nothing kept
is reused once anything it was made from differs. `azx validate` keeps nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from generator import cache
from generator.validate.read import Table

# The code that decides what is kept.
CODE = ("generator.validate", "generator.package")


class Kept:
    """The cache entries of one validation in `folder` (the build's cache/schema)."""

    def __init__(self, folder: Path, root: Path, descriptor: dict, tables: list[Table],
                 policy: object):
        self.folder = folder
        paths = {t.name: t.path for t in tables}
        common = json.dumps([descriptor, sorted(paths)], sort_keys=True, ensure_ascii=False,
                            default=str)
        digests = {name: cache.file_digest(root / path) for name, path in paths.items()}
        schemas = {r["name"]: r["schema"] for r in descriptor["resources"]}
        self.tables: dict[str, str] = {}
        for name in paths:
            referred = {k["reference"].get("resource") or name
                        for k in schemas[name].get("foreignKeys", [])}
            inputs: list[bytes | str] = [common, name]
            for other in sorted(referred & set(paths) | {name}):
                inputs += [other, digests[other]]
            self.tables[name] = cache.fingerprint(inputs, CODE)
        self.policy = json.dumps(policy, sort_keys=True, ensure_ascii=False, default=str)

    def _entry(self, key: str) -> Path:
        return cache.use(self.folder / f"{key}.pickle")

    def outcome(self, name: str) -> Path:
        """The entry of table `name`'s Frictionless outcome."""
        return self._entry(self.tables[name])

    def frame(self, name: str) -> Path:
        """The entry of table `name`'s typed frame and the problems typing it found."""
        return self._entry(cache.fingerprint(["typed frame", self.tables[name]], CODE))

    def rule(self, rule_id: str, tables: Iterable[str]) -> Path:
        """The entry of the problems of rule `rule_id` given the typed frames of `tables`."""
        inputs = ["business rule", rule_id, self.policy]
        inputs += [f"{name}={self.tables[name]}" for name in tables]
        return self._entry(cache.fingerprint(inputs, CODE))
