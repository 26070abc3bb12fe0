"""A second core for MkDocs: a forked child converts about half of the pages whose conversion
`mkdocs_cache` does not keep, and parses pages for the search index, while MkDocs converts the
other pages and writes the site in this process.

The child is forked from MkDocs's `on_nav` event (a plugin `mkdocs_cache.kept` adds), when the
config, the files and the navigation are loaded, if at least `PAGES` pages are new: all of them
when no conversion is kept, else as told by their conversion keys, computed from each page's
source (`_Store.new_page`, kept for `_Store.render`). Work is shared out by claims, in an array
both processes see, twice:
- conversions: this process claims each page as MkDocs comes to convert it, in MkDocs's order;
  the child claims the new pages from the last one back and stops at the first page this
  process claimed. It runs MkDocs's steps for each (`_populate_page`: the plugins' page events
  and `Page.render` through `_Store.render`, date marked) and sends the conversions that logged
  no warning (`_Store._convert` keeps no other) when it stops. This process takes them when it
  comes to the first page the child claimed.
- search: at MkDocs's `on_env` event (every page converted) this process sends the child what
  the search reads of the pages it did not take from the child (HTML, table of contents,
  address, title, metadata). Pages are claimed again, this process in MkDocs's order as it
  indexes them, the child from the last one back; the child parses each (`_Store.parse`,
  `_Store.entries`, jieba's cut through `_Store.cut`) and sends the sections, the index entries
  and the segmentations when it stops; this process takes them into its store
  (`_Store.take`) when it comes to the first page the child claimed.
Both halves of each end together, the child doing its share while this process also renders the
pages' HTML. This process takes everything under the key it would look up among the kept
entries, so what differs in this process (a page's source, the files it links to, its HTML) only
means converting or parsing the page here.

MkDocs internals relied on besides `mkdocs_cache`'s (mkdocs 1.6.x, the versions it is installed
for): `mkdocs.commands.build._populate_page(page, config, files)`, the step of `build` that reads
and converts one page, creating the `Page` of a file kept out of the navigation first.

Fails safe: a child that cannot be forked, dies, or sends nothing for a page leaves the page to
this process; a page whose conversion logged a warning is never sent, so this process converts
it and the strict build fails on the warning as before. The child writes no file and prints
nothing (its output goes to /dev/null); it ends with `os._exit` when it has sent its work, or
when this process stops it at the end of the build.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
from collections.abc import Callable
from types import SimpleNamespace

from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import InclusionLevel

from generator import background

PAGES = 100  # the fewest new pages that pay for a child (measured: see README 性能)
MINE, CHILDS = 1, 2  # a claim: this process's, the child's


class Split:
    """The forked child converting and indexing pages of a build (`start`), seen from MkDocs's
    process: `conversion` and `search` claim a page for this process or take the child's work
    on it; `send_pages` hands the child the pages it did not convert."""

    def __init__(self, store, files: list, pid: int, conn, claims, lock) -> None:
        """`pid`: the other process (the child; in the child, this one)."""
        self.store, self.files, self.pid, self.conn = store, files, pid, conn
        self.claims, self.lock = claims, lock
        self.place = {f.src_uri: i for i, f in enumerate(files)}
        self.pages: dict | None = None  # the child's conversions, once received
        self.taken: set[str] = set()  # pages whose conversion came from the child
        self.searched = False  # whether the child's search work was received

    @classmethod
    def start(cls, store, config, files, index_page: Callable | None) -> Split | None:
        """A child for the new pages of `files`, forked now; None when fewer than `PAGES`
        pages are new or no child can be forked. `index_page(index, page)` adds a page to a
        search index through the store (None: this process indexes every page)."""
        pages = files.documentation_pages(inclusion=InclusionLevel.is_included)
        if len(pages) < PAGES or not hasattr(os, "fork"):
            return None
        if store.pages:  # some conversions are kept: are enough pages new?
            new = 0
            for file in pages:
                new += store.new_page(file, files)
                if new >= PAGES:
                    break
            else:
                return None
        context = multiprocessing.get_context("fork")
        claims, lock = context.RawArray("b", 2 * len(pages)), context.Lock()
        conn, theirs = context.Pipe()
        parent = os.getpid()
        try:
            pid = os.fork()
        except OSError:
            return None
        if pid == 0:  # the child: never returns
            try:
                conn.close()
                _child(Split(store, pages, parent, theirs, claims, lock), config, files,
                       index_page)
            finally:
                os._exit(0)
        theirs.close()
        return cls(store, pages, pid, conn, claims, lock)

    def conversion(self, file, key: str):
        """Claim `file`'s page for conversion here (None), or the child's conversion of it under
        `key` (None when the child sent none)."""
        place = self.place.get(file.src_uri)
        if place is None or self.claim(place, MINE):
            return None
        if self.pages is None:
            self.pages = self._receive() or {}
        found = self.pages.get(key)
        if found is not None:
            self.taken.add(file.src_uri)
        return found

    def send_pages(self) -> None:
        """Send the child what the search reads of each page it did not convert."""
        if self.pages is None:  # the child sends its conversions first, whatever they are
            self.pages = self._receive() or {}
        pages = {f.src_uri: (f.page.content, f.page.toc, f.page.url, f.page.title, f.page.meta)
                 for f in self.files if f.page is not None and f.src_uri not in self.taken}
        try:
            data = pickle.dumps(pages, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # the child then parses only the pages it converted
            data = pickle.dumps({})
        try:
            self.conn.send_bytes(data)
        except OSError:  # the child died: this process indexes every page
            pass

    def search(self, file) -> None:
        """Claim `file`'s page for the search's parsing here, or take the child's search work
        (sections, entries, segmentations) into the store."""
        place = self.place.get(file.src_uri)
        if place is None or self.claim(len(self.files) + place, MINE) or self.searched:
            return
        self.searched = True
        if self.pages is None:
            self.pages = self._receive() or {}
        answer = self._receive()
        if answer is not None:
            self.store.take(*answer)

    def claim(self, place: int, who: int) -> bool:
        """Whether the claim at `place` is `who`'s: made now, or by `who` before."""
        with self.lock:
            if not self.claims[place]:
                self.claims[place] = who
            return self.claims[place] == who

    def _receive(self):
        try:
            return self.conn.recv()
        except (EOFError, OSError):  # the child died: this process does its pages itself
            return None

    def close(self) -> None:
        """Stop the child (if it still runs) and release the pipe."""
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        self.conn.close()


def _child(split: Split, config, files, index_page: Callable | None) -> None:
    """The child: convert new pages from the last one back until this process's claims are
    reached and send the conversions; then, with the other pages from this process, index
    pages for the search from the last one back likewise and send that work."""
    background.end_with_parent(split.pid)
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    store = split.store
    store.split = None
    converted = _convert(split, config, files)
    split.conn.send(store.used_pages)
    inputs = pickle.loads(split.conn.recv_bytes())
    for kind in ("sections", "entries", "words"):
        store.used[kind].clear()
    store.loaded = False
    index = getattr(next((p for p in config.plugins.values() if hasattr(p, "search_index")),
                         None), "search_index", None)
    if index_page is not None and index is not None:
        _index(split, inputs, converted, lambda page: index_page(index, page))
    split.conn.send((store.used["sections"], store.used["entries"], store.used["words"],
                     store.loaded))
    split.conn.close()


def _convert(split: Split, config, files) -> dict:
    """In the child: MkDocs's steps for each new page it claims, from the last one back; the
    pages converted, by source path."""
    from mkdocs.commands.build import _populate_page
    from mkdocs.structure.pages import Page

    converted = {}
    for place in reversed(range(len(split.files))):
        if split.claims[place]:  # this process got here
            break
        file = split.files[place]
        if not split.store.new_page(file, files):  # kept: this process takes it from there
            continue
        if not split.claim(place, CHILDS):
            break
        if file.page is None and file.inclusion.is_not_in_nav():
            Page(None, file, config)
        try:
            _populate_page(file.page, config, files)
        except Exception:  # this process converts it, and reports what went wrong
            continue
        converted[file.src_uri] = file.page
    return converted


def _index(split: Split, inputs: dict, converted: dict, index_page: Callable) -> None:
    """In the child: index each page it claims for the search, from the last one back: the
    pages of `converted`, and those whose HTML, table of contents, address, title and metadata
    this process sent (`inputs`)."""
    count = len(split.files)
    for place in reversed(range(count)):
        if split.claims[count + place]:
            break
        file = split.files[place]
        if file.src_uri in inputs:
            content, toc, url, title, meta = inputs[file.src_uri]
            page = SimpleNamespace(file=file, content=content, toc=toc, url=url, title=title,
                                   meta=meta)
        elif file.src_uri in converted:
            page = converted[file.src_uri]
        else:
            continue
        if not split.claim(count + place, CHILDS):
            break
        try:
            index_page(page)
        except Exception:  # this process indexes it, and reports what went wrong
            break


class SplitPages(BasePlugin):
    """Starts the child (`Split.start`) from MkDocs's `on_nav` event and sends it the pages at
    `on_env`, for `store`; `index_page(index, page)` is the search's `add_entry_from_context`
    through the store (None: no search to share)."""

    def __init__(self, store, index_page: Callable | None) -> None:
        super().__init__()
        self.store, self.index_page = store, index_page

    def on_nav(self, nav, /, *, config, files):
        self.store.split = Split.start(self.store, config, files, self.index_page)
        return nav

    def on_env(self, env, /, *, config, files):
        if self.store.split is not None:
            self.store.split.send_pages()
        return env
