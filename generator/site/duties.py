"""What the plan asks: the `plan` section of the publisher file (说明 → 政策依据).

The plan (实施方案) a city follows, its title, where it is officially published, and each duty it
sets — who must do what by when, under which section — with the site page that shows how that
duty stands. Another city replaces the section; a publisher file without one has no such list.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from generator.errors import ConfigurationError

# Every key of a duty, with the Chinese name an error message uses.
DUTY_KEYS = {
    "title": "职责名称",
    "section": "方案条款",
    "who": "责任单位",
    "what": "要做什么",
    "when": "时限",
    "page": "查看进展的页面",
    "page_title": "页面名称",
}


@dataclass(frozen=True)
class Duty:
    title: str
    section: str
    who: str
    what: str
    when: str
    page: str  # the docs path of the page that shows how it stands, e.g. coverage/index.md
    page_title: str


@dataclass(frozen=True)
class Plan:
    title: str
    url: str  # the official publication (https), or "" when none is configured
    duties: tuple[Duty, ...]


def parse(raw: object, name: str) -> Plan | None:
    """The Plan of the `plan` section (None when the file has none); ConfigurationError naming
    every missing or bad key."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ConfigurationError(f"{name} 的 plan(实施方案)应为键值映射")
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ConfigurationError(f"{name} 缺少 plan.title(实施方案名称)")
    duties = raw.get("duties")
    if not isinstance(duties, list) or not duties:
        raise ConfigurationError(f"{name} 缺少 plan.duties(实施方案规定的职责列表)")
    return Plan(title.strip(), _url(raw.get("url"), name),
                tuple(_duty(item, f"{name} 的 plan.duties[{i}]") for i, item in enumerate(duties)))


def _url(raw: object, name: str) -> str:
    """The official publication's https URL, or "" when none is given."""
    if raw in (None, ""):
        return ""
    text = raw.strip() if isinstance(raw, str) else ""
    url = urlsplit(text)
    if url.scheme != "https" or not url.netloc or any(c.isspace() for c in text):
        raise ConfigurationError(
            f"{name} 的 plan.url(实施方案正式发布网址)应以 https:// 开头,现为 {raw!r}")
    return url.geturl()


def _duty(raw: object, where: str) -> Duty:
    if not isinstance(raw, dict):
        raise ConfigurationError(f"{where} 应为键值映射")
    missing = [f"{key}({title})" for key, title in DUTY_KEYS.items()
               if not isinstance(raw.get(key), str) or not raw[key].strip()]
    if missing:
        raise ConfigurationError(f"{where} 缺少 {'、'.join(missing)}(应为文字)")
    return Duty(**{key: raw[key].strip() for key in DUTY_KEYS})
