"""The insurer tables: assessments and their dimension scores, prevention, claims."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from generator.package.policy import Policy

from .common import (
    ASSESSOR_BRANDS,
    CITY_FAILED_ROUND,
    CITY_NEAR_CAP,
    CITY_WEAK_INSURER,
    DIMENSIONS,
    INDUSTRIES,
    LAST_YEAR,
    SUMMARIES,
    Scale,
    rng_for,
    tenths,
    yuan,
)


@dataclass
class Market:
    """What the insurer tables need from the coverage simulation."""

    scale: Scale
    insurers: pd.DataFrame
    shares: np.ndarray
    units_by_month: np.ndarray  # insured units of the whole area
    units_by_industry: np.ndarray  # INDUSTRIES × months
    premium_by_year: np.ndarray  # cents

    @property
    def weak(self) -> np.ndarray:
        """Insurers that deliver less of the contracted service."""
        codes = self.insurers["code"].to_numpy()
        if self.scale.name == "city":
            return codes == CITY_WEAK_INSURER
        return rng_for(f"weak-{self.scale.name}").random(len(codes)) < 0.1


def round_dates(rng: np.random.Generator, round_name: str, count: int) -> list[np.ndarray]:
    """Assessed, reported and published dates within about two months after the half-year."""
    year, half = int(round_name[:4]), round_name[-1]
    after = date(year, 7, 1) if half == "1" else date(year + 1, 1, 1)
    assessed = rng.integers(5, 26, count)
    reported = assessed + rng.integers(3, 11, count)
    published = reported + rng.integers(5, 16, count)
    return [np.array([after + timedelta(days=int(d)) for d in days])
            for days in (assessed, reported, published)]


def grade_of(total_tenths: np.ndarray, policy: Policy) -> np.ndarray:
    bands = policy.score_bands[::-1]  # lowest first
    grades = np.full(len(total_tenths), bands[0][0], dtype=object)
    for grade, low in bands:
        grades[total_tenths >= low * 10] = grade
    return grades


def dimension_scores(rng, market: Market, rounds: list[str]) -> np.ndarray:
    """Scores in tenths, rounds × insurers × dimensions."""
    n = len(market.insurers)
    quality = np.where(market.weak, rng.uniform(68, 72, n), rng.uniform(78, 93, n))
    bias = rng.normal(0, 3, (n, len(DIMENSIONS)))
    trend = np.linspace(0, 3, len(rounds))[:, None, None]
    scores = quality[None, :, None] + bias[None] + trend
    if market.scale.name == "city":
        failed = market.insurers["code"].to_numpy() == CITY_WEAK_INSURER
        scores[rounds.index(CITY_FAILED_ROUND), failed] -= 16
    scores = scores + rng.normal(0, 2.5, scores.shape)
    return clear_of_half(np.rint(np.clip(scores, 30, 100) * 10).astype(np.int64))


def clear_of_half(scores: np.ndarray) -> np.ndarray:
    """Nudge one score by 0.1 where the weighted sum ends near x.x5, so that the total rounded to
    one decimal differs from the weighted sum by less than 0.04, never by a borderline 0.05."""
    weights = np.array([w for _, _, w in DIMENSIONS])
    heaviest = int(np.argmax(weights))
    remainder = (scores * weights).sum(axis=-1) % 100  # thousandths of a point
    near_half = (remainder >= 40) & (remainder <= 60)
    step = np.where(scores[..., heaviest] < 1000, 1, -1)
    scores[..., heaviest] += np.where(near_half, step, 0)
    return scores


def delivery_ratio(rng: np.random.Generator, market: Market) -> np.ndarray:
    """Share of the contracted services delivered in one round. At city scale the weak insurer
    delivers 60–75% and a few others 85–99%; the benchmark scales deliver everything, so that
    only the city data carries warnings."""
    n = len(market.insurers)
    if market.scale.name != "city":
        return np.ones(n)
    short = rng.random(n) < 0.05
    ratio = np.where(short, rng.uniform(0.85, 0.99, n), 1.0)
    return np.where(market.weak, rng.uniform(0.60, 0.75, n), ratio)


def half_year_units(market: Market, round_name: str) -> float:
    year, half = int(round_name[:4]), int(round_name[-1])
    first = (year - market.scale.first_year) * 12 + (half - 1) * 6
    return float(market.units_by_month[first: first + 6].mean())


def delivery_tenths(delivered: int, contracted: int) -> int:
    """The delivery rate in tenths of a percent as the site shows it: halves rounded up, and
    never 100.0 while short (the site's `percent` filter)."""
    scaled = (int(delivered) * 2000 + int(contracted)) // (2 * int(contracted))
    return min(scaled, 999) if delivered < contracted else scaled


def assessment_tables(market: Market, n_assessors: int, policy: Policy):
    """The assessments and their dimension scores; also services delivered per round × insurer."""
    rng = rng_for(f"assessments-{market.scale.name}")
    years = range(market.scale.first_year, LAST_YEAR + 1)
    rounds = [f"{y}H{h}" for y in years for h in (1, 2)]
    n = len(market.insurers)
    scores = dimension_scores(rng, market, rounds)
    weights = np.array([w for _, _, w in DIMENSIONS])
    totals = (scores * weights).sum(axis=2)
    totals = (totals + 50) // 100  # tenths, rounded half up from the rounded dimension scores

    rows, score_rows, delivered_all = [], [], np.zeros((len(rounds), n), dtype=np.int64)
    assessor_codes = [f"{initials}AQ" for _, initials in ASSESSOR_BRANDS[:n_assessors]]
    for r, round_name in enumerate(rounds):
        units = half_year_units(market, round_name) * market.shares
        contracted = np.maximum(10, np.rint(units * rng.uniform(0.9, 1.3, n))).astype(np.int64)
        delivered = np.floor(contracted * delivery_ratio(rng, market)).astype(np.int64)
        delivered_all[r] = delivered
        grades = grade_of(totals[r], policy)
        assessed, reported, published = round_dates(rng, round_name, n)
        for i, code in enumerate(market.insurers["code"]):
            failed = policy.failing(grades[i])
            rate = tenths([delivery_tenths(delivered[i], contracted[i])])[0]
            rows.append((
                round_name, code, assessor_codes[(i + r) % n_assessors], assessed[i].isoformat(),
                reported[i].isoformat(), published[i].isoformat(), contracted[i], delivered[i],
                totals[r, i], grades[i],
                (published[i] + timedelta(days=60)).isoformat() if failed else "",
                SUMMARIES[grades[i]].format(rate=rate),
            ))
            score_rows += [
                (round_name, code, dim, name, weight, scores[r, i, d])
                for d, (dim, name, weight) in enumerate(DIMENSIONS)
            ]
    assessments = pd.DataFrame(rows, columns=[
        "round", "insurer_code", "assessor_code", "assessed_date", "reported_date",
        "published_date", "services_contracted", "services_delivered", "total_score", "grade",
        "rectification_due", "summary",
    ])
    assessments["total_score"] = tenths(assessments["total_score"].to_numpy())
    dims = pd.DataFrame(score_rows, columns=[
        "round", "insurer_code", "dimension", "dimension_name", "weight", "score",
    ])
    dims["score"] = tenths(dims["score"].to_numpy())
    dims = dims.sort_values(["round", "insurer_code", "dimension"]).reset_index(drop=True)
    return assessments, dims, dict(zip(rounds, delivered_all, strict=True))


def prevention_table(market: Market, delivered: dict[str, np.ndarray], policy: Policy):
    rng = rng_for(f"prevention-{market.scale.name}")
    cap = policy.prevention_cap
    n = len(market.insurers)
    codes = market.insurers["code"].to_numpy()
    frames = []
    for y, year in enumerate(range(market.scale.first_year, LAST_YEAR + 1)):
        premium = np.floor(
            market.premium_by_year[y] * market.shares * rng.uniform(0.95, 1.0, n)
        ).astype(np.int64)
        budget_ratio = rng.uniform(0.15, 0.20, n)
        spending_ratio = rng.uniform(0.12, 0.195, n)
        if market.scale.name == "city" and year == CITY_NEAR_CAP[1]:
            spending_ratio[codes == CITY_NEAR_CAP[0]] = CITY_NEAR_CAP[2]
        spending = np.floor(premium * np.minimum(spending_ratio, cap)).astype(np.int64)
        services = delivered[f"{year}H1"] + delivered[f"{year}H2"]
        units = market.units_by_month[y * 12: y * 12 + 12].mean() * market.shares
        served = np.minimum(services, np.rint(units * rng.uniform(0.7, 0.95, n))).astype(np.int64)
        found = np.rint(services * rng.uniform(0.6, 1.8, n)).astype(np.int64)
        fixed_share = np.where(market.weak, rng.uniform(0.70, 0.85, n), rng.uniform(0.88, 0.99, n))
        frames.append(pd.DataFrame({
            "year": year, "insurer_code": codes,
            "premium_collected": yuan(premium),
            "prevention_budget": yuan(np.floor(premium * budget_ratio)),
            "prevention_spending": yuan(spending),
            "units_served": served, "services_delivered": services,
            "hazards_found": found,
            "hazards_rectified": np.floor(found * fixed_share).astype(np.int64),
        }))
    return pd.concat(frames, ignore_index=True)


def written_industries(rng, n_insurers: int, n_industries: int) -> list[np.ndarray]:
    """Each insurer writes 4–8 industries; every industry is written by at least one insurer."""
    written = []
    for i in range(n_insurers):
        forced = list(range(i, n_industries, n_insurers))
        others = np.setdiff1d(np.arange(n_industries), forced)
        extra = rng.choice(others, int(rng.integers(4, 9)) - len(forced), replace=False)
        written.append(np.sort(np.concatenate([forced, extra]).astype(np.int64)))
    return written


def claims_table(market: Market) -> pd.DataFrame:
    rng = rng_for(f"claims-{market.scale.name}")
    n_ind = market.scale.n_industries
    codes = market.insurers["code"].to_numpy()
    written = written_industries(rng, len(codes), n_ind)
    writes = np.zeros((len(codes), n_ind))
    for i, industries in enumerate(written):
        writes[i, industries] = market.shares[i]
    within = writes / writes.sum(axis=0, keepdims=True)  # insurer share of each industry

    # Rows in key order: quarter, then insurer code, then industry code.
    by_code = sorted(range(n_ind), key=lambda j: INDUSTRIES[j].code)
    pairs = [(i, j) for i in range(len(codes)) for j in by_code if writes[i, j] > 0]
    ins, ind = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
    quarterly = market.units_by_industry[:n_ind].reshape(n_ind, -1, 3).mean(axis=2)
    quarters = quarterly.shape[1]
    q = np.repeat(np.arange(quarters), len(pairs))
    ins, ind = np.tile(ins, quarters), np.tile(ind, quarters)
    units = quarterly[ind, q]
    keep = units > 0
    q, ins, ind, units = q[keep], ins[keep], ind[keep], units[keep]
    m = len(q)

    claim_rate = np.array([i.claim_rate for i in INDUSTRIES])[ind]
    reported = 1 + rng.poisson(units * within[ins, ind] * claim_rate)
    settled = np.maximum(1, reported - rng.binomial(reported, 0.15))
    payout = np.array([i.payout for i in INDUSTRIES])[ind]
    paid = np.rint(settled * payout * rng.lognormal(0, 0.3, m) * 100).astype(np.int64)
    advances = rng.binomial(settled, 0.08)
    advance = np.minimum(paid, np.rint(advances * rng.uniform(5_000, 30_000, m) * 100))
    decide = np.rint(rng.uniform(8, 25, m) * 10).astype(np.int64)
    pay = np.rint(rng.uniform(3, 9, m) * 10).astype(np.int64)

    first = market.scale.first_year
    labels = np.array([f"{first + k // 4}Q{k % 4 + 1}" for k in range(quarters)], dtype=object)
    frame = pd.DataFrame({
        "period": labels[q], "insurer_code": codes[ins],
        "industry_code": np.array([i.code for i in INDUSTRIES], dtype=object)[ind],
        "claims_reported": reported, "claims_settled": settled,
        "amount_paid": yuan(paid), "advance_payments": advances,
        "advance_amount": yuan(advance.astype(np.int64)),
        "avg_days_to_decide": decide, "avg_days_to_pay": pay,
    })
    if market.scale.name == "city":
        slow_claims(frame)
    frame["avg_days_to_decide"] = tenths(frame["avg_days_to_decide"].to_numpy())
    frame["avg_days_to_pay"] = tenths(frame["avg_days_to_pay"].to_numpy())
    return frame


def slow_claims(frame: pd.DataFrame) -> None:
    """One slow decision and one slow payment at city scale, so the warnings have a case."""
    slow_decide = (frame["period"] == "2024Q3") & (frame["insurer_code"] == CITY_WEAK_INSURER)
    slow_pay = (frame["period"] == "2025Q2") & (frame["insurer_code"] == CITY_NEAR_CAP[0])
    frame.loc[frame.index[slow_decide][0], "avg_days_to_decide"] = 335
    frame.loc[frame.index[slow_pay][0], "avg_days_to_pay"] = 125

