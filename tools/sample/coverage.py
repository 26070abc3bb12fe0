"""The coverage table: region × industry cells, month by month, towards full coverage."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd

from generator.package.policy import Policy

from .common import (
    CITY_EXTENSION_FROM,
    CITY_LATE,
    CITY_LOW_LIMIT,
    CITY_LOW_LIMIT_MONTHS,
    CITY_PRESENCE,
    CITY_SHORT,
    INDUSTRIES,
    LAST_YEAR,
    Scale,
    labels,
    month_index,
    rng_for,
    yuan,
)


@dataclass
class Cells:
    """The region × industry cells of the coverage table, sorted by (region, industry)."""

    regions: np.ndarray
    industries: np.ndarray  # positions in INDUSTRIES
    start: np.ndarray  # first month index with a row
    due: np.ndarray  # month index of the policy's due date
    full: np.ndarray  # month index from which coverage is full (after `due` for a late cell)
    at_due: np.ndarray  # coverage rate reached at the due month (1 for a cell on time)
    laggard: np.ndarray  # a cell named in CITY_LATE
    cap: np.ndarray  # highest coverage rate ever reached


def coverage_cells(scale: Scale, regions: pd.DataFrame, policy: Policy) -> Cells:
    city = scale.name == "city"
    codes = sorted(i.code for i in INDUSTRIES[: scale.n_industries])
    position = {i.code: n for n, i in enumerate(INDUSTRIES)}
    pairs = [
        (r, i) for r in regions["code"] for i in codes
        if not city or r in CITY_PRESENCE.get(i, regions["code"].tolist())
    ]
    first_year = scale.first_year
    due_month = {
        "首批": month_index(first_year, policy.due_dates["first_batch"]),
        "拓展": month_index(first_year, policy.due_dates["extension"]),
    }
    extension_start = month_index(first_year, CITY_EXTENSION_FROM) if city else 0
    batch = [INDUSTRIES[position[i]].batch for _, i in pairs]
    late = {cell: month_index(first_year, date.fromisoformat(m + "-01")) for cell, m in
            (CITY_LATE.items() if city else [])}
    short = CITY_SHORT if city else {}
    due = np.array([due_month[b] for b in batch])
    full, at_due = catching_up(scale, due)
    for n, pair in enumerate(pairs):
        if pair in late:  # the named laggards: low at the due date, full only in their month
            full[n], at_due[n] = late[pair], min(at_due[n], 0.86)
    return Cells(
        regions=np.array([r for r, _ in pairs], dtype=object),
        industries=np.array([position[i] for _, i in pairs]),
        start=np.array([extension_start if b == "拓展" else 0 for b in batch]),
        due=due, full=full, at_due=at_due, laggard=np.array([p in late for p in pairs]),
        cap=np.array([short.get(p, 1.0) for p in pairs]),
    )


def catching_up(scale: Scale, due: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each cell, the month its coverage becomes full and its rate at the due month: about a
    third on time, the others between 80% and 99.5% at the due date, catching up 1 to 9 months
    later (never after September of the last year, so only the named laggards stay short)."""
    rng = rng_for(f"coverage-spread-{scale.name}")
    n = len(due)
    on_time = rng.random(n) < 0.35
    at_due = np.where(on_time, 1.0, 0.80 + 0.195 * rng.beta(1.6, 1.0, n))
    lag = np.minimum(rng.geometric(0.4, n), 9)
    last_catch_up = (LAST_YEAR - scale.first_year) * 12 + 8  # September of the last year
    latest = np.maximum(due + 1, last_catch_up)  # a cell due later catches up after the data
    full = np.where(on_time, due, np.minimum(due + lag, latest))
    return full.astype(np.int64), at_due


def industry_ranges(cells: Cells, attribute: str) -> tuple[np.ndarray, np.ndarray]:
    low = np.array([getattr(i, attribute)[0] for i in INDUSTRIES])[cells.industries]
    high = np.array([getattr(i, attribute)[1] for i in INDUSTRIES])[cells.industries]
    return low, high


def draw_between(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """One integer in [low, high] for each pair."""
    return low + np.floor(rng.random(len(low)) * (high - low + 1)).astype(np.int64)


def coverage_rates(rng: np.random.Generator, scale: Scale, cells: Cells, months: int) -> np.ndarray:
    """Coverage rate of each cell and month: rising from a start level to its level at the due
    month, then (for a late cell) on to 1 in the month it catches up."""
    n = len(cells.regions)
    first_batch = np.array([INDUSTRIES[i].batch == "首批" for i in cells.industries])
    if scale.name == "city":
        r0 = np.where(first_batch, rng.uniform(0.40, 0.60, n), rng.uniform(0.30, 0.50, n))
    else:
        r0 = np.where(first_batch, rng.uniform(0.15, 0.35, n), rng.uniform(0.05, 0.15, n))
    power = rng.uniform(0.7, 1.4, n)
    t = np.arange(months)[None, :]
    at_due = cells.at_due[:, None]
    progress = np.clip((t - cells.start[:, None]) / (cells.due - cells.start)[:, None], 0, 1)
    rates = r0[:, None] + (at_due - r0[:, None]) * progress ** power[:, None]
    late = np.clip((t - cells.due[:, None]) / np.maximum(cells.full - cells.due, 1)[:, None], 0, 1)
    rates = rates + (1 - at_due) * late
    noise = rng.normal(0, 0.015, (n, months)) * (t < cells.due[:, None])
    rates = np.maximum.accumulate(rates + noise, axis=1)
    rates = np.where(t >= cells.full[:, None], 1.0, np.clip(rates, 0, 0.999))
    return np.minimum(rates, cells.cap[:, None])


def death_limits(rng: np.random.Generator, cells: Cells, month_names: list[str], policy: Policy):
    """The lowest death/disability limit of each cell and month, in 元, meeting the policy steps."""
    n, months = len(cells.regions), len(month_names)
    starts = np.array([date.fromisoformat(m + "-01") for m in month_names])
    limits = np.zeros((n, months), dtype=np.int64)
    for start, value in policy.death_limit_steps:
        extra = rng.choice([0, 100_000, 200_000], n, p=[0.65, 0.25, 0.10])
        applies = starts >= start
        limits[:, applies] = (int(value) + extra)[:, None]
    return limits


def coverage_table(scale: Scale, cells: Cells, month_names: list[str], policy: Policy):
    """The coverage rows, plus the insured-unit and monthly-premium matrices (cells × months)."""
    rng = rng_for(f"coverage-{scale.name}")
    n, months = len(cells.regions), len(month_names)
    t = np.arange(months)[None, :]
    active = t >= cells.start[:, None]

    base = draw_between(rng, *industry_ranges(cells, "units"))
    growth = rng.uniform(-0.03, 0.08, n)
    years_in = np.clip(t - cells.start[:, None], 0, None) / 12
    required = np.maximum(1, np.rint(base[:, None] * (1 + growth[:, None] * years_in)))
    required = required.astype(np.int64)
    cells = small_on_time(cells, required)
    rates = coverage_rates(rng, scale, cells, months)
    insured = np.where(active, insured_units(rates, required), 0).astype(np.int64)

    staff = draw_between(rng, *industry_ranges(cells, "staff"))
    employees = np.rint(insured * staff[:, None] * rng.normal(1, 0.02, (n, months)))
    employees = np.maximum(employees, insured).astype(np.int64)

    per_employee = np.array([i.premium_per_employee for i in INDUSTRIES])[cells.industries]
    annual = staff * per_employee * rng.uniform(0.8, 1.2, n)  # 元 a year per unit
    monthly = np.rint(insured * (annual[:, None] / 12) * rng.uniform(0.9, 1.1, (n, months)) * 100)
    monthly = monthly.astype(np.int64)  # cents
    ytd = monthly.reshape(n, -1, 12).cumsum(axis=2).reshape(n, months)

    total = workforce(scale, required, insured, employees, staff)
    limits = death_limits(rng, cells, month_names, policy)
    if scale.name == "city":
        limits = lower_city_limits(limits, cells, month_names)

    mask = active.T.ravel()
    region_values, region_codes = np.unique(cells.regions.astype(str), return_inverse=True)
    industry_names = [i.code for i in INDUSTRIES]
    flat_insured = insured.T.ravel()[mask]
    frame = pd.DataFrame({
        "period": labels(month_names, np.repeat(np.arange(months), n)[mask]),
        "region_code": labels(list(region_values), np.tile(region_codes, months)[mask]),
        "industry_code": labels(industry_names, np.tile(cells.industries, months)[mask]),
        "units_required": required.T.ravel()[mask],
        "units_insured": flat_insured,
        "employees_covered": employees.T.ravel()[mask],
        "employees_total": total.T.ravel()[mask],
        "premium_ytd": yuan(ytd.T.ravel()[mask]),
        "min_death_limit": pd.arrays.IntegerArray(limits.T.ravel()[mask], flat_insured == 0),
    })
    return frame, insured, monthly


def small_on_time(cells: Cells, required: np.ndarray) -> Cells:
    """Cells with fewer than 5 units at the due month are on time unless named late: 1 of 2
    coal mines would read as 50%, far outside the 80–100% the others spread over."""
    at = required[np.arange(len(required)), np.minimum(cells.due, required.shape[1] - 1)]
    small = (at < 5) & ~cells.laggard
    return replace(cells, full=np.where(small, cells.due, cells.full),
                   at_due=np.where(small, 1.0, cells.at_due))


def insured_units(rates: np.ndarray, required: np.ndarray) -> np.ndarray:
    """Units insured at each rate: at least the rate's share (so a cell at 80% of 6 units shows
    5, not 4), but all of them only where the rate is full."""
    insured = np.ceil(np.round(rates * required, 6))
    return np.where(rates >= 1, required, np.minimum(insured, required - 1))


def workforce(scale: Scale, required: np.ndarray, insured: np.ndarray, employees: np.ndarray,
              staff: np.ndarray) -> np.ndarray:
    """从业人员总数 of the units required to insure (cells × months): the employees covered, the
    staff of the units still uninsured, and in some cells a few employees the policies leave out.
    Drawn from a generator of its own, so the other columns stay as they were."""
    rng = rng_for(f"workforce-{scale.name}")
    n, months = required.shape
    left_out = np.where(rng.random(n) < 0.3, rng.uniform(0.005, 0.03, n), 0.0)
    uninsured = (required - insured) * staff[:, None] * rng.normal(1, 0.02, (n, months))
    total = employees + np.rint(np.maximum(uninsured, 0) + employees * left_out[:, None])
    return total.astype(np.int64)


def lower_city_limits(limits: np.ndarray, cells: Cells, month_names: list[str]) -> np.ndarray:
    """Two cells keep 350,000 元 policies written before the 2025 rule (shown as a warning)."""
    codes = [INDUSTRIES[i].code for i in cells.industries]
    pairs = list(zip(cells.regions, codes, strict=True))
    for cell in CITY_LOW_LIMIT:
        for month in CITY_LOW_LIMIT_MONTHS:
            limits[pairs.index(cell), month_names.index(month)] = 350_000
    return limits

