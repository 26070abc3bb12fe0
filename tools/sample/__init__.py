"""Illustrative data (示例数据) for the package, at city, province or national scale.

    PYTHONPATH=tools .venv/bin/python -m sample --scale city --out data

Every number is invented from a fixed seed, so the same command writes byte-identical files. The
numbers the rules check (score bands, the prevention cap, death-limit steps, due dates) are read
from data/policy.yaml, so the data keeps agreeing with the rules when staff change them. The city
scale is the bundled data; province (河南, 157 units) and national (2,844 units) are for benchmarks.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd

from generator.package.load import DESCRIPTOR, POLICY, read_descriptor
from generator.package.policy import Policy, load_policy

from .common import INDUSTRIES, SCALES, month_labels
from .coverage import coverage_cells, coverage_table
from .enforcement import enforcement_table
from .enterprises import enterprises_table
from .market import Market, assessment_tables, claims_table, prevention_table
from .rates import rates_table
from .reference import (
    assessors_table,
    industries_table,
    insurers_table,
    milestones_table,
    regions_table,
)
from .supervision import commitments_table, supervision_table

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
CSV_CHUNK_ROWS = 200_000  # rows turned into Python values at a time, to bound memory


def generate(scale_name: str, policy: Policy) -> dict[str, pd.DataFrame]:
    """Every resource of the package at one scale, as frames of final CSV values."""
    scale = SCALES[scale_name]
    month_names = month_labels(scale.first_year)
    regions = regions_table(scale)
    insurers, shares = insurers_table(scale, regions)
    cells = coverage_cells(scale, regions, policy)
    coverage, insured, monthly = coverage_table(scale, cells, month_names, policy)

    units_by_industry = np.zeros((len(INDUSTRIES), len(month_names)))
    np.add.at(units_by_industry, cells.industries, insured)
    market = Market(
        scale=scale, insurers=insurers, shares=shares,
        units_by_month=insured.sum(axis=0), units_by_industry=units_by_industry,
        premium_by_year=monthly.reshape(len(insured), -1, 12).sum(axis=(0, 2)),
    )
    assessments, scores, delivered = assessment_tables(market, scale.n_assessors, policy)
    claims = claims_table(market)
    return {
        "regions": regions,
        "industries": industries_table(scale, policy),
        "insurers": insurers,
        "enterprises": enterprises_table(coverage, insurers, shares, scale.first_year),
        "assessors": assessors_table(scale, regions),
        "milestones": milestones_table(policy),
        "coverage": coverage,
        "assessments": assessments,
        "assessment_scores": scores,
        "prevention": prevention_table(market, delivered, policy),
        "claims": claims,
        "enforcement": enforcement_table(scale.name, coverage),
        "rates": rates_table(scale.name, claims),
        "insurer_supervision": supervision_table(scale.name, claims),
        "commitments": commitments_table(scale.name, claims, scale.first_year),
    }


def csv_values(column: pd.Series) -> list:
    """One column as the values the csv module writes: floats (amounts in 元) with two decimals,
    missing integers as empty cells."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = np.asarray(column.cat.categories, dtype=object)
        return categories[column.cat.codes.to_numpy()].tolist()
    if column.dtype == "float64":
        return [f"{v:.2f}" for v in column.to_numpy().tolist()]
    if isinstance(column.dtype, pd.Int64Dtype):
        return column.to_numpy(dtype=object, na_value=None).tolist()
    return column.tolist()


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """UTF-8 without BOM, "\n" line ends, quotes only where needed; faster than DataFrame.to_csv."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(frame.columns)
        for first in range(0, len(frame), CSV_CHUNK_ROWS):
            chunk = frame.iloc[first: first + CSV_CHUNK_ROWS]
            writer.writerows(zip(*(csv_values(chunk[name]) for name in chunk.columns), strict=True))


def write_package(tables: dict[str, pd.DataFrame], out: Path) -> None:
    """Write each resource to the CSV its descriptor names, columns in schema order."""
    out.mkdir(parents=True, exist_ok=True)
    for resource in read_descriptor(DATA_DIR)["resources"]:
        frame = tables[resource["name"]]
        names = [f["name"] for f in resource["schema"]["fields"]]
        if list(frame.columns) != names:
            raise AssertionError(f"{resource['name']}: columns {list(frame.columns)} != {names}")
        write_csv(frame, out / resource["path"])
    if out.resolve() != DATA_DIR.resolve():
        for name in (DESCRIPTOR, POLICY):
            shutil.copyfile(DATA_DIR / name, out / name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sample",
        description="生成示例数据(固定随机种子)。 Write illustrative data at one scale.",
    )
    parser.add_argument("--scale", choices=sorted(SCALES), default="city",
                        help="city 为仓库附带数据;province、national 用于性能测试")
    parser.add_argument("--out", required=True, type=Path, help="输出目录")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    tables = generate(args.scale, load_policy(DATA_DIR))
    write_package(tables, args.out)
    counts = ", ".join(f"{name} {len(frame)}" for name, frame in tables.items())
    print(f"{args.scale} → {args.out}: {counts} ({time.perf_counter() - began:.1f} s)")
    return 0

