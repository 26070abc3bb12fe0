"""Across builds, keep what MkDocs does for a page whose Markdown did not change: its conversion to
HTML, and the Chinese word segmentation (jieba) of the search index's text.

A build that follows a one-month change of the data rewrites every page (each carries the date its
data was updated) but changes little else in most of them. So a page's conversion is kept under
the hash of: its Markdown with the date line (`<p class="azx-updated">…</p>`, a raw HTML block
that Markdown passes through as it is) replaced by a mark; the page's own paths; the paths of the
files whose names occur in its Markdown (the only files its links can resolve to); mkdocs.yml;
the settings applied to it by the build; the versions of the libraries (`cache.LIBRARIES`) and
the source of this module. The kept HTML gets the page's date back in place of the mark. Search
index keeps each page's sections (Material's HTML parsing; a page without a date line, such as a
bulletin, under its HTML as it is), each section's index entries (under the section's id, title
and text and the page's address, title, metadata and table of contents) and the segmentation of
each run of Han characters, which is how Material's search plugin hands text to `jieba.cut`,
under the same fingerprint plus the user dictionary's bytes.

Pages whose conversion is not kept are shared with a forked child when there are many
(`mkdocs_split`, started by a plugin added to the loaded config): it converts and parses its
share, and its work lands in the store under the keys above, taken as a kept entry would be
(`render`, `take`) but not counted as kept. To tell how many pages are new before MkDocs reads
them, `new_page` computes a page's key from its source; `render` reuses it for the same Markdown.

The theme's templates are compiled once: their Jinja bytecode is kept in the same file, given to
the build's Jinja environment from MkDocs's `on_env` event by a plugin added to the loaded config
(never to mkdocs.yml); Jinja checks each against its template's source. The same plugin hands
MkDocs an environment whose page templates keep each page's HTML from the theme (`_KeptEnv`),
under: every setting of the loaded config (mkdocs.yml's bytes stand for the objects it sets; the
build's `extra`, the publisher, must be plain data), the theme's folders and the bytes of those no
library holds, the navigation (each item's kind, title, address, metadata and children), the list
of pages, the page's paths, addresses, title, metadata, neighbours, ancestors, table of contents
and HTML with the date line marked. The context's other values (`_loose`: the build's date, which
`azx build` sets to the data's date, among them), which must be plain data, are kept beside the
HTML with the names of the templates its render loaded (Jinja's `Environment._load_template`, which
every `get_template`, `select_template`, extends, include and import goes through): the HTML is
taken when each value that changed since is one whose name none of those templates' sources holds
and no context-passing filter, test or global of the environment reads (`_readers`; any other
extension or such function: every value counts). A template reads a context value only by its
name, so a render whose every read gives what it gave last time loads the same templates and
writes the same HTML; neither Material nor our overrides read the date, so a build of a new data
commit keeps the theme's HTML, and a template that names `build_date_utc` makes the date count.
The theme's HTML must hold the mark exactly once (the page's content, shown once), else nothing
is kept; a render that logged a warning is not kept.

MkDocs and Material internals relied on (checked for mkdocs 1.6.x; any other version builds as
usual, without the cache):
- `mkdocs.structure.pages.Page.render(config, files)` is replaced for the build. It sets
  `content`, `toc` (a `TableOfContents`, kept pickled), `_title_from_render`,
  `present_anchor_ids` and `links_to_anchors` ({File: {anchor: link}}, set only when the
  `mkdocs.structure.pages` logger is above DEBUG); a cache hit sets the same attributes.
- Material's search plugin segments each Han run with `jieba.cut` and loads the user dictionary
  with `jieba.load_userdict` in `on_config` (both looked up on the `jieba` module at call time).
  For the build, `cut` is a memo of the original, and the user dictionary is loaded (with jieba's
  own, ~0.8 s) just before the first text that is not kept: a build whose texts are all kept
  never loads them. A build that loaded them writes the whole dictionary, user words added, to
  the file beside the kept one (`lexicon_of`), by first character; later builds cut a new text
  with the entries of its characters alone (`_Lexicon`), read in milliseconds. jieba 0.42's
  accurate mode with HMM (`cut(text)`, Material's call) looks up `FREQ` only for substrings of the
  text (`get_DAG`, `calc`, `__cut_DAG`) and otherwise uses `total` and its HMM model, whose only
  dictionary input is the words forced apart (a user word of frequency 0: then no file is written).
- Material's `SearchIndex.add_entry_from_context(page)` (9.x) is replaced for the build by the
  same steps (skip `search.exclude` pages; `Parser().feed(page.content)`; each section of
  `parser.data` not `is_excluded()` goes to `create_entry_for_section(section, page.toc,
  page.url, page)`), with the parsed sections kept under the page's HTML, date marked likewise,
  and what `create_entry_for_section` appended to `entries` (it reads only the section, the
  table of contents, the address and the page's title and metadata) kept for the same inputs.
- `mkdocs.commands.build._build_page` renders a page with `env.get_template(name)` and
  `.render(context)`, where `env` is what the `on_env` event returned and `context` holds `page`
  (its `content` after the `page_context` event), `nav`, `pages`, `config` and plain values.
Fails safe: another MkDocs or Material version (that part only), an unreadable or foreign cache
file, a page whose conversion logged a warning (never kept, so strict builds still fail on it), or
a date mark that does not come out exactly once all mean the normal conversion or parsing. The
file is written only after MkDocs succeeded, and holds only the entries that build used.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import marshal
import pickle
import re
import tempfile
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from urllib.parse import unquote

import jinja2
import jinja2.bccache
from material.plugins.search import plugin as search_plugin  # type: ignore[import-untyped]
from mkdocs.plugins import BasePlugin

from generator import cache
from generator.site import mkdocs_split

SUPPORTED = ("1.6.",)  # MkDocs versions whose Page.render this module knows
MATERIAL = ("9.",)  # Material versions whose search index this module knows
JIEBA = ("0.42.",)  # jieba versions whose dictionary lookups `_Lexicon` knows
FORMAT = 4
KINDS = ("pages", "words", "sections", "templates", "html", "entries")
# The date line of _base.md.j2; its text only letters, digits and spaces, which neither Markdown
# nor the search's HTML parser treat in any way, as they do not treat the mark.
DATE = r'(<p class="azx-updated">)((?:[^\W_]| )*)(</p>)'
DATE_LINE = re.compile(rf"^{DATE}$", re.M)
HTML_DATE = re.compile(DATE)
MARK = "AZXUPDATEDDATEMARK"
NAME = re.compile(r"[\w.~%+-]+")  # a link's last path component is one of these tokens
_unquote = functools.lru_cache(maxsize=1 << 16)(unquote)  # pages repeat tokens (100.0%)


class _Warned(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen = False

    def emit(self, record: logging.LogRecord) -> None:
        self.seen = True


@contextmanager
def _watched():
    """A `_Warned` that sees the warnings MkDocs and its extensions log in the block."""
    warned = _Warned()
    loggers = [logging.getLogger(), logging.getLogger("mkdocs")]
    for logger in loggers:
        logger.addHandler(warned)
    try:
        yield warned
    finally:
        for logger in loggers:
            logger.removeHandler(warned)


class _Store:
    def __init__(self, path: Path, context: str) -> None:
        self.path, self.context = path, context
        kept = cache.load(path)
        valid = isinstance(kept, tuple) and len(kept) == 3 and kept[:2] == (FORMAT, context)
        parts = kept[2] if valid else {}
        # each a dict: page conversions, jieba segmentations, search sections, template bytecode,
        # pages' HTML from the theme, search index entries
        self.pages, self.words, self.sections, self.templates, self.html, self.kept_entries = (
            parts.get(name, {}) for name in KINDS)
        self.used: dict[str, dict] = {name: {} for name in KINDS}
        (self.used_pages, self.used_words, self.used_sections, self.used_templates,
         self.used_html, self.used_entries) = (self.used[name] for name in KINDS)
        self.names: tuple[int, dict] | None = None
        self.site: tuple[tuple, bytes | None] | None = None  # `_site_digest`'s objects, digest
        self.loading: set[str] | None = None  # the templates loaded by the page render under way
        self.recording = False  # whether `loading` sees every template a render loads
        self.mentioned: dict[tuple[str, str], bool] = {}  # `_mentions`, once a build
        self.readers: tuple[jinja2.Environment, frozenset[str] | None] | None = None
        self.hits = 0
        self.dictionaries: list = []  # user dictionaries, loaded before the first new text
        self.load_userdict: Callable[[str], object] = print  # jieba's, set by `kept`
        self.lexicon = _Lexicon.open(lexicon_of(path), context)
        self.loaded = False  # whether jieba's dictionaries were loaded for a new text
        self.keys: dict[str, tuple] = {}  # `new_page`'s: (files, detailed, key, Markdown)
        self.split = None  # the child converting new pages (`mkdocs_split.Split`), if any

    def save(self) -> None:
        cache.store(self.path, (FORMAT, self.context, self.used))
        if self.loaded and self.lexicon is None:
            _Lexicon.write(lexicon_of(self.path), self.context)

    def _by_name(self, files) -> dict:
        if self.names is None or self.names[0] != id(files):
            by_name: dict[str, list[str]] = {}
            for f in files:
                name = f.src_uri.rsplit("/", 1)[-1]
                line = f"{f.src_uri}\0{f.dest_uri}\0{f.url}\0{f.inclusion}"
                by_name.setdefault(name, []).append(line)
                if not NAME.fullmatch(name):  # not one token: in every page's key ("" is none)
                    by_name.setdefault("", []).append(line)
            self.names = (id(files), by_name)
        return self.names[1]

    def key(self, file, text: str, files, detailed: bool) -> str:
        """The conversion key of the page of `file` whose Markdown, date marked, is `text`."""
        tokens = set(NAME.findall(text))
        tokens |= {_unquote(t) for t in tokens if "%" in t}
        by_name = self._by_name(files)
        linked = sorted(line for name in tokens & by_name.keys() | {""} & by_name.keys()
                        for line in by_name[name])
        digest = hashlib.sha256(self.context.encode())
        for part in (file.src_uri, file.dest_uri, file.url, str(file.inclusion), str(detailed),
                     text, *linked):
            digest.update(part.encode() + b"\0\1")
        return digest.hexdigest()

    def new_page(self, file, files) -> bool:
        """Whether the conversion of `file`'s page (its source as MkDocs reads it) would be kept
        and is not; its key is kept for `render`."""
        from mkdocs.structure import pages as mkdocs_pages
        from mkdocs.utils import meta

        try:
            markdown = meta.get_data(file.content_string)[0]
        except Exception:  # MkDocs reports it when it reads the page
            return False
        marked = _marked(markdown)
        if marked is None:
            return False
        detailed = mkdocs_pages.log.getEffectiveLevel() > logging.DEBUG
        key = self.key(file, marked[0], files, detailed)
        self.keys[file.src_uri] = (id(files), detailed, key, markdown)
        return key not in self.pages

    def render(self, original, page, config, files) -> None:
        """`Page.render` (`original`) of `page`, or what it set last time."""
        from mkdocs.structure import pages as mkdocs_pages

        marked = _marked(page.markdown or "")
        if marked is None:
            original(page, config, files)
            return
        text, date = marked
        detailed = mkdocs_pages.log.getEffectiveLevel() > logging.DEBUG
        known = self.keys.pop(page.file.src_uri, None)
        key = (known[2] if known is not None and known[:2] == (id(files), detailed)
               and known[3] == page.markdown else self.key(page.file, text, files, detailed))
        kept = self.pages.get(key)
        child = self.split.conversion(page.file, key) if self.split is not None else None
        found = kept if kept is not None else child  # the child's is converted, not kept
        if found is not None:
            content, toc, title, anchors, links = found
            targets = {uri: files.get_file_from_path(uri) for uri in links or {}}
            if None not in targets.values():
                page.content = content if date is None else content.replace(MARK, date)
                page.toc = pickle.loads(toc)
                page._title_from_render = title
                page.present_anchor_ids = set(anchors)
                if detailed:
                    page.links_to_anchors = {targets[u]: dict(a) for u, a in links.items()}
                self.used_pages[key] = found
                self.hits += kept is not None
                return
        self._convert(original, page, config, files, date, key, detailed)

    def _convert(self, original, page, config, files, date, key, detailed) -> None:
        """The normal conversion, of the page's Markdown with the mark in place of the date
        (the date goes back in afterwards); kept when it logged no warning."""
        markdown_text = page.markdown
        page.markdown = DATE_LINE.sub(rf"\g<1>{MARK}\g<3>", markdown_text)
        try:
            with _watched() as warned:
                original(page, config, files)
        finally:
            page.markdown = markdown_text
        content, title = page.content, page._title_from_render
        toc = pickle.dumps(page.toc, protocol=pickle.HIGHEST_PROTOCOL)
        if (content.count(MARK) != (date is not None) or MARK.encode() in toc
                or MARK in str(title)):
            original(page, config, files)  # the mark reached more than the date line
            return
        if date is not None:
            page.content = content.replace(MARK, date)
        if warned.seen:
            return
        links = page.links_to_anchors if detailed else None
        self.used_pages[key] = (
            content, toc, title, sorted(page.present_anchor_ids or ()),
            {f.src_uri: dict(a) for f, a in (links or {}).items()})

    def parse(self, parser, content: str) -> list:
        """Material's search `Parser`'s sections of a page's HTML `content`; kept under the HTML
        with the date line's text (if it has one) replaced by the mark."""
        dates = HTML_DATE.findall(content)
        if len(dates) > 1 or MARK in content:
            return _sections(parser, content)
        date = dates[0][1] if dates else None
        marked = HTML_DATE.sub(rf"\g<1>{MARK}\g<3>", content)
        key = hashlib.sha256(f"{self.context}\0{marked}".encode()).hexdigest()
        kept = self.sections.get(key)
        if kept is None:
            sections = _sections(parser, marked)
            # the marks in the sections' texts (none spans a "\0") and ids
            texts = "\0".join("\0".join((*s.title, *s.text)) for s in sections)
            if (texts.count(MARK) != (date is not None)
                    or MARK in repr([s.id for s in sections])):
                return _sections(parser, content)
            self.used_sections[key] = pickle.dumps(sections, protocol=pickle.HIGHEST_PROTOCOL)
        else:
            self.used_sections[key] = kept
            sections = pickle.loads(kept)
        if date is not None:
            for section in sections:
                section.title = [t.replace(MARK, date) for t in section.title]
                section.text = [t.replace(MARK, date) for t in section.text]
        return sections

    def take(self, sections: dict, entries: dict, words: dict, loaded: bool) -> None:
        """The search's work of a child (`mkdocs_split`): parsed sections, index entries and
        segmentations, each under the key this store looks it up by, as if kept."""
        self.sections.update(sections)
        self.kept_entries.update(entries)
        self.words.update(words)
        self.used_words.update(words)  # what this process would have cut
        if loaded:  # jieba's dictionaries as they were there, for the lexicon `save` writes
            while self.dictionaries:
                self.load_userdict(self.dictionaries.pop(0))
            self.loaded = True

    def page_html(self, template, name: str, context: dict) -> str:
        """`template.render(context)`, the theme's HTML of the page of `context` (template `name`),
        or what it was when the same inputs last reached the theme; kept with the date line's text
        replaced by the mark, as the page's conversion is. The context's loose values (`_loose`)
        are kept beside it with the templates that render loaded: a loose value that changed
        since then counts only when one of those templates mentions its name."""
        page = context["page"]
        content = page.content or ""
        dates = HTML_DATE.findall(content)
        loose = _loose(context)
        key = self._html_key(name, context, content) if len(dates) < 2 and loose else None
        if key is None or loose is None or MARK in content:
            return template.render(context)
        date = dates[0][1] if dates else None
        kept = self.html.get(key)
        if kept is not None and self._same(template.environment, loose, *kept[:2]):
            html, loaded = kept[2], kept[1]
        else:
            page.content = HTML_DATE.sub(rf"\g<1>{MARK}\g<3>", content)
            self.loading = {name}
            try:
                with _watched() as warned:
                    html = template.render(context)
            finally:
                page.content, seen, self.loading = content, self.loading, None
            if html.count(MARK) != (date is not None):  # the mark reached more than the content
                return template.render(context)
            if warned.seen:  # never kept: a build that takes it would not warn
                return html if date is None else html.replace(MARK, date)
            loaded = tuple(sorted(seen)) if self.recording else None
        self.used_html[key] = (loose, loaded, html)
        return html if date is None else html.replace(MARK, date)

    def _same(self, env: jinja2.Environment, loose: dict[str, str], was: dict[str, str],
              loaded: tuple[str, ...] | None) -> bool:
        """Whether a render whose loose values were `was` and that loaded the templates `loaded`
        would read the same values from `loose`: every value that changed is one whose name
        none of those templates mentions, nor the environment's own code reads (`_readers`)."""
        changed = {n for n in loose.keys() | was.keys() if loose.get(n) != was.get(n)}
        if not changed:
            return True
        if self.readers is None or self.readers[0] is not env:
            self.readers = (env, _readers(env))
        readers = self.readers[1]
        return loaded is not None and readers is not None and not changed & readers and not any(
            self._mentions(env, template, n.rsplit(".", 1)[-1])
            for template in loaded for n in changed)

    def _mentions(self, env: jinja2.Environment, template: str, name: str) -> bool:
        """Whether the source of `template` (as the environment's loader gives it) holds `name`;
        once a build. A template the loader no longer finds mentions every name."""
        if (template, name) not in self.mentioned:
            try:
                source = env.loader.get_source(env, template)[0] if env.loader else None
            except jinja2.TemplateNotFound:
                source = None
            self.mentioned[template, name] = source is None or name in source
        return self.mentioned[template, name]

    def _html_key(self, name: str, context: dict, content: str) -> str | None:
        """The fingerprint of what the theme reads to write a page, its loose values (`_loose`)
        aside: the site (`_site_digest`), the template's name and the page's own: paths,
        addresses, title, metadata, neighbours, ancestors, table of contents and its HTML with
        the date line marked. None (not kept) when the metadata or `extra` is not plain data."""
        page = context["page"]
        site = self._site_digest(context["config"], context["nav"], context["pages"])
        if site is None or not _plain(page.meta):
            return None  # (`extra`, set by the build, is the one setting not from mkdocs.yml)
        digest = hashlib.sha256(site)
        neighbours = [p.url if p is not None else None
                      for p in (page.previous_page, page.next_page)]
        for part in (name, page.file.src_uri, page.file.dest_uri, page.url,
                     str(page.canonical_url), str(page.abs_url), str(page.edit_url),
                     str(page.title), repr(page.meta), str(page.is_homepage), repr(neighbours),
                     repr([str(a.title) for a in page.ancestors]),
                     HTML_DATE.sub(rf"\g<1>{MARK}\g<3>", content)):
            digest.update(part.encode() + b"\0\1")
        digest.update(pickle.dumps(page.toc, protocol=pickle.HIGHEST_PROTOCOL))
        return digest.hexdigest()

    def _site_digest(self, config, nav, pages) -> bytes | None:
        """What every page's HTML depends on besides the page, once a build: the context
        (mkdocs.yml, libraries, this module), every setting of the loaded config, the files of
        the theme's folders that no library holds, the navigation and the list of pages; None
        (nothing kept) when the config's `extra`, set by the build, is not plain data (it is the
        one setting not from mkdocs.yml)."""
        objects = (config, nav, pages)
        if self.site is None or any(a is not b for a, b in zip(self.site[0], objects, strict=True)):
            if not _plain(dict(config.extra)):
                self.site = (objects, None)
                return None
            digest = hashlib.sha256(self.context.encode())
            homepage = nav.homepage.url if nav.homepage is not None else None
            for part in (_stable(config), _theme_files(config.theme.dirs), repr(_nav(nav.items)),
                         str(homepage), repr([(f.src_uri, f.dest_uri, f.url) for f in pages])):
                digest.update(part.encode() + b"\0\1")
            self.site = (objects, digest.digest())
        return self.site[1]

    def entries(self, index, sections: list, page) -> None:
        """Material's `index.create_entry_for_section` of each of a page's `sections`, or the
        entries it added for the same section of the same page last time: kept under the
        section's id, title and text, the page's address, title, metadata and table of contents
        (what it reads) and the context (whose dictionaries decide the segmentation)."""
        if not _plain(page.meta):
            for section in sections:
                index.create_entry_for_section(section, page.toc, page.url, page)
            return
        start = hashlib.sha256(self.context.encode())
        for part in (page.url, str(page.title), repr(page.meta)):
            start.update(part.encode() + b"\0\1")
        start.update(pickle.dumps(page.toc, protocol=pickle.HIGHEST_PROTOCOL))
        for section in sections:
            digest = start.copy()
            for part in (str(section.id), "\0".join(section.title), "\0".join(section.text)):
                digest.update(part.encode() + b"\0\1")
            key = digest.hexdigest()
            kept = self.kept_entries.get(key)
            if kept is None:
                before = len(index.entries)
                index.create_entry_for_section(section, page.toc, page.url, page)
                kept = index.entries[before:]
            else:
                index.entries.extend(kept)
            self.used_entries[key] = kept

    def cut(self, original, sentence, cut_all=False, HMM=True, use_paddle=False):
        """jieba's `cut` (`original`), or its words for the same text in this build or the last
        one (pages repeat texts: a province's build cuts about 2,000 texts 30,000 times)."""
        key = (sentence, cut_all, HMM, use_paddle)
        words = self.used_words.get(key)
        if words is None:
            words = self.words.get(key)
        if words is None and self.lexicon is not None and key[1:] == (False, True, False):
            words = self.lexicon.cut(sentence)
            if words is None:  # unreadable: written again after this build
                self.lexicon = None
        if words is None:
            load_dictionary()  # jieba's dictionaries load only for a text not kept
            while self.dictionaries:
                self.load_userdict(self.dictionaries.pop(0))
            self.loaded = True
            words = tuple(original(sentence, cut_all, HMM, use_paddle))
        self.used_words[key] = words
        return iter(words)


def _marked(markdown: str) -> tuple[str, str | None] | None:
    """A page's Markdown with its date line's text replaced by the mark, and that text (None
    when it has no date line); None when its conversion is not kept (two date lines, or the
    mark in the page)."""
    dates = DATE_LINE.findall(markdown)
    if len(dates) > 1 or MARK in markdown:
        return None
    return DATE_LINE.sub(rf"\g<1>{MARK}\g<3>", markdown), dates[0][1] if dates else None


def load_dictionary(tokenizer=None) -> None:
    """`tokenizer.initialize()` (jieba's default `Tokenizer` when None), but with the default
    dictionary taken from the cache file jieba keeps of it read whole before it is unmarshalled:
    jieba's `marshal.load` of the open file reads it piece by piece, four times the CPU (about
    1.2 s more a build on the machine of README 性能). Another jieba, another dictionary or no
    readable cache file: jieba's own `initialize`, which writes that file."""
    import jieba

    tokenizer = tokenizer or jieba.dt
    if (not tokenizer.initialized and tokenizer.dictionary == jieba.DEFAULT_DICT
            and not tokenizer.cache_file and version("jieba").startswith(JIEBA)):
        path = Path(tokenizer.tmp_dir or tempfile.gettempdir()) / "jieba.cache"
        try:
            freq, total = marshal.loads(path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            freq = total = None
        if isinstance(freq, dict) and isinstance(total, int):
            tokenizer.FREQ, tokenizer.total, tokenizer.initialized = freq, total, True
    tokenizer.initialize()  # nothing left to do when the cache file was read above


def lexicon_of(kept: Path) -> Path:
    """The file of jieba's dictionary by first character, beside the kept file `kept`."""
    return kept.with_name(f"{kept.name}.lexicon")


class _Lexicon:
    """jieba's dictionary (user words added) in a file by first character: a header (format,
    context, jieba's `total`, each character's place) and the entries of each character,
    marshalled. A new text is cut by a jieba `Tokenizer` given only the entries of its
    characters, which hold every substring of the text that jieba looks up."""

    def __init__(self, path: Path, start: int, total: int, places: dict) -> None:
        self.path, self.start, self.total, self.places = path, start, total, places
        self.freq: dict[str, int] = {}
        self.read: set[str] = set()

    @classmethod
    def open(cls, path: Path, context: str) -> _Lexicon | None:
        """The lexicon at `path` written for `context`; None when there is none or it is not."""
        if not version("jieba").startswith(JIEBA):
            return None
        try:
            with path.open("rb") as handle:
                size = int.from_bytes(handle.read(8), "big")
                kept = marshal.loads(handle.read(size))
        except (OSError, ValueError, EOFError, TypeError):
            return None
        if isinstance(kept, tuple) and len(kept) == 4 and kept[:2] == (FORMAT, context):
            return cls(path, 8 + size, kept[2], kept[3])
        return None

    @staticmethod
    def write(path: Path, context: str) -> None:
        """Keep jieba's loaded dictionary at `path`, unless a user word is forced apart."""
        import jieba
        import jieba.finalseg

        if (jieba.finalseg.Force_Split_Words or not jieba.dt.initialized
                or not version("jieba").startswith(JIEBA)):
            return
        by_first: dict[str, dict[str, int]] = {}
        for word, freq in jieba.dt.FREQ.items():
            by_first.setdefault(word[:1], {})[word] = freq
        blobs, places, offset = [], {}, 0
        for first, entries in by_first.items():
            blob = marshal.dumps(entries)
            places[first] = (offset, len(blob))
            blobs.append(blob)
            offset += len(blob)
        header = marshal.dumps((FORMAT, context, jieba.dt.total, places))
        cache.write_bytes(path, len(header).to_bytes(8, "big") + header + b"".join(blobs))

    def cut(self, sentence) -> tuple | None:
        """jieba's `cut(sentence)` (accurate mode, HMM); None when the file cannot be read."""
        import jieba
        from jieba._compat import strdecode

        try:
            with self.path.open("rb") as handle:
                for first in set(strdecode(sentence)) - self.read:
                    if first in self.places:
                        offset, size = self.places[first]
                        handle.seek(self.start + offset)
                        self.freq.update(marshal.loads(handle.read(size)))
                    self.read.add(first)
        except (OSError, ValueError, EOFError, TypeError):
            return None
        tokenizer = jieba.Tokenizer()
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = self.freq, self.total, True
        return tuple(tokenizer.cut(sentence, False, True, False))


def _plain(value) -> bool:
    """Whether `value` is data whose repr says all of it (no object that could hide a change)."""
    if isinstance(value, list | tuple):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return value is None or isinstance(value, str | int | float | dt.date)


def _loose(context: dict) -> dict[str, str] | None:
    """The values of a page's template context that a template can read only by their name, each
    as its repr: all but the page, the navigation, the pages and the config (in MkDocs 1.6
    `base_url`, `extra_css`, `extra_javascript`, `mkdocs_version` and the build's date
    `build_date_utc`), and the page's `update_date` (the build's date too). None when one is not
    plain data."""
    values = {k: v for k, v in context.items() if k not in ("page", "nav", "pages", "config")}
    values["page.update_date"] = getattr(context["page"], "update_date", None)
    return {k: repr(v) for k, v in values.items()} if _plain(list(values.values())) else None


# Modules whose context-passing filters, tests and globals read, of a template's context, only
# the values named here (Jinja's own: its gettext alias `_`; MkDocs's `url` and `script_tag`).
READERS = {"jinja2.filters": (), "jinja2.tests": (), "jinja2.ext": ("gettext",),
           "mkdocs.utils.templates": ("page", "base_url")}
EXTENSIONS = {"jinja2.ext.InternationalizationExtension"}  # add no node that reads the context


def _readers(env: jinja2.Environment) -> frozenset[str] | None:
    """The names of the context values that the environment's own code reads (its
    context-passing filters, tests, globals and finalize, as READERS says); None when one of them,
    or an extension, is not known."""
    if set(env.extensions) - EXTENSIONS:
        return None
    names: set[str] = set()
    for value in (*env.filters.values(), *env.tests.values(), *env.globals.values(),
                  env.finalize):
        for function in (value, value.__call__) if callable(value) else ():
            passed = getattr(function, "jinja_pass_arg", None)
            if getattr(passed, "name", None) != "context":
                continue
            module = getattr(function, "__module__", None)
            if module not in READERS:
                return None
            names.update(READERS[module])
    return frozenset(names)


def _stable(value) -> str:
    """A config setting as text: plain data as it is, a mapping (the config, a theme, `extra`)
    item by item, a plugin by its settings; other objects by their type (mkdocs.yml alone sets
    them, and its bytes are in every key)."""
    if _plain(value):
        return repr(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k!r}: {_stable(v)}" for k, v in value.items()) + "}"
    settings = getattr(value, "config", None)
    if isinstance(settings, Mapping):
        return f"{type(value).__name__}({_stable(settings)})"
    return type(value).__name__


def _theme_files(folders: list[str]) -> str:
    """The theme's folders, with the digest of every file of those no library holds (the
    package's overrides; a library's are told by its version)."""
    import material  # type: ignore[import-untyped]
    import mkdocs

    libraries = [Path(mkdocs.__file__).parent, Path(material.__file__).parent]
    digest = hashlib.sha256()
    for folder in map(Path, folders):
        digest.update(str(folder).encode() + b"\0")
        if any(folder.is_relative_to(library) for library in libraries):
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _nav(items) -> list:
    """What a theme can read of the navigation: each item's kind, title, address, metadata and
    children."""
    return [(type(item).__name__, str(item.title), getattr(item, "url", None),
             repr(getattr(item, "meta", None)), _nav(getattr(item, "children", None) or []))
            for item in items]


def _sections(parser, content: str) -> list:
    found = parser()
    found.feed(content)
    found.close()
    return found.data


def _context(config_file: Path, config) -> str:
    """What every kept entry depends on besides the page: mkdocs.yml, the settings the build
    applies to it, the search's dictionaries, the library versions and this module."""
    parts: list[bytes | str] = [Path(config_file).read_bytes()]
    parts += [repr(config.get(name)) for name in ("site_url", "use_directory_urls",
                                                  "markdown_extensions", "validation")]
    search = config.plugins.get("material/search")
    for name in ("jieba_dict", "jieba_dict_user"):
        value = search.config.get(name) if search is not None else None
        parts.append(Path(value).read_bytes() if value and Path(value).is_file() else b"-")
    return cache.fingerprint(parts, code=("generator.site.mkdocs_cache",))


class _Bytecode(jinja2.BytecodeCache):
    """Jinja's compiled theme templates, kept (Jinja checks each against its source)."""

    def __init__(self, store: _Store) -> None:
        self.store = store

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.store.templates.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)
            self.store.used_templates[bucket.key] = data

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store.used_templates[bucket.key] = bucket.bytecode_to_string()


class _KeptTemplates(BasePlugin):
    """Gives the build's Jinja environment the kept bytecode (MkDocs's `on_env` event)."""

    def __init__(self, store: _Store) -> None:
        super().__init__()
        self.store = store

    def on_env(self, env, /, *, config, files):
        env.bytecode_cache = _Bytecode(self.store)
        return _KeptEnv(env, self.store)


class _KeptEnv:
    """The build's Jinja environment, whose templates give a page's kept HTML back
    (`_Store.page_html`); everything else is the environment's own."""

    def __init__(self, env: jinja2.Environment, store: _Store) -> None:
        self.env, self.store = env, store
        # every get_template, select_template, extends, include and import loads through it
        load = getattr(env, "_load_template", None)
        if load is None:  # not this Jinja: the templates a render loads are not known
            return

        def recorded(name: str, globals):
            template = load(name, globals)
            if store.loading is not None:
                store.loading.add(name)
            return template

        env._load_template = recorded  # type: ignore[method-assign]
        store.recording = True

    def __getattr__(self, name: str):
        return getattr(self.env, name)

    def get_template(self, name: str, *args, **kwargs) -> _KeptTemplate:
        return _KeptTemplate(self.env.get_template(name, *args, **kwargs), name, self.store)


class _KeptTemplate:
    """A theme template whose `render` of a page's context goes through `_Store.page_html`."""

    def __init__(self, template: jinja2.Template, name: str, store: _Store) -> None:
        self.template, self.name, self.store = template, name, store

    def __getattr__(self, name: str):
        return getattr(self.template, name)

    def render(self, *args, **kwargs) -> str:
        context = args[0] if len(args) == 1 and not kwargs else None
        if isinstance(context, dict) and context.get("page") is not None:
            return self.store.page_html(self.template, self.name, context)
        return self.template.render(*args, **kwargs)


def _knows_material() -> bool:
    """Whether Material's search plugin is the one whose `add_entry_from_context` this module
    repeats (9.x: a `Parser` whose `data` is the sections, `create_entry_for_section`)."""
    return (version("mkdocs-material").startswith(MATERIAL)
            and all(hasattr(search_plugin, name) for name in ("SearchIndex", "Parser"))
            and hasattr(search_plugin.SearchIndex, "create_entry_for_section"))


@contextmanager
def kept(path: Path | None, config_file: Path, config):
    """Run the block (an MkDocs build of `config`) with page conversions and search segmentation
    kept in the file `path` across builds; the block runs as usual without `path` or with a
    MkDocs this module does not know."""
    from mkdocs.structure.pages import Page

    if path is None or not version("mkdocs").startswith(SUPPORTED) or not hasattr(Page, "render"):
        yield None
        return
    import jieba

    store = _Store(path, _context(config_file, config))
    render, cut, store.load_userdict = Page.render, jieba.cut, jieba.load_userdict
    index = search_plugin.SearchIndex if _knows_material() else None
    add_entry = index.add_entry_from_context if index else None

    def cached(page, config, files) -> None:
        store.render(render, page, config, files)

    def add_entry_from_context(self, page) -> None:  # Material 9's, with sections and entries kept
        if store.split is not None:
            store.split.search(page.file)
        search = page.meta.get("search") or {}
        if search.get("exclude"):
            return
        sections = [s for s in store.parse(search_plugin.Parser, page.content)
                    if not s.is_excluded()]
        store.entries(self, sections, page)

    Page.render = cached  # type: ignore[method-assign,assignment]
    config.plugins["azx/kept-templates"] = _KeptTemplates(store)
    config.plugins["azx/split-pages"] = mkdocs_split.SplitPages(
        store, add_entry_from_context if index is not None else None)
    if index is not None:
        index.add_entry_from_context = add_entry_from_context
    jieba.cut = functools.partial(store.cut, cut)
    jieba.load_userdict = store.dictionaries.append
    try:
        yield store
    finally:
        if store.split is not None:
            store.split.close()
            store.split = None
        Page.render = render  # type: ignore[method-assign]
        if index is not None:
            index.add_entry_from_context = add_entry
        jieba.cut, jieba.load_userdict = cut, store.load_userdict
    store.save()
