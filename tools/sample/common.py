"""The synthesiser's fixed choices (scales, industries, places, brands) and its small helpers."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from generator.package.uscc import CHARSET, check_char

SEED = 20240531
LAST_YEAR = 2025
PLAN = "驻马店市推进安全生产责任保险实施方案"


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

