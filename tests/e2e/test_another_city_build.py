"""Another city publishes by configuration alone: a project of its own (the small site package
renamed to 青岚市, with other counties, division codes and publisher file; mkdocs.yml with its
site name; the repository's hand-written docs/) built by `azx build --project DIR`, with no code
changed. No file of its site names 驻马店 or its counties — pages, feed, sitemap, search index,
charts, downloads (inside the zip and XLSX files too) — and every page names the new city."""

from __future__ import annotations

import gzip
import io
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from fixtures import city

REPO = Path(__file__).resolve().parents[2]
ATOM = "{http://www.w3.org/2005/Atom}"
SITE_NAME = "青岚市安全生产责任保险信息公开"
PLAN = "青岚市推进安全生产责任保险实施方案"

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def site(tmp_path_factory, fixture_package) -> Path:
    root = tmp_path_factory.mktemp("city")
    project = root / "project"
    shutil.copytree(fixture_package("another_city"), project / "data")
    shutil.copytree(REPO / "docs", project / "docs")
    config = city.renamed((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    assert f"site_name: {SITE_NAME}\n" in config
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    elsewhere = root / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--project", "../project"],
        cwd=elsewhere, capture_output=True, text=True, encoding="utf-8")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "MkDocs 构建(--strict)" in result.stdout
    return project / "site"


def contents(site: Path) -> dict[str, str]:
    """Every file of the site as text (a zip or XLSX file: each member; sitemap.xml.gz
    unpacked; JSON with its escapes resolved), without the zero-width spaces the search index
    puts between words."""
    found: dict[str, bytes] = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        name, raw = path.relative_to(site).as_posix(), path.read_bytes()
        if path.suffix in (".zip", ".xlsx"):
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                found |= {f"{name}/{member}": archive.read(member)
                          for member in archive.namelist()}
        elif path.suffix == ".gz":
            found[name] = gzip.decompress(raw)
        else:
            found[name] = raw
    texts = {}
    for name, raw in found.items():
        text = raw.decode("utf-8", errors="replace")
        if name.endswith(".json"):
            text = json.dumps(json.loads(text), ensure_ascii=False)
        texts[name] = text.replace("\u200b", "")
    return texts


def pages(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(site.rglob("*.html"))}


def test_no_file_of_the_site_names_the_first_city_or_its_counties(site):
    found = contents(site)
    kinds = {"feed.xml", "sitemap.xml", "sitemap.xml.gz", "search/search_index.json",
             "index.html", "404.html"}
    assert kinds <= found.keys()
    assert any(n.endswith(".svg") for n in found)
    assert any(re.fullmatch(r"downloads/[^/]+\.zip/.+\.csv", n) for n in found)
    assert any(re.fullmatch(r"downloads/[^/]+\.xlsx/xl/.+\.xml", n) for n in found)
    named = {name: [word for word in (*city.OLD, "{plan}") if word in text]
             for name, text in found.items()}
    assert {name: words for name, words in named.items() if words} == {}
    assert [n for n in sorted(kinds) if "青岚" not in found[n]] == ["sitemap.xml", "sitemap.xml.gz"]
    for code, _ in city.COUNTIES.values():
        assert (f"<loc>https://ajx.qinglan.example/regions/{code.lower()}/</loc>"
                in found["sitemap.xml"]), code


def test_every_page_names_the_city_in_its_header_and_footer(site):
    found = pages(site)
    assert len(found) > 20
    for name, page in found.items():
        header = page[page.index("<header"):page.index("</header>")]
        assert f'<span class="md-ellipsis">\n            {SITE_NAME}\n' in header, name
        footer = page[page.index('<div class="md-copyright azx-publisher">'):
                      page.index("</footer>")]
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", footer))
        assert "主办单位:青岚市安全生产委员会办公室 承办单位:青岚市应急管理局" in text, name


def test_the_home_page_rules_and_feed_speak_of_the_new_city(site):
    found = pages(site)
    assert f'<h1 id="{SITE_NAME}">{SITE_NAME}' in found["index.html"]
    # the rules' sources cite the plan the publisher file names
    listed = [name for name, page in found.items() if f"{PLAN} 三、工作目标;五、实施步骤" in page]
    assert listed and all(f"{PLAN}(第三方评估并向社会公示)" in found[name] for name in listed)
    feed = ET.parse(site / "feed.xml").getroot()
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "青岚市安全生产委员会办公室"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "https://ajx.qinglan.example/feed.xml"


def test_its_counties_have_their_own_codes_and_pages(site):
    found = pages(site)
    for code, name in city.COUNTIES.values():
        assert f"<h1 id=\"{name}\">{name}" in found[f"regions/{code.lower()}/index.html"], code
    assert not any(n.startswith("regions/4117") for n in found)
    lookup = found["lookup/index.html"]
    assert 'placeholder="例如 91419900… 或 建筑工程"' in lookup
