"""Texts outside the tables: personal data and forbidden characters in the descriptor's and
`policy.yaml`'s texts, and the normalisation the privacy rules read every text through.

No pandas here: the checks run before any table is read.
"""

from __future__ import annotations

import re
import unicodedata

from generator.package.text import ZERO_WIDTH, code_point, describe, forbidden, strings
from generator.validate.report import Problem
from generator.validate.rules.base import declare, problem

PRIVACY = "《中华人民共和国政府信息公开条例》第十五条(不公开个人隐私)"
# matched on normalised text (see `normalise`): full-width forms folded, separators between
# digits and zero-width characters removed
PHONE = (r"(?<![0-9+])(?:\+?86|0086)?1[3-9][0-9]{9}(?![0-9])"
         r"|(?<![0-9+])(?:0[1-9][0-9]{1,2}|(?:\+?86|0086)[1-9][0-9]{1,2})[2-8][0-9]{6,7}(?![0-9])")
_DAY = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
ID_CARD = (rf"(?<![0-9A-Za-z])[1-9][0-9]{{5}}(?:(?:18|19|20)[0-9]{{2}}{_DAY}[0-9]{{3}}[0-9Xx]"
           rf"|[0-9]{{2}}{_DAY}[0-9]{{3}})(?![0-9A-Za-z])")
EMAIL = (r"[^\s@<>()\[\],;:\"'“”‘’()【】,。;:、]+@[A-Za-z0-9\u00a0-\uffff-]+"
         r"(?:\.[A-Za-z0-9\u00a0-\uffff-]+)*\.[A-Za-z\u00a0-\uffff]{2,}")
SEPARATORS = re.compile(r"(?<=[0-9])[\s\-\u2010-\u2015.·()()/]+(?=[0-9])")
OPENING = re.compile(r"[(（]\s*(?=(?:\+?86|0086)?[0-9])")


def normalise(text: str, hotlines: tuple[str, ...] = ()) -> str:
    """`text` as the privacy rules read it: NFKC (full-width digits and ＠ folded), zero-width
    characters and the separators people put inside numbers removed, public hotlines blanked."""
    text = ZERO_WIDTH.sub("", unicodedata.normalize("NFKC", text))
    text = SEPARATORS.sub("", OPENING.sub("", text))
    for number in hotlines:
        text = re.sub(rf"(?<![0-9]){re.escape(number)}(?![0-9])", " ", text)
    return text


def mask(text: str, keep_start: int, keep_end: int) -> str:
    """`text` with its middle hidden, so a report never repeats the personal data it found."""
    hidden = max(len(text) - keep_start - keep_end, 0)
    return text[:keep_start] + "*" * hidden + text[len(text) - keep_end:]


def personal_data(text: str, hotlines: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(rule id, masked value) for each kind of personal data in `text`."""
    plain = normalise(text, hotlines)
    found = []
    for rule, pattern, keep in PERSONAL:
        match = re.search(pattern, plain)
        if match:
            found.append((rule, mask(match.group(), *keep)))
    return found


PERSONAL = (("personal-phone", PHONE, (3, 4)), ("personal-id-card", ID_CARD, (4, 2)),
            ("personal-email", EMAIL, (1, 0)))

KINDS_ZH = {"personal-phone": ("电话号码", "phone number"),
            "personal-id-card": ("身份证号码", "ID card number"),
            "personal-email": ("电子邮箱", "e-mail address")}

declare("text-personal-data", "error", "描述文件或政策参数文件中含个人信息", PRIVACY,
        "datapackage.json 和 policy.yaml 的文字(名称、说明、依据等)同样会公开到网站上,"
        "不能含电话号码、身份证号码或电子邮箱。", "file",
        "{where} 含{kind} {found}。个人信息不能公开,请删除。",
        "{where} contains a {kind_en} {found}; remove it")


def public_hotlines(policy: object) -> tuple[str, ...]:
    """The numbers `policy.yaml` lists under `public_hotlines.numbers`, as digit strings."""
    entry = policy.get("public_hotlines") if isinstance(policy, dict) else None
    numbers = entry.get("numbers") if isinstance(entry, dict) else None
    return tuple(str(n) for n in numbers if isinstance(n, str | int)) if isinstance(
        numbers, list) else ()


def texts_problems(file: str, value: object, hotlines: tuple[str, ...] = (),
                   characters: bool = True) -> list[Problem]:
    """Personal data (and, with `characters`, forbidden characters) in every string of a
    parsed JSON or YAML document, keys included, each named by its place."""
    problems = []
    for where, text in strings(value):
        char = forbidden(text) if characters else None
        if char:
            kind, kind_en = describe(char)
            problems.append(problem("text-forbidden-char", file, where=f"{where} ",
                                    code=code_point(char), kind=kind, kind_en=kind_en))
        for rule, found in personal_data(text, hotlines):
            kind, kind_en = KINDS_ZH[rule]
            problems.append(problem("text-personal-data", file, where=where, kind=kind,
                                    kind_en=kind_en, found=found))
    return problems
