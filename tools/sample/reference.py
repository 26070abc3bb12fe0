"""The reference tables: regions, industries, insurers, assessors, milestones."""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.package.policy import Policy

from .common import (
    ASSESSOR_BRANDS,
    BRANCH_SUFFIX,
    BRAND_FIRST,
    BRAND_SECOND,
    CITY_BRANDS,
    CITY_REGIONS,
    HENAN_PREFECTURES,
    INDUSTRIES,
    KIND_SUFFIX,
    MILESTONES,
    NAME_FIRST,
    NAME_SECOND,
    NATIONAL_REGIONS,
    PLACE_PREFIX,
    PLAN,
    PROVINCE_REGIONS,
    PROVINCES,
    SLOTS,
    Scale,
    draw_uscc,
    rng_for,
)


def synthesised_names(rng: np.random.Generator, count: int) -> list[str]:
    """`count` distinct two-character place names."""
    picks = rng.choice(len(NAME_FIRST) * len(NAME_SECOND), count, replace=False)
    return [NAME_FIRST[p // len(NAME_SECOND)] + NAME_SECOND[p % len(NAME_SECOND)] for p in picks]


def synthesised_units(prefix: str, parent: str, count: int, label: str) -> list[tuple]:
    """`count` county-level units under a province or prefecture code `prefix` (2 or 4 digits)."""
    names = synthesised_names(rng_for(label), count)
    units = []
    for n in range(count):
        prefecture = prefix if len(prefix) == 4 else f"{prefix}{n // len(SLOTS) + 1:02d}"
        suffix, kind = SLOTS[n % len(SLOTS)]
        units.append((prefecture + suffix, parent + names[n] + KIND_SUFFIX[kind], kind))
    return units


def henan_units() -> list[tuple]:
    """The 157 units of the province scale: the city's 13 and 144 synthesised ones."""
    rest = PROVINCE_REGIONS - len(CITY_REGIONS)
    per = rest // len(HENAN_PREFECTURES)
    units = list(CITY_REGIONS)
    for code, name in HENAN_PREFECTURES:
        units += synthesised_units(code, name, per, f"regions-{code}")
    return units


def national_units() -> list[tuple]:
    """The 2,844 units of the national scale: 河南's 157 and the rest spread over 30 provinces."""
    others = [p for p in PROVINCES if p[0] != "41"]
    rest = NATIONAL_REGIONS - PROVINCE_REGIONS
    units = henan_units()
    for n, (code, name) in enumerate(others):
        count = rest // len(others) + (1 if n < rest % len(others) else 0)
        units += synthesised_units(code, name, count, f"regions-{code}")
    return units


def regions_table(scale: Scale) -> pd.DataFrame:
    units = {"city": CITY_REGIONS, "province": henan_units, "national": national_units}[scale.name]
    units = units() if callable(units) else units
    frame = pd.DataFrame(units, columns=["code", "name", "kind"]).sort_values("code")
    if frame["code"].duplicated().any() or frame["name"].duplicated().any():
        raise AssertionError("synthesised region codes or names collide")
    frame["display_order"] = np.arange(1, len(frame) + 1)
    return frame.reset_index(drop=True)


def industries_table(scale: Scale, policy: Policy) -> pd.DataFrame:
    due = {"首批": policy.due_dates["first_batch"], "拓展": policy.due_dates["extension"]}
    rows = [
        (i.code, i.name, i.name_en, i.lead_department, i.batch, due[i.batch].isoformat(), n + 1)
        for n, i in enumerate(INDUSTRIES[: scale.n_industries])
    ]
    columns = ["code", "name", "name_en", "lead_department", "batch", "due_date", "display_order"]
    return pd.DataFrame(rows, columns=columns).sort_values("code").reset_index(drop=True)


def insurer_brands(scale: Scale) -> list[tuple[str, str]]:
    brands = list(CITY_BRANDS)
    extra = scale.n_insurers - len(brands)
    if extra > 0:
        width = len(BRAND_SECOND)
        picks = rng_for("brands").choice(len(BRAND_FIRST) * width, extra, replace=False)
        for p in sorted(picks):
            (c1, p1), (c2, p2) = BRAND_FIRST[p // width], BRAND_SECOND[p % width]
            brands.append((c1 + c2, p1 + p2))
    return brands[: scale.n_insurers]


def insurers_table(scale: Scale, regions: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The insurers (sorted by code) and their market shares, aligned with the rows."""
    rng = rng_for(f"insurers-{scale.name}")
    seats = regions.loc[regions["code"].str.isdigit(), "code"].to_numpy()
    if scale.name == "city":
        seats = np.array(["411702", "411702", "411771"])  # most branches sit in 驿城区
    rows = [
        (code, f"{brand}财产保险股份有限公司{BRANCH_SUFFIX[scale.name]}", f"{brand}财险",
         draw_uscc(rng, str(rng.choice(seats))))
        for brand, code in insurer_brands(scale)
    ]
    shares = rng.gamma(2.0, 1.0, len(rows))
    shares /= shares.sum()
    frame = pd.DataFrame(rows, columns=["code", "name", "short_name", "uscc"])
    frame["display_order"] = pd.Series(-shares).rank(method="first").astype(int).to_numpy()
    if frame["code"].duplicated().any():
        raise AssertionError("insurer codes collide")
    order = np.argsort(frame["code"].to_numpy(), kind="stable")
    return frame.iloc[order].reset_index(drop=True), shares[order]


def assessors_table(scale: Scale, regions: pd.DataFrame) -> pd.DataFrame:
    rng = rng_for(f"assessors-{scale.name}")
    seat = "411702" if scale.name == "city" else str(regions["code"].iloc[0])
    kinds = ["安全技术咨询有限公司", "安全评价有限公司"]
    rows = [
        (f"{initials}AQ", f"{PLACE_PREFIX[scale.name]}{brand}{kinds[n % 2]}",
         f"{brand}{'安全' if n % 2 == 0 else '安评'}", draw_uscc(rng, seat))
        for n, (brand, initials) in enumerate(ASSESSOR_BRANDS[: scale.n_assessors])
    ]
    frame = pd.DataFrame(rows, columns=["code", "name", "short_name", "uscc"])
    return frame.sort_values("code").reset_index(drop=True)


def milestones_table(policy: Policy) -> pd.DataFrame:
    rows = [
        (code, name, start.isoformat(), policy.due_dates[due_key].isoformat(), text, PLAN)
        for code, name, start, due_key, text in MILESTONES
    ]
    columns = ["code", "name", "start_date", "due_date", "description", "source"]
    return pd.DataFrame(rows, columns=columns).sort_values("code").reset_index(drop=True)

