"""The public reads Chinese: no English word in what a page shows (text, placeholders, tooltips,
labels read aloud, chart alt texts), the theme's own strings included.

Allowed: codes and units in capitals (BSCX, CSV, XLSX, ICP, GB/T), anything holding a digit (USCCs,
checksums, UTF-8), the names the data package gives its tables, files and columns (the data
dictionary must show them), rule ids, and two format names (Atom, Excel).

Not checked: 说明 → 校验规则, the rules for specialists, which name their standards (Frictionless,
Table Schema, OWASP). 说明 itself, 政策依据, the industry page (its English name stays in the
downloads and the data dictionary) and 更新记录 (a release is titled from its diff; a commit subject
in English is left out) are checked.
"""

from __future__ import annotations

import json
import re

import pytest

from generator.validate.rules.catalog import RULES

from .conftest import DATA_DIR

pytestmark = pytest.mark.e2e

# Page types beyond the conftest's PAGE_TYPES, by their URL under the site root.
MORE_PAGES = {
    "industries": "industries/",
    "regions": "regions/",
    "insurers": "insurers/",
    "prevention": "prevention/",
    "claims": "claims/",
    "milestones": "milestones/",
    "about": "about/",
    "basis": "about/basis/",
    "404": "404.html",
    "updates": "updates/",
}
VISIBLE_JS = """() => [
  document.body.innerText,
  ...[...document.querySelectorAll('[placeholder], [title], [aria-label], img[alt]')].flatMap(
      e => [e.placeholder, e.title, e.getAttribute('aria-label'), e.alt]),
].filter(Boolean).join('\\n')"""
TOKEN = re.compile(r"[A-Za-z0-9_.\-]*[A-Za-z][A-Za-z0-9_.\-]*")
CODE = re.compile(r"[A-Z0-9_./\-]+|.*[0-9].*")
FORMAT_NAMES = {"Atom", "Excel"}


def package_names() -> set[str]:
    """Table, file and column names of the data package, and every rule id."""
    descriptor = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    names = {descriptor["name"], "datapackage.json"} | {rule.id for rule in RULES}
    for resource in descriptor["resources"]:
        names |= {resource["name"], resource["path"]}
        names |= {field["name"] for field in resource["schema"]["fields"]}
    return names


def english_words(text: str, allowed: set[str]) -> list[str]:
    """The words of `text` in Latin letters that are neither codes nor allowed names."""
    words = {w.strip(".-") for w in TOKEN.findall(text)}
    return sorted(w for w in words if w and not CODE.fullmatch(w) and w not in allowed)


@pytest.fixture(scope="module")
def checked_pages(page_paths) -> dict[str, str]:
    return page_paths | MORE_PAGES


def test_no_page_type_shows_an_english_word(desktop, base_url, checked_pages, report):
    allowed = package_names() | FORMAT_NAMES
    found = {}
    for kind, path in checked_pages.items():
        desktop.goto(base_url + path, wait_until="load")
        words = english_words(desktop.evaluate(VISIBLE_JS), allowed)
        if words:
            found[f"{kind} ({path or '/'})"] = words
    report(f"chinese: {len(checked_pages)} page types checked for English words, "
           f"{len(found)} with some")
    assert found == {}


def test_the_words_rule_finds_english_and_lets_codes_pass():
    text = "Permanent link 914117716HP5XQKEQ3 BSCX SHA-256 units_insured coverage.csv 万元 Atom"
    assert english_words(text, package_names() | FORMAT_NAMES) == ["Permanent", "link"]
