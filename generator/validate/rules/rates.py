"""Rate rules: each filed range (基准费率, 浮动费率) has its lower end at most its upper end."""

from __future__ import annotations

from generator.validate.rules.base import PLAN, Hits, business
from generator.validate.rules.frames import frame_with

SOURCE = f"{PLAN} 二、基本原则(四)费率浮动,杠杆调节"


def _ordered(low: str, high: str):
    """A check: rows of rates where column `low` exceeds column `high`."""
    def check(frames, policy):
        rates = frame_with(frames, "rates", low, high)
        if rates is not None:
            rows = rates[rates[low] > rates[high]]
            yield Hits("rates", low, rows[[low, high]])
    return check


business(
    "rates-base-min-exceeds-max", "error", "基准费率下限不能大于上限", SOURCE,
    "同一年度、行业、保险机构备案的基准费率下限不能大于基准费率上限。",
    "基准费率下限 {base_rate_min}‰ 大于上限 {base_rate_max}‰。请核对两个数字是否填反。",
    "base rate minimum {base_rate_min} exceeds the maximum {base_rate_max}",
    reads=("rates",),
)(_ordered("base_rate_min", "base_rate_max"))

business(
    "rates-float-min-exceeds-max", "error", "浮动范围下限不能大于上限", SOURCE,
    "同一年度、行业、保险机构备案的浮动范围下限(下浮用负数)不能大于浮动范围上限。",
    "浮动范围下限 {float_min}% 大于上限 {float_max}%。请核对:下浮用负数表示,如 -30 表示最多"
    "下浮 30%。",
    "floating range minimum {float_min} exceeds the maximum {float_max}",
    reads=("rates",),
)(_ordered("float_min", "float_max"))
