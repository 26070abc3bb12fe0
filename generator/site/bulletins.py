"""The periodic bulletin (定期通报): one per quarter, each from the data up to its last month.

Pure: frames in, plain values and records out. A bulletin reads no row after its period, so it
changes only when the data of its own period (or before) changes: a build keeps each bulletin in
a cache folder under the digest of exactly the rows it reads, and a new month recomputes only the
bulletins whose rows changed.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from generator import cache
from generator.package.load import Package
from generator.site import metrics, promises, verdicts
from generator.site.figures import records

QUARTER_ENDS = ("03", "06", "09", "12")
# The code that decides a bulletin's figures (the cache key of `bulletins`).
CODE = ("generator.site.bulletins", "generator.site.metrics", "generator.site.verdicts",
        "generator.site.promises", "generator.site.figures", "generator.site.filters",
        "generator.package")


def bulletin_months(coverage: pd.DataFrame) -> list[str]:
    """The quarter-end months with coverage data, oldest first: the bulletins' periods."""
    months = coverage["period"].drop_duplicates().astype(str)
    return sorted(m for m in months if m[5:] in QUARTER_ENDS)


def quarter_of(month: str) -> str:
    """"2025-12" → "2025Q4"."""
    return f"{month[:4]}Q{int(month[5:]) // 3}"


def _quarter_row(table: pd.DataFrame, quarter: str) -> dict | None:
    return table.loc[quarter].to_dict() if quarter in table.index else None


Mask = Callable[[str, str, object], np.ndarray]  # (table, column, bound) → rows at most it


def read_rows(package: Package, month: str, at_most: Mask | None = None
              ) -> dict[str, pd.DataFrame]:
    """The rows the bulletin of the quarter ending in `month` reads, by resource; `at_most`
    (see `distinct_masks`) selects them."""
    f = package.frames
    at_most = at_most or (lambda name, column, bound: (f[name][column] <= bound).to_numpy())
    quarter, year = quarter_of(month), int(month[:4])
    # a year's prevention figures are complete only at its end
    last_year = year if month[5:] == "12" else year - 1
    return {
        "coverage": f["coverage"][at_most("coverage", "period", month)],
        "industries": f["industries"], "regions": f["regions"], "insurers": f["insurers"],
        "claims": f["claims"][at_most("claims", "period", quarter)],
        "enforcement": f["enforcement"][at_most("enforcement", "period", quarter)],
        "insurer_supervision": f["insurer_supervision"][
            at_most("insurer_supervision", "period", quarter)],
        "prevention": f["prevention"][at_most("prevention", "year", last_year)],
    }


def distinct_masks(frames: dict[str, pd.DataFrame]) -> Mask:
    """`read_rows`'s selection for many bulletins: a column's distinct values are compared
    with the bound, not every row's (its values are factorised once, at the first use)."""
    found: dict[tuple[str, str], tuple[np.ndarray, pd.api.extensions.ExtensionArray]] = {}

    def at_most(name: str, column: str, bound: object) -> np.ndarray:
        if (name, column) not in found:
            found[name, column] = pd.factorize(frames[name][column])
        codes, distinct = found[name, column]
        # a missing value (code -1, none in a valid package) is not at most anything
        return np.append(np.asarray(distinct <= bound, dtype=bool), False)[codes]

    return at_most


def frame_digest(frame: pd.DataFrame, whole: pd.DataFrame | None = None,
                 hashes: dict[int, np.ndarray] | None = None) -> bytes:
    """sha256 of a frame's column names, types, index and values. For rows of `whole` (a
    table with a RangeIndex), the rows' hashes are taken from those of `whole`, computed once
    in `hashes`: the same digest, without hashing the same rows again for every bulletin."""
    digest = hashlib.sha256(repr([(str(c), str(t)) for c, t in frame.dtypes.items()]).encode())
    if whole is None or hashes is None or not isinstance(whole.index, pd.RangeIndex) \
            or whole.index.start != 0 or whole.index.step != 1:
        digest.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
        return digest.digest()
    if id(whole) not in hashes:
        hashes[id(whole)] = pd.util.hash_pandas_object(whole, index=True).to_numpy()
    digest.update(hashes[id(whole)][frame.index.to_numpy()].tobytes())
    return digest.digest()


def bulletin(package: Package, month: str, previous: str | None) -> dict:
    """The figures of the bulletin for the quarter ending in `month` (data up to that month
    only), with what changed since the bulletin of `previous`."""
    rows = read_rows(package, month)
    return _bulletin(rows, package.policy, month, previous, Shared.of(rows, package.policy))


@dataclass(frozen=True)
class Shared:
    """What bulletins take from whole tables, made once for all of them (`Shared.of`): each
    bulletin reads only its months and quarters of it, which are the same in the tables up to
    its month as in the whole tables."""

    verdicts_at: Callable[[tuple[str, ...], str], pd.DataFrame]  # (keys, month) → verdicts
    months: dict[str, pd.DataFrame]  # month → its coverage rows, in order
    enforcement: pd.DataFrame  # `metrics.enforcement_by` period
    supervision: pd.DataFrame  # `promises.supervision_by_period`
    claims: pd.DataFrame | None  # `metrics.claims_by_period`; None without claims
    prevention: Callable[[int | None], pd.DataFrame]  # year → `metrics.prevention_table`

    @classmethod
    def of(cls, f: dict[str, pd.DataFrame], policy) -> Shared:
        coverage = f["coverage"]
        industries = f["industries"].sort_values("display_order")
        # a verdict up to a month reads only the coverage up to it: summed once for every
        # month; a bulletin's industry verdicts are those its successor compares with, kept
        basis = functools.cache(lambda keys: verdicts.verdict_basis(
            verdicts.period_sums(coverage, list(keys)), industries, list(keys), policy))

        @functools.lru_cache(maxsize=8)
        def verdicts_at(keys: tuple[str, ...], latest: str) -> pd.DataFrame:
            return verdicts.deadline_verdicts(coverage, industries, list(keys), latest, policy,
                                              basis(keys))

        prevention, insurers = f["prevention"], f["insurers"].sort_values("display_order")

        @functools.cache
        def prevention_of(year: int | None) -> pd.DataFrame:
            rows = prevention.iloc[:0] if year is None else prevention[prevention["year"] == year]
            return metrics.prevention_table(rows, insurers, policy.prevention_cap,
                                            policy.prevention_floor)

        claims = f["claims"]
        return cls(verdicts_at, dict(iter(coverage.groupby("period", sort=False))),
                   metrics.enforcement_by(f["enforcement"], "period"),
                   promises.supervision_by_period(f["insurer_supervision"]),
                   metrics.claims_by_period(claims) if len(claims) else None, prevention_of)


def _bulletin(f: dict[str, pd.DataFrame], policy, month: str, previous: str | None,
              shared: Shared) -> dict:
    """`bulletin` of the rows `f` (those up to `month`) and `shared`, made of them or of the
    whole tables."""
    as_of = metrics.period_end(month)
    quarter = quarter_of(month)
    verdicts_at, months = shared.verdicts_at, shared.months
    industries = f["industries"].sort_values("display_order")
    regions = f["regions"].sort_values("display_order")
    overall = metrics.overall_coverage(months[month], month)
    by_industry = metrics.coverage_by_industry(months[month], industries, month, as_of, policy)
    verdict = verdicts_at(("industry_code",), month)
    by_industry = by_industry.merge(verdict[["industry_code", *verdicts.VERDICT]],
                                    left_on="code", right_on="industry_code", how="left")
    county = verdicts.county_assessment(verdicts_at(("region_code", "industry_code"), month),
                                        regions)
    prevention = f["prevention"]
    year = int(month[:4])
    prevention_year = int(prevention["year"].max()) if len(prevention) else None
    behind = by_industry[(by_industry["units_uninsured"] > 0)
                         | by_industry["status"].isin(["late", "missed"])]
    result = {
        "month": month, "quarter": quarter, "as_of": as_of, "number": int(month[5:]) // 3,
        "year": year, "overall": overall,
        "batches": tuple(verdicts.batch_sentences(verdict, industries, as_of)),
        "industries_behind": records(behind),
        "counties_behind": records(county[(county["units_uninsured"] > 0)
                                          | (county["industries_missed"] > 0)]),
        "enforcement": _quarter_row(shared.enforcement, quarter),
        "supervision": _quarter_row(shared.supervision, quarter),
        "claims": None if shared.claims is None else _quarter_row(shared.claims, quarter),
        "prevention_year": prevention_year,
        "prevention": records(shared.prevention(prevention_year)),
        "previous": previous,
        "change": None,
    }
    if previous is not None:
        before = metrics.overall_coverage(months[previous], previous)
        was = verdicts_at(("industry_code",), previous).set_index("industry_code")
        now = verdict.set_index("industry_code")
        met = policy.target_met(now["units_insured"], now["units_required"])
        met_before = policy.target_met(was["units_insured"], was["units_required"])
        newly = met & ~met_before.reindex(now.index, fill_value=False)
        names = dict(zip(industries["code"], industries["name"], strict=True))
        result["change"] = {
            "rate": overall["coverage_rate"] - before["coverage_rate"],
            "insured": overall["units_insured"] - before["units_insured"],
            "uninsured": overall["units_uninsured"] - before["units_uninsured"],
            "newly_full": tuple(names[c] for c in industries["code"] if newly.get(c, False)),
        }
    return result


def bulletins(package: Package, cache_dir: Path | None = None) -> list[dict]:
    """Every bulletin, oldest first; each kept in `cache_dir` (when given) under the digest of
    the rows it reads, the policy, its code and the library versions."""
    months = bulletin_months(package.frames["coverage"])
    issued = []
    hashes: dict[int, np.ndarray] = {}  # row hashes of each whole table, by id
    shared = Shared.of(package.frames, package.policy)
    at_most = distinct_masks(package.frames)
    for i, month in enumerate(months):
        previous = months[i - 1] if i else None
        rows = read_rows(package, month, at_most)
        entry = None
        if cache_dir is not None:
            inputs: list[bytes | str] = [month, previous or "", repr(package.policy)]
            inputs += [part for name, frame in rows.items()
                       for part in (name, frame_digest(frame, package.frames[name], hashes))]
            entry = cache.use(cache_dir / f"{cache.fingerprint(inputs, CODE)}.pickle")
        found = cache.load(entry)
        if not isinstance(found, dict):
            found = _bulletin(rows, package.policy, month, previous, shared)
            cache.store(entry, found)
        issued.append(found)
    return issued
