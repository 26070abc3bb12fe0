"""Enforcement (执法与整改) by quarter, county and industry, drawn from the coverage rows: the
departments check some of the units required to insure, find some of those still uninsured,
order them to insure within a deadline, and fine some of those who do not comply."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .common import rng_for, yuan


def enforcement_table(scale_name: str, coverage: pd.DataFrame) -> pd.DataFrame:
    """One row per quarter × region × industry with units to insure at the quarter's last month,
    in key order; complied ≤ orders ≤ found ≤ checked."""
    rng = rng_for(f"enforcement-{scale_name}")
    period = coverage["period"].astype(str)
    rows = coverage[period.str[5:].isin(["03", "06", "09", "12"])
                    & (coverage["units_required"] > 0)]
    month = rows["period"].astype(str)
    frame = pd.DataFrame({
        "period": month.str[:4] + "Q" + (month.str[5:].astype(int) // 3).astype(str),
        "region_code": rows["region_code"].astype(str),
        "industry_code": rows["industry_code"].astype(str),
    }).sort_values(["period", "region_code", "industry_code"])
    required = rows["units_required"].loc[frame.index].to_numpy()
    uninsured = required - rows["units_insured"].loc[frame.index].to_numpy()
    n = len(frame)
    checked = np.maximum(1, np.rint(required * rng.uniform(0.05, 0.25, n))).astype(np.int64)
    found = np.minimum(checked, rng.binomial(uninsured, 0.5))
    orders = rng.binomial(found, 0.9)
    complied = rng.binomial(orders, 0.85)
    cases = rng.binomial(orders - complied, 0.4)
    fines = np.rint(cases * rng.uniform(10_000, 30_000, n) / 100) * 100 * 100  # cents, 百元 steps
    frame = frame.assign(
        units_checked=checked, units_found_uninsured=found, orders_issued=orders,
        orders_complied=complied, penalty_cases=cases, penalty_amount=yuan(fines.astype(np.int64)),
        units_refusing_service=rng.poisson(0.15, n), hazards_overdue=rng.poisson(0.4, n),
    )
    return frame.reset_index(drop=True)
