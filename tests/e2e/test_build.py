"""One real `azx build` of the bundled data, checked against figures computed here from the CSVs.

Also: two builds are byte-identical (two cold ones, and a warm one from the first's caches), bad
data leaves an existing site untouched, and text from the data is escaped in the HTML.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
HALVES = {"1": "上", "2": "下"}


def azx_build(data: Path, site: Path, work: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", "build", "--data", str(data), "--site-dir", str(site),
         "--work-dir", str(work)],
        cwd=REPO, capture_output=True, text=True, encoding="utf-8",
    )


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def rows(name: str, root: Path = DATA) -> list[dict]:
    with (root / f"{name}.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def pct(numerator: int, denominator: int) -> str:
    value = Decimal(numerator) * 100 / Decimal(denominator)
    shown = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if numerator < denominator:  # short of the target never reads as 100.0%
        shown = min(shown, Decimal("99.9"))
    return f"{shown}%"


def html(site: Path, page: str) -> str:
    return (site / page / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("build")
    result = azx_build(DATA, root / "site", root / "work")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[9/9] 替换" in result.stdout
    return root / "site"


def latest_coverage() -> tuple[str, list[dict]]:
    coverage = rows("coverage")
    period = max(r["period"] for r in coverage)
    return period, [r for r in coverage if r["period"] == period]


def test_every_expected_page_exists(built):
    coverage = rows("coverage")
    expected = ["", "coverage", "industries", "regions", "insurers", "prevention", "claims",
                "milestones", "downloads", "dictionary", "validation", "about"]
    expected += [f"industries/{c}" for c in sorted({r["industry_code"] for r in coverage})]
    expected += [f"regions/{c.lower()}" for c in sorted({r["region_code"] for r in coverage})]
    expected += [f"insurers/{r['code'].lower()}" for r in rows("insurers")]
    missing = [p for p in expected if not (built / p / "index.html").is_file()]
    assert missing == []
    for resource in ("coverage", "assessments", "claims"):
        for suffix in ("csv", "json", "xlsx"):
            assert (built / "downloads" / f"{resource}.{suffix}").is_file()
    assert (built / "build-manifest.json").is_file()


def test_home_shows_the_overall_coverage_rate(built):
    _, latest = latest_coverage()
    required = sum(int(r["units_required"]) for r in latest)
    insured = sum(int(r["units_insured"]) for r in latest)
    page = html(built, "")
    assert re.search(rf"<td>投保覆盖率</td>\s*<td[^>]*>{re.escape(pct(insured, required))}</td>",
                     page)
    assert "本站数据为示例数据" in page
    assert "fonts.googleapis.com" not in page


def test_industry_page_shows_its_rate(built):
    _, latest = latest_coverage()
    code = "hazardous_chemicals"
    required = sum(int(r["units_required"]) for r in latest if r["industry_code"] == code)
    insured = sum(int(r["units_insured"]) for r in latest if r["industry_code"] == code)
    page = html(built, f"industries/{code}")
    assert "<title>危险化学品 - " in page
    assert re.search(rf"<td>投保覆盖率</td>\s*<td>{re.escape(pct(insured, required))}</td>", page)


def test_insurer_page_shows_its_latest_total_score(built):
    insurer = min(rows("insurers"), key=lambda r: int(r["display_order"]))
    assessments = [r for r in rows("assessments") if r["insurer_code"] == insurer["code"]]
    latest = max(assessments, key=lambda r: r["round"])
    score = Decimal(latest["total_score"]).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    year, half = latest["round"].split("H")
    page = html(built, f"insurers/{insurer['code'].lower()}")
    assert f"{year}年{HALVES[half]}半年:{score} 分,{latest['grade']}" in page


def test_chart_alt_text_matches_its_data(built):
    period, latest = latest_coverage()
    totals = defaultdict(lambda: [0, 0])
    for r in latest:
        totals[r["industry_code"]][0] += int(r["units_insured"])
        totals[r["industry_code"]][1] += int(r["units_required"])
    rated = {c: Decimal(i) / Decimal(n) for c, (i, n) in totals.items() if n}
    order = sorted(rows("industries"), key=lambda r: int(r["display_order"]))
    names = {r["code"]: r["name"] for r in order}
    shown = {c: pct(*totals[c]) for c in rated}  # ties are judged on the shown values
    top = shown[max(rated, key=rated.get)]
    tied = [r["code"] for r in order if shown.get(r["code"]) == top]
    alts = re.findall(r'<img src="\.\./charts/industry-coverage-[0-9a-f]+\.svg" alt="([^"]+)"',
                      html(built, "coverage"))
    assert len(alts) == 1
    year, month = period.split("-")
    assert alts[0].startswith(f"截至{year}年{int(month)}月,{len(rated)}个行业中")
    if len(tied) == 1:
        assert f"覆盖率最高的是{names[tied[0]]}({top})" in alts[0]
    elif len(tied) <= 3:
        assert f"{'、'.join(names[c] for c in tied)}覆盖率并列最高,均为{top}" in alts[0]
    else:
        assert f"{len(tied)}个行业覆盖率并列最高,均为{top}" in alts[0]


def test_two_builds_are_byte_identical(built, tmp_path):
    result = azx_build(DATA, tmp_path / "site", tmp_path / "work")
    assert result.returncode == 0, result.stdout + result.stderr
    first, second = tree(built), tree(tmp_path / "site")
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def test_warm_build_is_byte_identical_to_the_cold_one(built, tmp_path):
    """A build that takes every chart, download, compiled template, the validation report and
    MkDocs's page conversions from the first build's caches publishes the same bytes as that
    cold build."""
    result = azx_build(DATA, tmp_path / "site", built.parent / "work")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "其中新绘制 0 张" in result.stdout
    assert "沿用其结果" in result.stdout
    shown = int(re.search(r"绘制图表:(\d+) 张", result.stdout)[1])
    stats = json.loads((built.parent / "work" / "build-stats.json").read_text(encoding="utf-8"))
    assert stats == {"charts": shown, "charts_drawn": 0, "charts_cached": shown}
    pages = len(list((built.parent / "work" / "docs").rglob("*.md")))
    assert f"沿用上次转换的页面 {pages} 个" in result.stdout  # MkDocs's conversions, all kept
    cold, warm = tree(built), tree(tmp_path / "site")
    assert sorted(cold) == sorted(warm)
    assert [name for name in cold if cold[name] != warm[name]] == []


def test_one_month_changed_on_a_warm_cache_is_byte_identical_to_its_cold_build(built, tmp_path):
    """The latest month edited, as `bench/run`'s one-month build does, and built on the first
    build's caches (the other tables' Frictionless outcomes, the earlier bulletins, charts,
    downloads and the conversions of pages whose date alone changed come from there): the site
    is the bytes a cold build of the edited data gives."""
    edited = tmp_path / "data"
    shutil.copytree(DATA, edited)
    coverage = rows("coverage")
    month = max(r["period"] for r in coverage)
    for row in coverage:
        if row["period"] == month and row["premium_ytd"]:
            row["premium_ytd"] = f"{float(row['premium_ytd']) + 1:.2f}"
    with (edited / "coverage.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(coverage[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(coverage)
    shutil.copytree(built.parent / "work", tmp_path / "warm")
    warm = azx_build(edited, tmp_path / "warm-site", tmp_path / "warm")
    assert warm.returncode == 0, warm.stdout + warm.stderr
    assert "沿用其结果" not in warm.stdout  # the data changed: validated again
    assert int(re.search(r"沿用上次转换的页面 (\d+) 个", warm.stdout)[1]) > 0
    cold = azx_build(edited, tmp_path / "cold-site", tmp_path / "cold")
    assert cold.returncode == 0, cold.stdout + cold.stderr
    first, second = tree(tmp_path / "cold-site"), tree(tmp_path / "warm-site")
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def test_invalid_data_leaves_the_site_untouched(built, tmp_path, fixture_package):
    site = tmp_path / "site"
    shutil.copytree(built, site)
    before = tree(site)
    invalid = fixture_package("site_invalid")
    result = azx_build(invalid, site, tmp_path / "work")
    assert result.returncode == 1
    row = rows("prevention", invalid)[1]  # line 3: its spending is the case's one edit
    cap = (Decimal(row["premium_collected"]) * Decimal("0.21")).quantize(
        Decimal("0.01"), ROUND_HALF_UP)
    assert ("prevention.csv:3 prevention_spending(事故预防费用支出) — 错误:事故预防费用支出 "
            f"{Decimal(row['prevention_spending']).normalize():f} 元超过上限 {cap} 元") \
        in result.stdout
    assert f"数据有 1 个错误,未生成网站;{site}/ 保持不变。" in result.stdout
    assert tree(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no staging left behind


def test_text_from_data_is_escaped(tmp_path, fixture_package):
    result = azx_build(fixture_package("xss"), tmp_path / "site", tmp_path / "work")
    assert result.returncode == 0, result.stdout + result.stderr
    pages = {name: data.decode("utf-8") for name, data in tree(tmp_path / "site").items()
             if name.endswith(".html")}
    for name, text in pages.items():
        assert "<script>x</script>" not in text, name
        assert '<script>alert("name")' not in text, name
        assert "<img src=x" not in text, name
    page = pages["insurers/czcx/index.html"]
    assert "<title>＜script＞x＜/script＞ - " in page
    # Escaped as character references: the browser shows the characters, runs nothing.
    assert "<h1 id=\"x\">&#60;script&#62;x&#60;/script&#62;" in page
    assert "蔡州&#60;script&#62;alert(&#34;name&#34;)&#60;/script&#62;财产保险" in page
    assert "&#60;img src=x onerror=alert(1)&#62; &#42;&#42;粗体&#42;&#42; &#124; 竖线" in page


def test_home_names_every_industry_still_short_of_full_coverage(built):
    period, latest = latest_coverage()
    uninsured = defaultdict(int)
    for r in latest:
        uninsured[r["industry_code"]] += int(r["units_required"]) - int(r["units_insured"])
    names = {r["code"]: r["name"] for r in rows("industries")}
    lagging = sorted((n, code) for code, n in uninsured.items() if n)
    page = html(built, "")
    year, month = period.split("-")
    assert (f"截至 {year}年{int(month)}月,全市尚有 <strong>{sum(uninsured.values()):,} 家</strong>"
            f"企业未投保,分属 {len(lagging)} 个行业") in page
    for count, code in lagging:
        assert re.search(rf'<a href="industries/{code}/">{names[code]}</a>:{count} 家未投保', page)
    assert page.count('<figure class="azx-chart') == 2


def test_every_chart_has_a_heading_and_a_table(built):
    for page in sorted(built.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        figures = text.count('<figure class="azx-chart')
        titled = len(re.findall(r'<figcaption><strong class="azx-chart__title">[^<]+</strong>',
                                text))
        assert titled == figures, page
        assert text.count("<table>") >= figures, page


def test_region_left_out_of_an_industry_chart_is_named(built):
    _, latest = latest_coverage()
    code = "hazardous_chemicals"
    with_units = {r["region_code"] for r in latest
                  if r["industry_code"] == code and int(r["units_required"])}
    absent = [r["name"] for r in sorted(rows("regions"), key=lambda r: int(r["display_order"]))
              if r["code"] not in with_units]
    assert absent  # the bundled data has a zone without such enterprises
    page = html(built, f"industries/{code}")
    assert f"{'、'.join(absent)}没有危险化学品行业的应投保企业,未列入图表。" in page


def test_the_roster_is_published_as_lookup_files_and_downloads_never_as_pages_or_search(built):
    """The lookup's JSON joins the site after MkDocs, and the manifest still proves every file;
    the roster (names masked, no month of check) is in the downloads; no page per enterprise,
    and not one enterprise's name or code in the search index."""
    import hashlib

    built_files = json.loads((built / "build-manifest.json").read_text(encoding="utf-8"))["files"]
    lookup = sorted(p for p in (built / "lookup" / "data").iterdir())
    assert len(lookup) > 100 and (built / "lookup" / "data" / "index.json") in lookup
    for path in lookup:
        name = path.relative_to(built).as_posix()
        assert built_files[name] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert sum(name.endswith(".html") for name in built_files) < 100
    roster = rows("enterprises")
    with (built / "downloads" / "enterprises.csv").open(encoding="utf-8-sig") as handle:
        published = list(csv.DictReader(handle))
    assert [r["uscc"] for r in published] == [r["uscc"] for r in roster]
    assert "last_checked" not in published[0]
    for shown, row in zip(published, roster, strict=True):
        masked = row["uscc"].startswith("92")
        assert shown["name"] == (row["name"][0] + "＊＊（个体工商户）" if masked else row["name"])
    assert (built / "downloads" / "enterprises.json").is_file()
    assert (built / "downloads" / "enterprises.xlsx").is_file()
    index = (built / "search" / "search_index.json").read_text(encoding="utf-8")
    assert [r["uscc"] for r in roster if r["uscc"] in index or r["name"] in index] == []


def test_a_lookup_file_changed_in_the_site_is_restored_and_the_cache_kept(built, tmp_path):
    """The lookup files are copies of the cache, not links: a shard changed in place in the site
    is rebuilt from an intact cache."""
    site = tmp_path / "site"
    assert azx_build(DATA, site, built.parent / "work").returncode == 0
    shard = site / "lookup" / "data" / "index.json"
    before = shard.read_bytes()
    with shard.open("r+b") as handle:  # in place: the same inode
        handle.write(b"{}")

    result = azx_build(DATA, site, built.parent / "work")

    assert result.returncode == 0, result.stdout + result.stderr
    assert shard.read_bytes() == before == (built / "lookup" / "data" / "index.json").read_bytes()


def test_charts_drawn_before_validation_failed_reach_neither_site_nor_work_folder(
        built, tmp_path, fixture_package, monkeypatch):
    """The workers draw while validation runs (here: still running until the build waits for
    it, and every chart drawn by then); bad data then publishes nothing and, in a build that
    made its work folder, leaves none."""
    from generator.project import Project
    from generator.site import build
    from generator.site.charts import draw
    from generator.site.helper import Helper

    check, start, drawn = Helper.check, draw.start, []

    def running(self, wait=False):
        return check(self, wait=True) if wait else None

    def start_and_finish(charts, keys, cache_dir, workers=None):
        fresh = start(charts, keys, cache_dir, workers)()
        drawn.extend(cache_dir.glob("*.svg"))
        return lambda: fresh

    monkeypatch.setattr(Helper, "check", running)
    monkeypatch.setattr(draw, "start", start_and_finish)
    site = tmp_path / "site"
    shutil.copytree(built, site)
    before = tree(site)
    assert build.build(fixture_package("site_invalid"), site, tmp_path / "work",
                       Project(REPO)) == 1
    assert drawn  # drawn into the work folder's cache before validation failed
    assert tree(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no work folder, no staging
