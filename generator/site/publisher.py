"""Who publishes the site: the publisher configuration (`publisher.yaml` in the data folder).

It names the city, the 主办单位, 承办单位, office contact, 网站标识码 and record numbers every
footer shows, the issuing office the feed and the periodic bulletins are signed by, the plan
(实施方案) the rules cite and the duties it sets (`plan`), and the site's public URL (absolute feed
links, canonical links, sitemap). Another city replaces this file with its data. A data folder
without one (a test or benchmark package) uses the repository's `data/publisher.yaml`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from generator.errors import ConfigurationError
from generator.site import duties

FILE = "publisher.yaml"
# Every key the file must give, with the Chinese name an error message uses.
KEYS = {
    "city": "城市名称",
    "site_url": "网站网址",
    "sponsor": "主办单位",
    "operator": "承办单位",
    "issuer": "发布机关",
    "contact_address": "联系地址",
    "contact_phone": "联系电话",
    "site_code": "网站标识码",
    "icp": "ICP 备案号",
    "police": "公安机关备案号",
}
# The title of the city's plan (实施方案) that the rules' sources cite, when the file gives none.
PLAN = "实施方案"


@dataclass(frozen=True)
class Publisher:
    city: str
    site_url: str
    sponsor: str
    operator: str
    issuer: str
    contact_address: str
    contact_phone: str
    site_code: str
    icp: str
    police: str
    illustrative: bool = False
    # Full name (a page title: an industry, a county, an insurer's short name, or any term) →
    # the short names people search for; the site search finds the page by any of them.
    search_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # the plan the city follows and the duties it sets (说明 → 政策依据); None when not given
    plan: duties.Plan | None = None

    @property
    def plan_title(self) -> str:
        """The plan's title as the rules' sources cite it; a generic one when none is configured."""
        return self.plan.title if self.plan else PLAN

    def as_dict(self) -> dict:
        return asdict(self)


def path(data_root: Path, project_data: Path) -> Path:
    """The publisher file a build of `data_root` reads: its own, else the one in the project's
    data folder (`project_data`)."""
    own = Path(data_root) / FILE
    return own if own.is_file() else Path(project_data) / FILE


def parse(raw: object, name: str = FILE) -> Publisher:
    """A Publisher from the parsed YAML; ConfigurationError naming every bad key at once."""
    if not isinstance(raw, dict):
        raise ConfigurationError(f"{name} 的内容应为键值映射(YAML mapping)")
    missing = [f"{key}({title})" for key, title in KEYS.items() if raw.get(key) in (None, "")]
    if missing:
        raise ConfigurationError(f"{name} 缺少 {'、'.join(missing)}")
    not_text = [f"{key}({title})" for key, title in KEYS.items() if not isinstance(raw[key], str)]
    if not_text:
        raise ConfigurationError(f"{name} 的 {'、'.join(not_text)}应为文字(数字请加引号)")
    url = urlsplit(raw["site_url"].strip())
    if url.scheme not in ("http", "https") or not url.netloc:
        raise ConfigurationError(
            f"{name} 的 site_url(网站网址)应以 http:// 或 https:// 开头,现为 {raw['site_url']!r}")
    illustrative = raw.get("illustrative", False)
    if not isinstance(illustrative, bool):
        raise ConfigurationError(f"{name} 的 illustrative 应为 true 或 false")
    values = {key: raw[key].strip() for key in KEYS}
    values["site_url"] = url.geturl().rstrip("/") + "/"
    return Publisher(**values, illustrative=illustrative,
                     search_aliases=_aliases(raw.get("search_aliases"), name),
                     plan=duties.parse(raw.get("plan"), name))


def _aliases(raw: object, name: str) -> dict[str, tuple[str, ...]]:
    """The `search_aliases` mapping (full name → list of short names); empty when not given."""
    if raw is None:
        return {}
    bad = f"{name} 的 search_aliases(搜索简称)应为“全称: [简称, …]”的映射"
    if not isinstance(raw, dict):
        raise ConfigurationError(bad)
    aliases = {}
    for full, shorts in raw.items():
        if isinstance(shorts, str):
            shorts = [shorts]
        if (not isinstance(full, str) or not full.strip() or not isinstance(shorts, list)
                or not all(isinstance(s, str) and s.strip() and len(s.split()) == 1
                           for s in shorts)):
            raise ConfigurationError(f"{bad},“{full}”一项不符(简称不含空格)")
        aliases[full.strip()] = tuple(s.strip() for s in shorts)
    return aliases


def search_words(aliases: dict[str, tuple[str, ...]]) -> list[str]:
    """The short names, once each in order: words the search's Chinese segmenter (jieba) keeps
    whole, so that a search for one finds it."""
    return list(dict.fromkeys(short for shorts in aliases.values() for short in shorts))


def load(data_root: Path, project_data: Path) -> Publisher:
    """The publisher of the package at `data_root` (else of the project's data folder);
    ConfigurationError when the file is missing, unreadable or incomplete."""
    source = path(data_root, project_data)
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigurationError(f"找不到网站发布信息文件 {source}") from exc
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConfigurationError(f"无法读取网站发布信息文件 {source}:{first}") from exc
    return parse(raw, str(source))
