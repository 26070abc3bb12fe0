"""Rates (费率) filed by each insurer for each industry it writes, by year: a base rate range in ‰
of the per-person death/disability limit (差别费率: higher for riskier industries) and the range
within which a unit's rate may float on its safety record (浮动费率)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .common import INDUSTRIES, rng_for

LIMIT = 400_000  # 元: the per-person limit the industries' premiums per employee are set against
FLOATS = np.array([(-30, 30), (-20, 20), (-30, 20), (-15, 15)])  # % below and above the base


def rates_table(scale_name: str, claims: pd.DataFrame) -> pd.DataFrame:
    """One row per year × industry × insurer that has claims in that year, in key order; the
    base range brackets the industry's premium per employee, min ≤ max in both ranges."""
    rng = rng_for(f"rates-{scale_name}")
    pairs = claims.assign(period=claims["period"].astype(str).str[:4])[
        ["period", "industry_code", "insurer_code"]].astype(str)
    frame = pairs.drop_duplicates().sort_values(["period", "industry_code", "insurer_code"])
    frame = frame.reset_index(drop=True)
    n = len(frame)
    per_employee = {i.code: i.premium_per_employee for i in INDUSTRIES}
    base = frame["industry_code"].map(per_employee).to_numpy(dtype="float64") * 1000 / LIMIT
    low = np.rint(base * rng.uniform(0.7, 0.95, n) * 100).astype(np.int64)  # hundredths of ‰
    high = np.rint(base * rng.uniform(1.05, 1.4, n) * 100).astype(np.int64)
    floats = FLOATS[rng.integers(0, len(FLOATS), n)]
    return frame.assign(
        base_rate_min=low / 100, base_rate_max=np.maximum(low, high) / 100,
        float_min=floats[:, 0], float_max=floats[:, 1],
    )
