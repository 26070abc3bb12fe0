"""The warnings of the validation report as 数据校验报告 shows them, and what each means for
a reader, in plain words, by rule id.

The registry's `description` says what a rule checks, for the staff who fix data; a meaning says
why a citizen should care. A rule without an entry shows its description.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.site import filters

MEANINGS = {
    "too-many-errors": "这个数据表的问题太多,只列出了一部分,其中的数字还没有经过全部检查。",
    "assessment-services-short": "保险机构实际提供的事故预防服务少于合同约定,"
                                 "企业没有得到应有的服务。",
    "claims-days-to-decide": "保险机构核定赔付的平均时间超过了保险法规定的期限,"
                             "受伤职工和遇难者家属等待的时间偏长。",
    "claims-days-to-pay": "达成赔付协议后,保险机构付款的平均时间超过了保险法规定的期限。",
    "coverage-short-after-due": "实施方案规定的全覆盖期限已到,这个县区的这个行业仍有企业没有投保,"
                                "一旦发生事故,其职工可能得不到保险赔付。",
    "coverage-death-limit-low": "部分保单对每位职工死亡或伤残的赔付额度低于现行规定,"
                                "续保时应当提高。",
    "roster-policy-lapsed": "名单上标为已投保的企业,保险期限在核查时已经到期,可能已经脱保。",
    "prevention-spending-under-floor": "保险机构用于事故预防服务的钱明显少于预算,"
                                       "可能没有足额投入。",
}


def meaning(rule_id: str, description: str) -> str:
    """The reader's meaning of a warning of rule `rule_id` (else the rule's `description`)."""
    return MEANINGS.get(rule_id, description)


_DAY = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")
_MONTH = re.compile(r"(?<![\d-])(\d{4})-(\d{2})(?![\d-])")
_COUNT = re.compile(r"(?<![\d.,])(\d{4,})(\.\d+)?(?= ?(?:元|家|人|次|件|天))")


def _day(match: re.Match) -> str:
    try:
        return filters.date_zh(match[0])
    except ValueError:  # not a day of the calendar: shown as written
        return match[0]


def reader_text(message: str) -> str:
    """A rule's message as the site writes figures: 2025-12 → 2025年12月, 2024-12-31 →
    2024年12月31日, 350000 元 → 350,000 元 (a number before its unit; codes are left alone)."""
    message = _DAY.sub(_day, message)
    message = _MONTH.sub(lambda m: filters.period_zh(m[0]), message)
    return _COUNT.sub(lambda m: f"{int(m[1]):,}{m[2] or ''}", message)


@dataclass(frozen=True)
class WarningReport:
    """The warnings of the validation report as the validation page shows them. `warnings` is
    the list the build fills once validation has passed, after the pages are planned."""

    warnings: list
    rules: dict  # rule id → Rule
    titles: dict  # CSV file → the Chinese title of its table

    @property
    def groups(self) -> list[dict]:
        """The warnings by rule, in rule order: the rule's title, what it means for a reader,
        and each warning's table, row, column title and message."""
        groups: dict[str, dict] = {}
        for p in self.warnings:
            rule = self.rules.get(p.rule)
            group = groups.setdefault(p.rule, {
                "id": p.rule, "title": rule.title if rule else p.rule,
                "meaning": meaning(p.rule, rule.description if rule else ""),
                "items": []})
            group["items"].append({"table": self.titles.get(p.file, p.file), "row": p.row,
                                   "column": p.column_title or p.column,
                                   "message": reader_text(p.message)})
        order = list(self.rules)
        return sorted(groups.values(),
                      key=lambda g: order.index(g["id"]) if g["id"] in order else len(order))
