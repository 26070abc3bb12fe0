"""Enforcement rules: each step of 检查 → 发现未投保 → 责令限期整改 → 按期整改 counts within the
step before it."""

from __future__ import annotations

from generator.validate.rules.base import PLAN, Hits, business
from generator.validate.rules.frames import frame_with

SOURCE = f"{PLAN} 四、任务分工(二)"


def _within(part: str, whole: str):
    """A check: rows of enforcement where column `part` exceeds column `whole`."""
    def check(frames, policy):
        enforcement = frame_with(frames, "enforcement", part, whole)
        if enforcement is not None:
            rows = enforcement[enforcement[part] > enforcement[whole]]
            yield Hits("enforcement", part, rows[[part, whole]])
    return check


business(
    "enforcement-found-exceeds-checked", "error", "发现未投保企业数不能大于检查企业数", SOURCE,
    "同一季度、县区、行业的发现未投保企业数不能多于检查企业数。",
    "发现未投保企业 {units_found_uninsured} 家,多于检查企业 {units_checked} 家。请核对两个数字。",
    "units found uninsured {units_found_uninsured} exceed units checked {units_checked}",
    reads=("enforcement",),
)(_within("units_found_uninsured", "units_checked"))

business(
    "enforcement-orders-exceed-found", "error", "责令限期整改数不能大于发现未投保企业数", SOURCE,
    "同一季度、县区、行业的责令限期整改数不能多于发现未投保企业数。",
    "责令限期整改 {orders_issued} 件,多于发现未投保企业 {units_found_uninsured} 家。"
    "请核对两个数字。",
    "orders issued {orders_issued} exceed units found uninsured {units_found_uninsured}",
    reads=("enforcement",),
)(_within("orders_issued", "units_found_uninsured"))

business(
    "enforcement-complied-exceeds-orders", "error", "按期整改数不能大于责令限期整改数", SOURCE,
    "同一季度、县区、行业的按期整改数不能多于责令限期整改数。",
    "按期整改 {orders_complied} 家,多于责令限期整改 {orders_issued} 件。请核对两个数字。",
    "orders complied {orders_complied} exceed orders issued {orders_issued}",
    reads=("enforcement",),
)(_within("orders_complied", "orders_issued"))
