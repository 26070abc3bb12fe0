"""The 金融监管 branch's supervision of insurers (保险机构监管) by quarter, and each insurer's
published commitments (公开承诺) for each industry it writes, drawn from the claims rows."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from .common import CITY_WEAK_INSURER, rng_for, yuan

ITEMS = ["风险评估", "隐患排查", "安全培训", "应急演练", "技术咨询"]
ADVANCE_STEPS = [50_000, 100_000, 200_000]  # 元


def supervision_table(scale_name: str, claims: pd.DataFrame) -> pd.DataFrame:
    """One row per quarter × insurer that wrote business that quarter, in key order;
    corrected ≤ found and remedied ≤ undelivered; a fine only with a penalty case."""
    rng = rng_for(f"supervision-{scale_name}")
    frame = (claims[["period", "insurer_code"]].astype(str).drop_duplicates()
             .sort_values(["period", "insurer_code"]).reset_index(drop=True))
    n = len(frame)
    weak = (frame["insurer_code"] == CITY_WEAK_INSURER).to_numpy() if scale_name == "city" \
        else np.zeros(n, dtype=bool)
    found = rng.poisson(np.where(weak, 3.0, 0.8))
    corrected = rng.binomial(found, np.where(weak, 0.6, 0.9))
    cases = rng.binomial(found - corrected, 0.5)
    fines = np.rint(cases * rng.uniform(20_000, 100_000, n) / 1000) * 1000 * 100  # cents
    undelivered = rng.poisson(np.where(weak, 6.0, 0.5))
    remedied = rng.binomial(undelivered, 0.8)
    return frame.assign(
        violations_found=found, violations_corrected=corrected, penalty_cases=cases,
        penalty_amount=yuan(fines.astype(np.int64)), services_undelivered=undelivered,
        services_remedied=remedied,
    )


def commitments_table(scale_name: str, claims: pd.DataFrame, first_year: int) -> pd.DataFrame:
    """One row per insurer × industry it wrote, in key order: service items and visits, claim
    days no longer than the law allows, the advance-payment threshold and the publication day."""
    rng = rng_for(f"commitments-{scale_name}")
    first = claims.astype({"period": str}).groupby(
        [claims["insurer_code"].astype(str), claims["industry_code"].astype(str)],
        sort=True)["period"].min()
    frame = first.reset_index()
    n = len(frame)
    items = ["、".join(ITEMS[: int(k)]) for k in rng.integers(3, len(ITEMS) + 1, n)]
    published = [date(int(p[:4]), 3 * int(p[-1]) - 2, 1) - timedelta(days=int(d))
                 for p, d in zip(frame["period"], rng.integers(5, 40, n), strict=True)]
    published = [max(day, date(first_year - 1, 12, 1)) for day in published]
    return pd.DataFrame({
        "insurer_code": frame["insurer_code"], "industry_code": frame["industry_code"],
        "service_items": items, "visits_per_year": rng.integers(2, 4, n),
        "decide_days": rng.choice([15, 20, 30], n), "pay_days": rng.choice([5, 7, 10], n),
        "advance_threshold": yuan(rng.choice(ADVANCE_STEPS, n) * 100),
        "published_date": published,
    })
