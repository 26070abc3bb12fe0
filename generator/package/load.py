"""Load a data package into typed pandas DataFrames.

Only call `load_package` on a package that `validate` accepted: typing here is strict and assumes
the Table Schema constraints hold.
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

import yaml

from generator import cache
from generator.package.safe import read_package_file

if TYPE_CHECKING:  # pandas is imported when a table is read: the no-change check needs no pandas
    import pandas as pd

    from generator.package.policy import Policy

DESCRIPTOR = "datapackage.json"
POLICY = "policy.yaml"


@dataclass(frozen=True)
class Package:
    root: Path
    descriptor: dict
    frames: dict[str, pd.DataFrame]
    policy: Policy

    def fields(self, resource: str) -> list[dict]:
        """The Table Schema fields of `resource`, in order."""
        return resource_by_name(self.descriptor, resource)["schema"]["fields"]

    @property
    def illustrative(self) -> bool:
        return bool(self.descriptor.get("illustrative"))


def package_root(path: str | Path) -> Path:
    """The folder holding datapackage.json, for a folder or a descriptor path."""
    path = Path(path)
    return path.parent if path.name == DESCRIPTOR else path


def read_descriptor(root: Path) -> dict:
    return json.loads(read_package_file(root, DESCRIPTOR).decode("utf-8-sig"))


def read_policy(root: Path) -> dict:
    """The policy file's YAML as it is, unchecked: `policy.load_policy` checks and types it."""
    return yaml.safe_load(read_package_file(root, POLICY).decode("utf-8"))


def resource_by_name(descriptor: dict, name: str) -> dict:
    for resource in descriptor["resources"]:
        if resource["name"] == name:
            return resource
    raise KeyError(name)


def typed_frame(csv_path: Path | IO[str] | IO[bytes], fields: list[dict]) -> pd.DataFrame:
    """Read one CSV with dtypes taken from its Table Schema fields."""
    import pandas as pd

    # an empty cell of a field is missing: read as such by the parser, not replaced afterwards;
    # integers are parsed by the parser too, which reads a valid one as `pd.to_numeric` does
    # (not numbers: it reads "-0" as -0.0, `pd.to_numeric` as 0.0)
    integers = {field["name"]: "Int64" for field in fields if field["type"] == "integer"}
    frame = pd.read_csv(csv_path, keep_default_na=False, encoding="utf-8-sig",
                        dtype=defaultdict(lambda: str, integers),
                        na_values={field["name"]: [""] for field in fields})
    for field in fields:
        name, kind = field["name"], field["type"]
        column = frame[name]
        if kind == "integer":
            continue
        if kind == "number":
            frame[name] = pd.to_numeric(column).astype("float64")
        elif kind == "date":
            frame[name] = pd.to_datetime(column, format="%Y-%m-%d")
        else:
            frame[name] = column.astype("string")
    return frame


def load_package(path: str | Path, cache_dir: Path | None = None) -> Package:
    """Read the descriptor, every resource and the policy file of a validated package.

    The policy is checked first: a missing or mistyped key is a ConfigurationError. With
    `cache_dir`, each typed frame is kept there under the fingerprint of its file's bytes, its
    fields, this module and the library versions, and read back while they stay the same."""
    from generator.package.policy import load_policy

    root = package_root(path)
    policy = load_policy(root)
    descriptor = read_descriptor(root)
    frames = {r["name"]: _frame(read_package_file(root, r["path"]), r["schema"]["fields"],
                                cache_dir)
              for r in descriptor["resources"]}
    return Package(root=root, descriptor=descriptor, frames=frames, policy=policy)


def _frame(data: bytes, fields: list[dict], cache_dir: Path | None) -> pd.DataFrame:
    """`typed_frame` of a CSV file's bytes `data`, kept in `cache_dir` (see `load_package`)."""
    if cache_dir is None:
        return typed_frame(io.BytesIO(data), fields)
    key = cache.fingerprint([data, json.dumps(fields, sort_keys=True)], code=(__name__,))
    path = cache.use(cache_dir / f"{key}.pickle")
    frame = cache.load(path)
    if frame is None:
        frame = typed_frame(io.BytesIO(data), fields)
        cache.store(path, frame)
    return frame
