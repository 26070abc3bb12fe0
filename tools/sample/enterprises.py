"""The enterprise roster: one row per unit required to insure in the latest coverage month.

Names are obviously invented: every company name starts with 示例 ("example"); individual
businesses (个体工商户, codes starting 92) are named after an invented person,
"<surname>示例（个体工商户）", so that the masking rule of policy.yaml has something to mask.
Codes are fictional but carry a valid GB 32100 check character; the region part is the unit's
own code (411700 for the city's zones).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from generator.package.uscc import CHARSET, WEIGHTS

from .common import labels, rng_for

# 字号: two invented characters, none a real brand on purpose; a 示例 prefix marks every name
TRADE_FIRST = "恒瑞泓晟锦澜昊谦铭嘉沛朗骏璟翊煦"
TRADE_SECOND = "远丰达盛泰源祥汇诚安拓峰川和信宇"
NOUN = {
    "coal_mine": "煤业", "non_coal_mine": "矿业", "hazardous_chemicals": "化工",
    "special_equipment": "机械设备", "fireworks": "烟花爆竹", "transport": "运输",
    "construction": "建筑工程", "civil_explosives": "民爆器材", "metallurgy": "冶金",
    "fishery": "水产养殖", "industrial_trade": "工贸", "gas_supply": "燃气",
}
SURNAMES = "王李张刘陈杨赵黄周吴"
INDIVIDUAL_SHARE = {"fishery": 0.4, "fireworks": 0.2}  # share of individual businesses (92…)


def uscc_codes(rng: np.random.Generator, prefixes: np.ndarray) -> np.ndarray:
    """Distinct fictional codes: each prefix (8 characters) + 9 random characters + check."""
    n = len(prefixes)
    charset = np.array(list(CHARSET))
    while True:
        body_digits = rng.integers(0, len(CHARSET), (n, 9))
        head = np.array([[CHARSET.index(c) for c in p] for p in np.unique(prefixes)])
        head_rows = head[np.searchsorted(np.unique(prefixes), prefixes)]
        digits = np.concatenate([head_rows, body_digits], axis=1)
        check = (31 - (digits * np.array(WEIGHTS)).sum(axis=1) % 31) % 31
        codes = np.array(["".join(row) for row in charset[np.concatenate(
            [digits, check[:, None]], axis=1)]], dtype=object)
        if len(set(codes)) == n:
            return codes


def month_name(index: np.ndarray, first_year: int) -> np.ndarray:
    return np.array([f"{first_year + m // 12}-{m % 12 + 1:02d}" for m in index.tolist()],
                    dtype=object)


def enterprises_table(coverage: pd.DataFrame, insurers: pd.DataFrame, shares: np.ndarray,
                      first_year: int) -> pd.DataFrame:
    """One row per unit counted as required in the latest month; the first `units_insured` of
    each cell are insured, with an annual policy still running in that month."""
    rng = rng_for("enterprises")
    periods = coverage["period"].astype(str)
    latest = periods.max()
    cells = coverage[periods == latest]
    region = np.repeat(cells["region_code"].astype(str).to_numpy(), cells["units_required"])
    industry = np.repeat(cells["industry_code"].astype(str).to_numpy(), cells["units_required"])
    opened = periods.groupby([coverage["region_code"].astype(str),
                              coverage["industry_code"].astype(str)]).min()
    first_month = np.repeat([opened[(r, i)] for r, i in zip(
        cells["region_code"].astype(str), cells["industry_code"].astype(str), strict=True)],
        cells["units_required"])
    first_row = np.repeat(np.cumsum(cells["units_required"].to_numpy()) - cells["units_required"]
                          .to_numpy(), cells["units_required"])
    insured = (np.arange(len(region)) - first_row) < np.repeat(cells["units_insured"].to_numpy(),
                                                               cells["units_required"])
    n = len(region)

    individual = rng.random(n) < np.array([INDIVIDUAL_SHARE.get(i, 0.0) for i in industry])
    place = np.where(np.char.isdigit(region.astype(str)), region, "411700")
    prefixes = np.char.add(np.where(individual, "92", "91"), place.astype(str))
    codes = uscc_codes(rng, prefixes)

    trade = rng.integers(0, len(TRADE_FIRST) * len(TRADE_SECOND), n)
    surname = rng.integers(0, len(SURNAMES), n)
    names = [
        f"{SURNAMES[s]}示例（个体工商户）" if alone else
        f"示例{TRADE_FIRST[t // len(TRADE_SECOND)]}{TRADE_SECOND[t % len(TRADE_SECOND)]}"
        f"{NOUN[i]}有限公司"
        for alone, s, t, i in zip(individual.tolist(), surname.tolist(), trade.tolist(),
                                  industry.tolist(), strict=True)
    ]

    last = (int(latest[:4]) - first_year) * 12 + int(latest[5:]) - 1
    opening = np.array([(int(m[:4]) - first_year) * 12 + int(m[5:]) - 1 for m in first_month])
    since = opening + np.floor(rng.random(n) * (last - opening + 1)).astype(np.int64)
    insurer = rng.choice(insurers["code"].to_numpy(), n, p=shares)
    year_before = date(first_year + (last - 11) // 12, (last - 11) % 12 + 1, 1)
    start = pd.Timestamp(year_before) + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    end = start + pd.DateOffset(years=1) - pd.Timedelta(days=1)
    checked = np.maximum(last - rng.integers(0, 3, n), since)

    frame = pd.DataFrame({
        "uscc": codes,
        "name": names,
        "region_code": region,
        "industry_code": industry,
        "required_since": month_name(since, first_year),
        "insured": np.where(insured, "是", "否"),
        "insurer_code": np.where(insured, insurer, ""),
        "policy_start": np.where(insured, start.strftime("%Y-%m-%d"), ""),
        "policy_end": np.where(insured, end.strftime("%Y-%m-%d"), ""),
        "last_checked": month_name(checked, first_year),
    })
    frame = frame.sort_values("uscc", kind="stable")
    for column in ("region_code", "industry_code", "insurer_code"):
        values, codes_ = np.unique(frame[column].to_numpy().astype(str), return_inverse=True)
        frame[column] = labels(list(values), codes_)
    return frame.reset_index(drop=True)

