"""A site built from a package that carries script payloads in every text field validation
accepts opens no dialog on any page: every page of it is visited in Chromium with JavaScript on.

The package is data/ plus an edit made at test time (see `hostile_data`).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import DESKTOP, REPO_ROOT, serve

pytestmark = pytest.mark.e2e

# payloads for HTML, Markdown (attribute lists, links, raw HTML), YAML front matter and maths
PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(2)>',
    "{: onclick=alert(3) autofocus onfocus=alert(4) }",
    "[x](javascript:alert(5))",
    "<script>alert(6)</script>",
    "$x$ {0} </title><script>alert(7)</script>",
    "'; alert(8); '",
]
# text fields of each resource that validation leaves free (no pattern, no enum)
TEXT_FIELDS = {
    "regions": ("name",),
    "industries": ("name", "name_en", "lead_department"),
    "insurers": ("name", "short_name"),
    "assessors": ("name", "short_name"),
    "milestones": ("name", "description", "source"),
    "assessments": ("summary",),
}


def payload(i: int, limit: int) -> str:
    return PAYLOADS[i % len(PAYLOADS)][:limit]


def hostile_data(root: Path) -> None:
    """Put a payload (within the field's maxLength) in every free text cell and every title and
    description of the descriptor; keep names unique where they are keys for people."""
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["title"] += PAYLOADS[0]
    descriptor["description"] += PAYLOADS[1]
    count = 0
    for resource in descriptor["resources"]:
        resource["title"] += PAYLOADS[count % len(PAYLOADS)]
        resource["description"] += PAYLOADS[(count + 1) % len(PAYLOADS)]
        for field in resource["schema"]["fields"]:
            field["title"] += PAYLOADS[(count + 2) % len(PAYLOADS)][:20]
            field["description"] += PAYLOADS[(count + 3) % len(PAYLOADS)]
            count += 1
        names = TEXT_FIELDS.get(resource["name"], ())
        if not names:
            continue
        limits = {f["name"]: (f.get("constraints") or {}).get("maxLength", 500)
                  for f in resource["schema"]["fields"]}
        path = root / resource["path"]
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        for i, row in enumerate(rows):
            for name in names:
                tag = f"{i}"
                row[name] = (payload(i, limits[name] - len(tag)) + tag)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")
    (root / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2),
                                           encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    data = root / "data"
    shutil.copytree(REPO_ROOT / "data", data)
    hostile_data(data)
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--data", str(data),
         "--site-dir", str(root / "site"), "--work-dir", str(root / "work")],
        cwd=REPO_ROOT, capture_output=True, text=True, encoding="utf-8")
    if result.returncode != 0:
        pytest.fail(f"azx build failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return root / "site"


@pytest.fixture(scope="module")
def hostile_url(hostile_site: Path):
    yield from serve(hostile_site)


def test_no_page_of_a_hostile_site_opens_a_dialog(browser, hostile_site, hostile_url, report):
    pages = sorted(p.relative_to(hostile_site).as_posix().removesuffix("index.html")
                   for p in hostile_site.rglob("*.html") if p.name != "404.html")
    kinds = {"industries/", "regions/", "insurers/", "coverage/", "downloads/", "validation/",
             "dictionary/", "updates/"}
    assert all(any(p.startswith(k) for p in pages) for k in kinds) and "" in pages
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(f"{page.url}: {dialog.message}"),
                                      dialog.dismiss()))
    for path in pages:
        page.goto(hostile_url + path, wait_until="load")
        page.keyboard.press("Tab")  # focus moves: an injected autofocus/onfocus would fire
    context.close()
    report(f"hostile site: {len(pages)} pages visited, {len(dialogs)} dialogs")
    assert dialogs == []
    text = (hostile_site / "index.html").read_text(encoding="utf-8")
    assert "<img src=x onerror" not in text and "<script>alert" not in text
