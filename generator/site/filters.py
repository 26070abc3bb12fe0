"""The one set of formatting filters every page uses: amounts, rates, dates and periods in Chinese.

Templates hold no arithmetic: a template calls `{{ amount | wan }}`, never divides by 10,000 itself.
Every filter returns plain text; `md_escape` (the Jinja `finalize` hook) makes any value safe for
Markdown and HTML at the moment it is written into a page.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import yaml
from markupsafe import Markup

from generator.package.names import SEVERITY_NAMES, TYPE_NAMES
from generator.package.text import neutralise

DASH = "—"
QUARTERS = {"1": "一", "2": "二", "3": "三", "4": "四"}
HALVES = {"1": "上", "2": "下"}

# Characters that start inline Markdown syntax (emphasis, links, code, table cells, attribute
# lists) or HTML. Each becomes a numeric character reference: inert for Markdown, shown as itself
# in HTML (text and attribute values alike). Templates never start a line with a data value, so
# block syntax (headings, lists) needs no escaping.
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_{}\[\]<>&|~^\"'#]")


def _missing(value) -> bool:
    """None, NaN, NaT and pandas.NA are all shown as a dash."""
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _fixed(value: float, digits: int) -> str:
    """`value` to `digits` decimals, halves rounded up as people do by hand (87.65 → 87.7), with
    thousands separators; binary noise (0.8765 × 100 = 87.64999…) is removed first."""
    exact = Decimal(repr(round(float(value), 9)))
    return f"{exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP):,}"


def md_escape(value) -> Markup:
    """Text from data made inert in Markdown and HTML: `<script>` shows as `<script>`."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    text = " ".join(neutralise(value).split())  # a newline would end a table row
    return Markup(_MARKDOWN_SPECIAL.sub(lambda m: f"&#{ord(m.group())};", text))


def number(value, digits: int = 0) -> str:
    """12345 → 12,345; 1234.5 with digits=1 → 1,234.5; missing → —."""
    if _missing(value):
        return DASH
    return _fixed(value, digits)


def wan(value, digits: int = 2) -> str:
    """An amount in 元 shown in 万元 with separators: 1234567 → 123.46 (unit in the header)."""
    if _missing(value):
        return DASH
    return _fixed(float(value) / 10_000, digits)


def wan_yuan(value, digits: int = 2) -> str:
    """An amount in 元 with its unit: 1234567 → 123.46 万元."""
    text = wan(value, digits)
    return text if text == DASH else f"{text} 万元"


def percent(value, digits: int = 1) -> str:
    """A ratio shown as a percentage to one decimal: 0.8765 → 87.7%.

    A ratio short of 1 never shows as 100.0%: 0.9996 → 99.9%, so a target that is not met never
    reads as met.
    """
    if _missing(value) or (isinstance(value, float) and math.isinf(value)):
        return DASH
    shown = _fixed(float(value) * 100, digits)
    if float(value) < 1 and Decimal(shown.replace(",", "")) >= 100:
        shown = _fixed(100 - 10.0**-digits, digits)
    return f"{shown}%"


def _as_date(value) -> dt.date | None:
    if _missing(value):
        return None
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    if hasattr(value, "date") and not isinstance(value, dt.date):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def date_zh(value) -> str:
    """2025-06-30 → 2025年6月30日."""
    day = _as_date(value)
    return DASH if day is None else f"{day.year}年{day.month}月{day.day}日"


def month_zh(value) -> str:
    """2025-06-30 → 2025年6月."""
    day = _as_date(value)
    return DASH if day is None else f"{day.year}年{day.month}月"


def period_zh(value) -> str:
    """A period in Chinese: 2025-06 → 2025年6月, 2025H1 → 2025年上半年, 2025Q3 → 2025年第三季度."""
    if _missing(value):
        return DASH
    text = str(value)
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        return f"{m[1]}年{int(m[2])}月"
    if m := re.fullmatch(r"(\d{4})H([12])", text):
        return f"{m[1]}年{HALVES[m[2]]}半年"
    if m := re.fullmatch(r"(\d{4})Q([1-4])", text):
        return f"{m[1]}年第{QUARTERS[m[2]]}季度"
    if re.fullmatch(r"\d{4}", text):
        return f"{text}年"
    return text


def signed_points(value, digits: int = 1) -> str:
    """A change in percentage points: 0.052 → +5.2 个百分点."""
    if _missing(value):
        return DASH
    sign = "+" if float(value) >= 0 else ""
    return f"{sign}{_fixed(float(value) * 100, digits)} 个百分点"


def text(value) -> str:
    """Free text from data, or a dash when empty."""
    return DASH if _missing(value) or str(value) == "" else str(value)


FIELD_TYPES = TYPE_NAMES
SEVERITIES = SEVERITY_NAMES


def field_type(value: str) -> str:
    """A Table Schema type in Chinese: integer → 整数."""
    return FIELD_TYPES.get(value, value)


def severity_zh(value: str) -> str:
    """error → 错误, warning → 警告."""
    return SEVERITIES.get(str(value), str(value))


def join_keys(value) -> str:
    """A primary key (a field or a list) as text: ["period", "region"] → period + region."""
    return " + ".join(value) if isinstance(value, list) else str(value)


_TITLE_SAFE = str.maketrans({"<": "＜", ">": "＞", "&": "＆", '"': "＂", "'": "＇"})


def title_meta(value) -> Markup:
    """A page title for the YAML front matter: plain text with no character HTML could act on.

    The theme writes the title into `<title>` after `striptags`, which turns character references
    back into markup, so `<`, `>`, `&` and quotes become their full-width forms instead.
    """
    plain = neutralise(html.unescape(str(value)).strip().translate(_TITLE_SAFE))
    dumped = yaml.safe_dump(plain, allow_unicode=True, default_style='"', width=1 << 30)
    return Markup(dumped.strip())


FILTERS = {
    "number": number,
    "wan": wan,
    "wan_yuan": wan_yuan,
    "percent": percent,
    "date_zh": date_zh,
    "month_zh": month_zh,
    "period_zh": period_zh,
    "signed_points": signed_points,
    "text": text,
    "field_type": field_type,
    "severity_zh": severity_zh,
    "join_keys": join_keys,
    "title_meta": title_meta,
}
