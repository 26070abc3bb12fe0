"""Every built HTML page passes the W3C Nu HTML checker (vnu) with no error in the markup the
project writes: its templates, its theme overrides (generator/site/theme/) and the Markdown they
become.

vnu is npm's `vnu-jar`, pinned in tools/browser/package-lock.json (`npm ci --prefix tools/browser`,
which `make test` runs), and runs on the machine's Java. Errors that come from Material for
MkDocs' own templates are left out only when both the message and the markup it quotes match an
entry of THEME_ERRORS below, each explained there; any other error fails the test.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from .conftest import REPO_ROOT

pytestmark = pytest.mark.e2e

VNU_JAR = REPO_ROOT / "tools/browser/node_modules/vnu-jar/build/dist/vnu.jar"

# (message, the markup vnu quotes): errors in the theme's own templates, which the project does
# not write. Both patterns must match, so the same mistake in the project's markup still fails.
THEME_ERRORS = (
    # Material's hidden checkboxes that open the drawer and the search (`<input class="md-toggle"
    # type="checkbox" … autocomplete="off">`, base.html) carry autocomplete="off" so that Firefox
    # does not restore them ticked on reload; HTML allows autocomplete on text-like inputs only.
    (r"Attribute “autocomplete” is only allowed when the input type is",
     r'<input class="md-toggle" data-md-toggle="(drawer|search)" type="checkbox"'),
    # Material's navigation (partials/nav-item.html) writes tabindex="" on a section's label when
    # the section cannot be collapsed (the navigation.sections feature): an empty tabindex is not
    # an integer.
    (r"Bad value “” for attribute “tabindex” on element “label”",
     r'<label class="md-nav__link[^"]*" for="__nav_\d+" id="__nav_\d+_label" tabindex="">'),
    # Material's table of contents (partials/toc.html) titles itself with a label for the
    # checkbox `__toc`, which the theme writes in the page's own entry of the navigation (when
    # the page has headings); pages kept out of the navigation (one per industry, region,
    # insurer and bulletin) and a section's index page have no such entry, so there the label
    # points at nothing.
    (r"The value of the “for” attribute of the “label” element must be the ID of a non-hidden",
     r'<label class="md-nav__title" for="__toc">'),
)


def theme_error(message: dict) -> bool:
    """Whether a vnu error is one of THEME_ERRORS."""
    return any(re.search(text, message["message"]) and re.search(markup, message["extract"])
               for text, markup in THEME_ERRORS)


def check(site_dir: Path) -> list[dict]:
    """vnu's messages (errors only) on every HTML file under `site_dir`."""
    if not VNU_JAR.exists():
        pytest.fail(f"{VNU_JAR} 不存在:"
                    "请运行 `npm ci --prefix tools/browser`(make test 会自动运行)")
    java = shutil.which("java")
    if java is None:
        pytest.fail("没有找到 java:W3C Nu HTML 检查器需要 Java"
                    "(apt-get install -y default-jre-headless)")
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--skip-non-html", "--format", "json",
         "--stdout", str(site_dir)],
        capture_output=True, text=True, encoding="utf-8",
    )
    try:
        return json.loads(result.stdout)["messages"]
    except (json.JSONDecodeError, KeyError):
        pytest.fail(f"vnu 没有给出结果 ({result.returncode}):\n{result.stdout}\n{result.stderr}")


def where(message: dict, site_dir: Path) -> str:
    path = message.get("url", "").removeprefix("file:")
    page = Path(path).relative_to(site_dir) if path.startswith(str(site_dir)) else path
    return f"{page}:{message.get('lastLine', '?')}"


def test_no_html_error_in_the_markup_the_project_writes(site_dir, report):
    pages = sorted(site_dir.rglob("*.html"))
    messages = check(site_dir.resolve())
    errors = [m for m in messages if m["type"] in ("error", "non-document-error")]
    ours = [m for m in errors if not theme_error(m)]
    theirs = Counter(m["message"] for m in errors if theme_error(m))
    report(f"vnu: {len(pages)} pages, {len(ours)} errors in the project's markup, "
           f"{sum(theirs.values())} in the theme's templates ({len(theirs)} kinds, allowed)")
    assert pages, f"{site_dir} 中没有网页"
    assert not ours, "\n".join(
        f"{where(m, site_dir.resolve())}: {m['message']}\n    {m.get('extract', '').strip()}"
        for m in ours)


def test_the_theme_allowlist_matches_only_the_theme():
    # The allowlist lets the theme's markup pass and stops the same message on the project's own.
    theme = {"message": "Bad value “” for attribute “tabindex” on element “label”: The empty "
             "string is not a valid integer.",
             "extract": '<label class="md-nav__link " for="__nav_2" id="__nav_2_label" '
                        'tabindex="">'}
    ours = dict(theme, extract='<label class="azx-key" for="x" tabindex="">')
    assert theme_error(theme)
    assert not theme_error(ours)
