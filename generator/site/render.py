"""Rendering: every page spec written through its Jinja2 template to Markdown under the docs
folder, with relative links, the escaping environment and a checked front matter."""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import quote

import jinja2
import yaml
from markupsafe import Markup

from generator.cache import fingerprint, use
from generator.errors import SiteBuildError
from generator.package.load import Package
from generator.package.text import is_identifier, visible
from generator.site import charts, filters
from generator.site.pages import Page

TEMPLATES = Path(__file__).parent / "templates"
CITY = "本市"  # the city's name when none is given (a page rendered alone, in a test)


def output_depth(path: str) -> int:
    """How many folders deep a page's HTML lands with directory URLs (`a/b.md` → `a/b/`: 2)."""
    parts = path.removesuffix(".md").split("/")
    return len(parts) - 1 if parts[-1] == "index" else len(parts)


@jinja2.pass_context
def _link(context, target: str) -> Markup:
    """Relative Markdown link from the page being rendered to `target` (a docs path)."""
    here = posixpath.dirname(context["page_path"]) or "."
    if not all(is_identifier(part) for part in target.split("/")):
        raise SiteBuildError(f"页面 {context['page_path']} 的链接目标 {visible(target)!r} "
                             "不是由标识符组成的路径")
    return Markup(quote(posixpath.relpath(target, here), safe="/.-_~#"))


def environment(cache_dir: Path | None = None) -> jinja2.Environment:
    """The Jinja environment for Markdown: every value from data is escaped on output.

    With `cache_dir`, compiled templates are kept there (checked against their source by Jinja,
    in a folder named by the fingerprint of this module and the library versions) so a build
    compiles only the templates that changed.
    """
    cache = None
    if cache_dir is not None:
        folder = use(cache_dir / fingerprint([], code=(__name__,)))
        folder.mkdir(parents=True, exist_ok=True)
        cache = jinja2.FileSystemBytecodeCache(str(folder))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        bytecode_cache=cache,
        autoescape=True,
        finalize=filters.md_escape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(filters.FILTERS)
    env.globals["link"] = _link
    return env


def source_files(package: Package, sources: Iterable[str]) -> list[str]:
    """The data file names behind a page's resources (policy.yaml passes through)."""
    paths = {r["name"]: r["path"] for r in package.descriptor["resources"]}
    return sorted({paths.get(s, s) for s in sources})


def render(pages: list[Page], drawn: dict[str, charts.Chart], docs_dir: Path,
           updated: Callable[[list[str]], dt.date], package: Package,
           cache_dir: Path | None = None,
           aliases: dict[str, tuple[str, ...]] | None = None, city: str = CITY) -> list[Path]:
    """Write every page under `docs_dir`; only files whose text changed are rewritten.

    `cache_dir` keeps the compiled templates between builds (see `environment`). `aliases`
    (page title → short names) are written on the entity pages; `city` is the city's name every
    template may use. Both come from the publisher file.
    """
    env = environment(cache_dir)
    written = []
    for page in pages:
        context = dict(page.context)
        context.update(
            page_path=page.path,
            root="../" * output_depth(page.path),
            drawn=drawn,
            illustrative=package.illustrative,
            updated=updated(source_files(package, page.sources)),
            aliases=aliases or {},
            city=city,
        )
        text = env.get_template(page.template).render(context)
        check_front_matter(page.path, text)
        target = docs_dir / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


def check_front_matter(path: str, text: str) -> None:
    """SiteBuildError naming the page when its front matter is not a YAML mapping."""
    if not text.startswith("---\n"):
        return
    block = text[4:].split("\n---\n", 1)[0]
    try:
        meta = yaml.safe_load(block)
    except yaml.YAMLError as exc:
        meta = exc
    if not isinstance(meta, dict):
        raise SiteBuildError(f"页面 {path} 的页首(front matter)无法解析:{visible(meta)[:200]}")
