"""Text rules: no personal data on a public site, no formula-like cells in the downloads."""

from __future__ import annotations

import pandas as pd

from generator.validate.rules.base import Hits, business

PRIVACY = "《中华人民共和国政府信息公开条例》第十五条(不公开个人隐私)"
PHONE = r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])"
ID_CARD = (r"(?<![0-9])[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])"
           r"(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9A-Za-z])")
EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
FORMULA_START = ("=", "+", "-", "@")


def string_columns(frames, free_text_only: bool):
    """(resource, column, values) for every string field (or only free text: no pattern/enum)."""
    for resource, fields in frames.fields.items():
        frame = frames.get(resource)
        if frame is None:
            continue
        for spec in fields:
            if spec.get("type", "string") != "string" or spec["name"] not in frame.columns:
                continue
            constraints = spec.get("constraints", {})
            if free_text_only and ("pattern" in constraints or "enum" in constraints):
                continue
            yield resource, spec["name"], frame[spec["name"]].dropna()


def mask(text: str, keep_start: int, keep_end: int) -> str:
    """`text` with its middle hidden, so a report never repeats the personal data it found."""
    hidden = max(len(text) - keep_start - keep_end, 0)
    return text[:keep_start] + "*" * hidden + text[len(text) - keep_end:]


def _personal(frames, pattern: str, keep: tuple[int, int]):
    for resource, column, values in string_columns(frames, free_text_only=True):
        found = values.str.extract(f"({pattern})", expand=False).dropna()
        if len(found):
            shown = found.map(lambda value: mask(value, *keep))
            yield Hits(resource, column, pd.DataFrame({"found": shown}))


@business(
    "personal-phone", "error", "文字中含手机号码", PRIVACY,
    "名称、摘要、说明等文字字段不能含手机号码(个人信息不能公开到网站上)。",
    "含手机号码 {found}。个人信息不能公开,请删除号码或改写为单位的办公电话。",
    "contains a mobile phone number {found}; remove it",
)
def phone(frames, policy):
    yield from _personal(frames, PHONE, (3, 4))


@business(
    "personal-id-card", "error", "文字中含身份证号码", PRIVACY,
    "文字字段不能含 18 位居民身份证号码。",
    "含身份证号码 {found}。个人信息不能公开,请删除。",
    "contains an ID card number {found}; remove it",
)
def id_card(frames, policy):
    yield from _personal(frames, ID_CARD, (4, 2))


@business(
    "personal-email", "error", "文字中含电子邮箱", PRIVACY,
    "文字字段不能含电子邮箱地址。",
    "含电子邮箱 {found}。个人信息不能公开,请删除或改写为单位的公开邮箱说明。",
    "contains an e-mail address {found}; remove it",
)
def email(frames, policy):
    yield from _personal(frames, EMAIL, (1, 0))


@business(
    "formula-injection", "error", "单元格以公式符号开头",
    "OWASP CSV Injection;本站提供 CSV/XLSX 下载",
    "文字单元格不能以 = + - @ 开头,否则用 Excel 打开下载文件时会被当作公式执行。",
    "以“{start}”开头,Excel 会把它当作公式。请删除开头的符号,或改写这段文字。",
    "starts with {start}: a spreadsheet would run it as a formula",
)
def formula(frames, policy):
    for resource, column, values in string_columns(frames, free_text_only=False):
        bad = values[values.str.startswith(FORMULA_START)]
        if len(bad):
            yield Hits(resource, column, pd.DataFrame({"start": bad.str[0]}))
