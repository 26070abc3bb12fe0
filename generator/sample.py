"""Illustrative data (示例数据) for the package, at city, province or national scale.

    python -m generator.sample --scale city --out data

Every number is invented from a fixed seed, so the same command writes byte-identical files. The
numbers the rules check (score bands, the prevention cap, death-limit steps, due dates) are read
from data/policy.yaml, so the data keeps agreeing with the rules when staff change them. The city
scale is the bundled data; province (河南, 157 units) and national (2,844 units) are for benchmarks.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import time
import zlib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from generator.package.load import DESCRIPTOR, POLICY, read_descriptor
from generator.package.policy import Policy, load_policy
from generator.package.uscc import CHARSET, check_char

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SEED = 20240531
LAST_YEAR = 2025
PLAN = "驻马店市推进安全生产责任保险实施方案"
CSV_CHUNK_ROWS = 200_000  # rows turned into Python values at a time, to bound memory


@dataclass(frozen=True)
class Scale:
    name: str
    first_year: int
    n_insurers: int
    n_assessors: int
    n_industries: int


SCALES = {
    "city": Scale("city", 2024, 8, 2, 11),
    "province": Scale("province", 2021, 40, 6, 12),
    "national": Scale("national", 2021, 40, 12, 12),
}


@dataclass(frozen=True)
class Industry:
    code: str
    name: str
    name_en: str
    lead_department: str
    batch: str
    units: tuple[int, int]  # units required to insure in one reporting unit
    staff: tuple[int, int]  # employees per insured unit
    premium_per_employee: int  # 元 a year
    claim_rate: float  # claims a quarter per insured unit
    payout: int  # 元 per settled claim, on average


INDUSTRIES = [
    Industry("coal_mine", "煤矿", "Coal mines", "市应急管理局", "首批",
             (2, 6), (150, 200), 600, 0.03, 120_000),
    Industry("non_coal_mine", "非煤矿山", "Non-coal mines", "市应急管理局", "首批",
             (8, 30), (30, 120), 400, 0.02, 80_000),
    Industry("hazardous_chemicals", "危险化学品", "Hazardous chemicals", "市应急管理局", "首批",
             (20, 80), (40, 150), 300, 0.01, 60_000),
    Industry("special_equipment", "特种设备", "Special equipment", "市市场监督管理局", "首批",
             (60, 250), (20, 50), 100, 0.005, 30_000),
    Industry("fireworks", "烟花爆竹", "Fireworks", "市应急管理局", "首批",
             (3, 12), (20, 60), 350, 0.015, 60_000),
    Industry("transport", "交通运输", "Road and water transport", "市交通运输局", "首批",
             (80, 350), (20, 60), 200, 0.02, 40_000),
    Industry("construction", "建筑施工", "Construction", "市住房和城乡建设局", "首批",
             (100, 400), (40, 150), 150, 0.02, 50_000),
    Industry("civil_explosives", "民用爆炸物品", "Civil explosives", "市工业和信息化局", "首批",
             (1, 5), (50, 150), 400, 0.01, 80_000),
    Industry("metallurgy", "金属冶炼", "Metal smelting", "市应急管理局", "首批",
             (5, 25), (80, 200), 300, 0.015, 60_000),
    Industry("fishery", "渔业生产", "Fishery", "市农业农村局", "首批",
             (10, 60), (20, 40), 200, 0.01, 30_000),
    Industry("industrial_trade", "工贸行业", "Industry and trade", "市应急管理局", "拓展",
             (80, 300), (20, 80), 100, 0.008, 25_000),
    Industry("gas_supply", "城镇燃气", "Urban gas supply", "市住房和城乡建设局", "拓展",
             (3, 15), (40, 150), 200, 0.01, 40_000),
]

CITY_REGIONS = [
    ("411702", "驿城区", "区"), ("411721", "西平县", "县"), ("411722", "上蔡县", "县"),
    ("411723", "平舆县", "县"), ("411724", "正阳县", "县"), ("411725", "确山县", "县"),
    ("411726", "泌阳县", "县"), ("411727", "汝南县", "县"), ("411728", "遂平县", "县"),
    ("411729", "新蔡县", "县"), ("4117A1", "驻马店经济开发区", "功能区"),
    ("4117A2", "驻马店高新技术产业开发区", "功能区"),
    ("4117A3", "驻马店市城乡一体化示范区", "功能区"),
]
_COUNTIES = [code for code, _, kind in CITY_REGIONS if kind != "功能区"]
# Which city units have which industries; industries not listed are in every unit.
CITY_PRESENCE = {
    "coal_mine": ["411725", "411726"],
    "non_coal_mine": ["411702", "411721", "411725", "411726", "411728"],
    "hazardous_chemicals": _COUNTIES + ["4117A1", "4117A2"],
    "fireworks": ["411722", "411723", "411724", "411727", "411729"],
    "transport": _COUNTIES + ["4117A1", "4117A3"],
    "civil_explosives": ["411702", "411725", "411726"],
    "metallurgy": ["411702", "411721", "411728", "4117A1", "4117A2"],
    "fishery": ["411723", "411724", "411725", "411726", "411727", "411729"],
}
# The city's laggards: full coverage only in a later month, or still short at the end.
CITY_LATE = {("411723", "fireworks"): "2025-03", ("411729", "fishery"): "2025-06"}
CITY_SHORT = {("411724", "transport"): 0.97, ("4117A3", "industrial_trade"): 0.95}
# Cells whose lowest death limit stays at 350,000 元 for two months after the 2025 rule.
CITY_LOW_LIMIT = [("411722", "construction"), ("411728", "special_equipment")]
CITY_LOW_LIMIT_MONTHS = ["2025-04", "2025-05"]

HENAN_PREFECTURES = [
    ("4101", "郑州市"), ("4102", "开封市"), ("4103", "洛阳市"), ("4104", "平顶山市"),
    ("4105", "安阳市"), ("4106", "鹤壁市"), ("4107", "新乡市"), ("4108", "焦作市"),
    ("4109", "濮阳市"), ("4110", "许昌市"), ("4111", "漯河市"), ("4112", "三门峡市"),
    ("4113", "南阳市"), ("4114", "商丘市"), ("4115", "信阳市"), ("4116", "周口市"),
]
PROVINCES = [
    ("11", "北京市"), ("12", "天津市"), ("13", "河北省"), ("14", "山西省"), ("15", "内蒙古自治区"),
    ("21", "辽宁省"), ("22", "吉林省"), ("23", "黑龙江省"), ("31", "上海市"), ("32", "江苏省"),
    ("33", "浙江省"), ("34", "安徽省"), ("35", "福建省"), ("36", "江西省"), ("37", "山东省"),
    ("41", "河南省"), ("42", "湖北省"), ("43", "湖南省"), ("44", "广东省"),
    ("45", "广西壮族自治区"), ("46", "海南省"), ("50", "重庆市"), ("51", "四川省"),
    ("52", "贵州省"),
    ("53", "云南省"), ("54", "西藏自治区"), ("61", "陕西省"), ("62", "甘肃省"), ("63", "青海省"),
    ("64", "宁夏回族自治区"), ("65", "新疆维吾尔自治区"),
]
PROVINCE_REGIONS = 157
NATIONAL_REGIONS = 2844
# Code suffixes of one synthesised prefecture, in GB/T 2260 style: 0x districts, 2x counties,
# 8x county-level cities.
SLOTS = [("02", "区"), ("03", "区"), ("21", "县"), ("22", "县"), ("23", "县"), ("24", "县"),
         ("25", "县"), ("81", "县级市"), ("82", "县级市")]
KIND_SUFFIX = {"区": "区", "县": "县", "县级市": "市"}
NAME_FIRST = "安宁永清兴和丰泰康华临长新乐广嘉"
NAME_SECOND = "阳平城川源陵山水泉丘江河州乡原岭"

# Invented insurer brands: place names of 驻马店 that no insurer uses, then tree × water names.
CITY_BRANDS = [("天中", "TZCX"), ("嵖岈", "CYCX"), ("汝河", "RHCX"), ("棠溪", "TXCX"),
               ("薄山", "BSCX"), ("铜山", "TSCX"), ("蔡州", "CZCX"), ("竹沟", "ZGCX")]
BRAND_FIRST = [("柏", "BAI"), ("桐", "TONG"), ("槐", "HUAI"), ("榆", "YU"), ("樟", "ZHANG"),
               ("枫", "FENG"), ("檀", "TAN"), ("楠", "NAN")]
BRAND_SECOND = [("溪", "XI"), ("泽", "ZE"), ("岭", "LING"), ("湾", "WAN"), ("塘", "TANG"),
                ("滩", "TAN"), ("洲", "ZHOU"), ("川", "CHUAN")]
ASSESSOR_BRANDS = [("澄衡", "CH"), ("启砺", "QL"), ("笃安", "DA"), ("恒拓", "HT"), ("明岳", "MY"),
                   ("正屹", "ZY"), ("睿衡", "RH"), ("弘砺", "HL"), ("安屹", "AY"), ("拓衡", "TH"),
                   ("善砺", "SL"), ("泓岳", "HY")]
BRANCH_SUFFIX = {"city": "驻马店市分公司", "province": "河南分公司", "national": ""}
PLACE_PREFIX = {"city": "驻马店", "province": "河南", "national": ""}
CITY_EXTENSION_FROM = date(2025, 1, 1)  # the city reports extension industries from this month
CITY_WEAK_INSURER = "CZCX"  # delivers less and fails one round
CITY_FAILED_ROUND = "2024H2"
CITY_NEAR_CAP = ("RHCX", 2025, 0.206)  # prevention spending close to the 21% cap

DIMENSIONS = [  # code, name, weight; weights sum to 100
    ("service_plan", "服务计划", 15),
    ("service_delivery", "服务实施", 30),
    ("hazard_management", "隐患排查与整改", 25),
    ("funding", "专项资金管理", 15),
    ("records_complaints", "档案与投诉处理", 15),
]

MILESTONES = [  # code, name, start date, policy due-date key, description
    ("plans", "制定实施方案", date(2024, 4, 1), "plans",
     "各县区、各有关部门在全面准确掌握本地区、本行业领域应投保企业基本情况的基础上,加强调研分析,"
     "强化宣传发动,完善工作制度,理顺操作规则,制定切实可行的工作方案报市安委会办公室。"),
    ("implementation", "全面组织实施", date(2024, 6, 1), "first_batch",
     "各县区、各有关部门按照职责分工,结合各行业领域工作实际,推进安责险各项工作,"
     "确保2024年底实现全市高危行业领域安责险全覆盖,切实发挥安责险的服务保障作用。"),
    ("consolidation", "巩固提升推广", date(2025, 1, 1), "extension",
     "将本行业领域企业参保安责险情况和开展事故预防服务情况纳入监督检查计划,"
     "对安责险阶段性工作情况进行评估并完成问题整改,总结安责险推进工作经验。"),
    ("extension", "拓展到其他高风险行业", CITY_EXTENSION_FROM, "extension",
     "逐步拓展到其他具有较高生产安全风险的行业领域,进一步健全安责险制度体系和事故预防服务体系。"),
]

SUMMARIES = {
    "优秀": "服务计划完备,服务实施率{rate}%,隐患排查整改闭环管理规范,档案资料齐全。",
    "良好": "服务计划基本完备,服务实施率{rate}%,个别隐患整改跟踪不够及时。",
    "合格": "服务实施率{rate}%,部分服务记录不完整,需加强隐患整改跟踪和投诉处理。",
    "不合格": "服务实施率{rate}%,未按合同约定频次提供服务,隐患整改跟踪不到位,已责令限期整改。",
}


def rng_for(label: str) -> np.random.Generator:
    """A generator of its own for each part, so changing one table leaves the others unchanged."""
    return np.random.default_rng([SEED, zlib.crc32(label.encode("utf-8"))])


def tenths(scaled) -> np.ndarray:
    """Non-negative integers in tenths as text with one decimal: 875 → "87.5"."""
    return np.array([f"{v // 10}.{v % 10}" for v in np.asarray(scaled, dtype=np.int64).tolist()],
                    dtype=object)


def yuan(cents) -> np.ndarray:
    """Amounts in cents as 元 (float columns are written with two decimals, exact below 10**13)."""
    return np.asarray(cents, dtype=np.int64) / 100


def labels(values: list[str], codes: np.ndarray) -> pd.Categorical:
    """A key column as a categorical: millions of rows without millions of strings."""
    return pd.Categorical.from_codes(codes, categories=values)


def month_labels(first_year: int) -> list[str]:
    return [f"{y}-{m:02d}" for y in range(first_year, LAST_YEAR + 1) for m in range(1, 13)]


def month_index(first_year: int, day: date) -> int:
    return (day.year - first_year) * 12 + day.month - 1


def draw_uscc(rng: np.random.Generator, region_code: str) -> str:
    """A fictional 统一社会信用代码 of a company (91) registered in `region_code`."""
    body = "91" + region_code + "".join(rng.choice(list(CHARSET), 9))
    return body + check_char(body)


# --- reference tables -------------------------------------------------------------------------


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


# --- coverage ---------------------------------------------------------------------------------


@dataclass
class Cells:
    """The region × industry cells of the coverage table, sorted by (region, industry)."""

    regions: np.ndarray
    industries: np.ndarray  # positions in INDUSTRIES
    start: np.ndarray  # first month index with a row
    due: np.ndarray  # month index from which coverage is full
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
    return Cells(
        regions=np.array([r for r, _ in pairs], dtype=object),
        industries=np.array([position[i] for _, i in pairs]),
        start=np.array([extension_start if b == "拓展" else 0 for b in batch]),
        due=np.array([late.get(p, due_month[b]) for p, b in zip(pairs, batch, strict=True)]),
        cap=np.array([short.get(p, 1.0) for p in pairs]),
    )


def industry_ranges(cells: Cells, attribute: str) -> tuple[np.ndarray, np.ndarray]:
    low = np.array([getattr(i, attribute)[0] for i in INDUSTRIES])[cells.industries]
    high = np.array([getattr(i, attribute)[1] for i in INDUSTRIES])[cells.industries]
    return low, high


def draw_between(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """One integer in [low, high] for each pair."""
    return low + np.floor(rng.random(len(low)) * (high - low + 1)).astype(np.int64)


def coverage_rates(rng: np.random.Generator, scale: Scale, cells: Cells, months: int) -> np.ndarray:
    """Coverage rate of each cell and month: rising from a start level to 1 at the due month."""
    n = len(cells.regions)
    first_batch = np.array([INDUSTRIES[i].batch == "首批" for i in cells.industries])
    if scale.name == "city":
        r0 = np.where(first_batch, rng.uniform(0.40, 0.60, n), rng.uniform(0.30, 0.50, n))
    else:
        r0 = np.where(first_batch, rng.uniform(0.15, 0.35, n), rng.uniform(0.05, 0.15, n))
    power = rng.uniform(0.7, 1.4, n)
    t = np.arange(months)[None, :]
    progress = np.clip((t - cells.start[:, None]) / (cells.due - cells.start)[:, None], 0, 1)
    rates = r0[:, None] + (1 - r0[:, None]) * progress ** power[:, None]
    rates = np.maximum.accumulate(rates + rng.normal(0, 0.015, (n, months)), axis=1)
    rates = np.where(t >= cells.due[:, None], 1.0, np.clip(rates, 0, 1))
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
    rates = coverage_rates(rng, scale, cells, months)
    insured = np.where(active, np.floor(rates * required), 0).astype(np.int64)

    staff = draw_between(rng, *industry_ranges(cells, "staff"))
    employees = np.rint(insured * staff[:, None] * rng.normal(1, 0.02, (n, months)))
    employees = np.maximum(employees, insured).astype(np.int64)

    per_employee = np.array([i.premium_per_employee for i in INDUSTRIES])[cells.industries]
    annual = staff * per_employee * rng.uniform(0.8, 1.2, n)  # 元 a year per unit
    monthly = np.rint(insured * (annual[:, None] / 12) * rng.uniform(0.9, 1.1, (n, months)) * 100)
    monthly = monthly.astype(np.int64)  # cents
    ytd = monthly.reshape(n, -1, 12).cumsum(axis=2).reshape(n, months)

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
        "premium_ytd": yuan(ytd.T.ravel()[mask]),
        "min_death_limit": pd.arrays.IntegerArray(limits.T.ravel()[mask], flat_insured == 0),
    })
    return frame, insured, monthly


def lower_city_limits(limits: np.ndarray, cells: Cells, month_names: list[str]) -> np.ndarray:
    """Two cells keep 350,000 元 policies written before the 2025 rule (shown as a warning)."""
    codes = [INDUSTRIES[i].code for i in cells.industries]
    pairs = list(zip(cells.regions, codes, strict=True))
    for cell in CITY_LOW_LIMIT:
        for month in CITY_LOW_LIMIT_MONTHS:
            limits[pairs.index(cell), month_names.index(month)] = 350_000
    return limits


# --- assessments, prevention, claims ---------------------------------------------------------


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
            rate = tenths([delivered[i] * 1000 // contracted[i]])[0]
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


# --- the package ------------------------------------------------------------------------------


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
    return {
        "regions": regions,
        "industries": industries_table(scale, policy),
        "insurers": insurers,
        "assessors": assessors_table(scale, regions),
        "milestones": milestones_table(policy),
        "coverage": coverage,
        "assessments": assessments,
        "assessment_scores": scores,
        "prevention": prevention_table(market, delivered, policy),
        "claims": claims_table(market),
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
        prog="python -m generator.sample",
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


if __name__ == "__main__":
    sys.exit(main())
