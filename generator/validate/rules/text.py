"""Text rules: no personal data on a public site, no formula-like cells in the downloads."""

from __future__ import annotations

import pandas as pd

from generator.package.text import is_identifier, visible
from generator.validate.rules.base import EACH, Hits, business
from generator.validate.rules.contract import NEEDED
from generator.validate.rules.texts import EMAIL, ID_CARD, PHONE, mask, normalise

PRIVACY = "《中华人民共和国政府信息公开条例》第十五条(不公开个人隐私)"
FORMULA_START = ("=", "+", "-", "@")


def string_columns(frames, free_text_only: bool):
    """(resource, column, values) for every string field; with `free_text_only`, those whose
    values are not fixed by the descriptor (`enum`), checked character by character (`uscc`)
    or codes and periods (the keys the contract fixes, `*_code`: identifiers), whatever their
    `pattern`."""
    for resource, fields in frames.fields.items():
        frame = frames.get(resource)
        if frame is None:
            continue
        keys = set(NEEDED.get(resource, ((), {}))[0])
        for spec in fields:
            if spec.get("type", "string") != "string" or spec["name"] not in frame.columns:
                continue
            constraints = spec.get("constraints") or {}
            name = spec["name"]
            if free_text_only and ("enum" in constraints or name == "uscc" or name in keys
                                   or name.endswith("_code")):
                continue
            yield resource, spec["name"], frame[spec["name"]].dropna()


def _personal(frames, pattern: str, keep: tuple[int, int]):
    hotlines = getattr(frames, "hotlines", ())
    for resource, column, values in string_columns(frames, free_text_only=True):
        # texts repeat (a roster's 160,000 names hold 3,000): each distinct one is searched once
        texts = values.drop_duplicates()
        texts = texts[texts.str.contains(r"[0-9@\uff10-\uff19\uff20]", regex=True)]
        if not len(texts):
            continue
        plain = texts.map(lambda text: normalise(text, hotlines))
        found = plain.str.extract(f"({pattern})", expand=False).dropna()
        if len(found):
            shown = dict(zip(texts[found.index], found.map(lambda value: mask(value, *keep)),
                             strict=True))
            rows = values[values.isin(list(shown))]
            yield Hits(resource, column, pd.DataFrame({"found": rows.map(shown)}))


@business(
    "personal-phone", "error", "文字中含手机号码", PRIVACY,
    "名称、摘要、说明等文字不能含手机或固定电话号码(含 +86、0086、空格、短横线、全角数字等写法);"
    "policy.yaml 的 public_hotlines 列出的公共服务热线除外。",
    "含电话号码 {found}。个人信息不能公开,请删除号码或改写为单位的办公电话。",
    "contains a phone number {found}; remove it",
    reads=EACH,
)
def phone(frames, policy):
    yield from _personal(frames, PHONE, (3, 4))


@business(
    "personal-id-card", "error", "文字中含身份证号码", PRIVACY,
    "文字不能含 18 位或 15 位居民身份证号码(含带空格或短横线的写法)。",
    "含身份证号码 {found}。个人信息不能公开,请删除。",
    "contains an ID card number {found}; remove it",
    reads=EACH,
)
def id_card(frames, policy):
    yield from _personal(frames, ID_CARD, (4, 2))


@business(
    "personal-email", "error", "文字中含电子邮箱", PRIVACY,
    "文字不能含电子邮箱地址(含全角 ＠ 的写法)。",
    "含电子邮箱 {found}。个人信息不能公开,请删除或改写为单位的公开邮箱说明。",
    "contains an e-mail address {found}; remove it",
    reads=EACH,
)
def email(frames, policy):
    yield from _personal(frames, EMAIL, (1, 0))


@business(
    "formula-injection", "error", "单元格以公式符号开头",
    "OWASP CSV Injection;本站提供 CSV/XLSX 下载",
    "文字单元格不能以 = + - @ 开头,否则用 Excel 打开下载文件时会被当作公式执行。",
    "以“{start}”开头,Excel 会把它当作公式。请删除开头的符号,或改写这段文字。",
    "starts with {start}: a spreadsheet would run it as a formula",
    reads=EACH,
)
def formula(frames, policy):
    for resource, column, values in string_columns(frames, free_text_only=False):
        bad = values[values.str.startswith(FORMULA_START)]
        if len(bad):
            yield Hits(resource, column, pd.DataFrame({"start": bad.str[0]}))



@business(
    "code-not-identifier", "error", "代码不是标识符", "本工具的安全要求(代码用于网页地址和文件名)",
    "代码和期间会用在网页地址、文件名和链接中:只能用英文字母、数字和 _ . -,以字母或数字开头,"
    "最长 64 个字符。",
    "代码“{value}”不能用在网页地址和文件名中:只能用英文字母、数字和 _ . -,以字母或数字开头。",
    "code {value} is not an identifier",
    reads=EACH,
)
def code_identifier(frames, policy):
    for resource, fields in frames.fields.items():
        frame = frames.get(resource)
        if frame is None:
            continue
        for spec in fields:
            name = spec["name"]
            if name in frame.columns and (name == "code" or name.endswith("_code")):
                values = frame[name].dropna()
                # codes repeat (categoricals): each distinct one is checked once
                wrong = [v for v in values.unique() if not is_identifier(v)]
                if wrong:
                    bad = values[values.isin(wrong)].astype(object)
                    yield Hits(resource, name, pd.DataFrame({"value": bad.map(visible)}))
