"""Periodic bulletins: one per quarter, figures from the CSVs up to that quarter only."""

import csv
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml
from test_pages import render_page, site_data

from generator.history import releases
from generator.site import pages

DATA = Path(__file__).resolve().parents[1] / "data"


def _rows(root: Path, name: str) -> list[dict]:
    with open(root / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_bulletin_index_lists_one_numbered_issue_per_quarter(tmp_path):
    text = render_page(tmp_path, DATA, "bulletins/index.md")
    months = sorted({r["period"] for r in _rows(DATA, "coverage")
                     if r["period"][5:] in ("03", "06", "09", "12")}, reverse=True)
    found = [line.split("](")[1].split(")")[0] for line in text.splitlines()
             if line.startswith("| [")]
    assert found == [f"{m}.md" for m in months]
    assert "| [2025年第4期](2025-12.md) | 2025年12月 |" in text
    assert "驻马店市安全生产委员会办公室按季度通报" in text


def test_bulletin_figures_come_from_its_own_quarter(tmp_path):
    text = render_page(tmp_path, DATA, "bulletins/2024-12.md")
    coverage = [r for r in _rows(DATA, "coverage") if r["period"] == "2024-12"]
    required = sum(int(r["units_required"]) for r in coverage)
    insured = sum(int(r["units_insured"]) for r in coverage)
    assert ('<p class="azx-bulletin__issuer">驻马店市安全生产委员会办公室 · 2024年12月31日</p>'
            in text)
    assert f"| 尚未投保企业数 | {required - insured:,} |" in text
    enforcement = [r for r in _rows(DATA, "enforcement") if r["period"] == "2024Q4"]
    checked = sum(int(r["units_checked"]) for r in enforcement)
    found = sum(int(r["units_found_uninsured"]) for r in enforcement)
    assert f"本季度检查企业 {checked:,} 家,发现未投保 {found:,} 家," in text
    claims = [r for r in _rows(DATA, "claims") if r["period"] == "2024Q4"]
    paid = sum(float(r["amount_paid"]) for r in claims)
    settled = sum(int(r["claims_settled"]) for r in claims)
    assert f"结案 {settled} 件,赔付 {paid / 10_000:,.2f} 万元" in text
    fireworks = [r for r in coverage if r["industry_code"] == "fireworks"]
    gap = sum(int(r["units_required"]) - int(r["units_insured"]) for r in fireworks)
    assert f"烟花爆竹至今仍有 {gap} 家企业未投保" in text  # as the bulletin stood, not today


def test_a_bulletin_does_not_change_when_later_data_arrives(tmp_path):
    """The 2024-12 bulletin from data/ equals the one from data/ cut at 2024-12."""
    cut = tmp_path / "cut"
    shutil.copytree(DATA, cut)
    keep = {"coverage": lambda r: r["period"] <= "2024-12",
            "claims": lambda r: r["period"] <= "2024Q4",
            "enforcement": lambda r: r["period"] <= "2024Q4",
            "insurer_supervision": lambda r: r["period"] <= "2024Q4",
            "prevention": lambda r: r["year"] <= "2024",
            "assessments": lambda r: r["round"] <= "2024H2",
            "assessment_scores": lambda r: r["round"] <= "2024H2"}
    for name, wanted in keep.items():
        text = (DATA / f"{name}.csv").read_text(encoding="utf-8").splitlines(keepends=True)
        header = next(csv.reader(text[:1]))
        kept = [line for line in text[1:]
                if wanted(dict(zip(header, next(csv.reader([line])), strict=True)))]
        (cut / f"{name}.csv").write_text("".join(text[:1] + kept), encoding="utf-8")
    full = render_page(tmp_path / "a", DATA, "bulletins/2024-12.md")
    alone = render_page(tmp_path / "b", cut, "bulletins/2024-12.md")
    assert full == alone  # the whole page: no "data updated" date of later data either
    assert "数据更新于" not in full


def test_each_bulletin_is_an_entry_of_the_feed(tmp_path):
    site = site_data(DATA)
    feed = releases.write_feed([], tmp_path, site.package.descriptor,
                               issues=pages.issues(pages.plan(site)))
    atom = "{http://www.w3.org/2005/Atom}"
    entries = ET.parse(feed).getroot().findall(f"{atom}entry")
    assert [e.find(f"{atom}link").get("href") for e in entries][:2] == [
        "bulletins/2025-12/", "bulletins/2025-09/"]
    assert entries[0].find(f"{atom}title").text == "安全生产责任保险工作通报(2025年第4期)"
    assert entries[0].find(f"{atom}updated").text == "2025-12-31T00:00:00Z"
    assert len(entries) == 8


def test_bulletins_are_issued_by_the_publishers_issuer(tmp_path, fixture_package):
    data = tmp_path / "data"
    shutil.copytree(fixture_package("site_small"), data)
    raw = yaml.safe_load((DATA / "publisher.yaml").read_text(encoding="utf-8"))
    (data / "publisher.yaml").write_text(
        yaml.safe_dump(raw | {"issuer": "样例市安全生产委员会办公室"}, allow_unicode=True),
        encoding="utf-8")
    index = render_page(tmp_path / "a", data, "bulletins/index.md")
    issue = render_page(tmp_path / "b", data, "bulletins/2025-06.md")
    assert "样例市安全生产委员会办公室按季度通报" in index
    assert '<p class="azx-bulletin__issuer">样例市安全生产委员会办公室 · 2025年6月30日</p>' in issue
    rest = issue[issue.index('<p class="azx-bulletin__issuer">'):]
    for region in _rows(data, "regions"):  # a region's own name may hold the city's
        rest = rest.replace(region["name"], "")
    assert "驻马店" not in rest


def test_kept_bulletins_are_the_computed_ones_and_a_new_month_recomputes_only_its_own(tmp_path):
    """A build keeps each bulletin by the digest of the rows it reads: data/ with its latest
    month edited recomputes that quarter's bulletin alone, and every bulletin is what a build
    without the cache computes."""
    from generator.package.load import load_package
    from generator.site import bulletins

    kept = tmp_path / "bulletins"
    package = load_package(DATA)
    assert repr(bulletins.bulletins(package, kept)) == repr(bulletins.bulletins(package))
    before = set(kept.iterdir())
    assert len(before) == len(bulletins.bulletin_months(package.frames["coverage"]))

    edited = tmp_path / "edited"
    shutil.copytree(DATA, edited)
    rows = _rows(DATA, "coverage")
    latest = max(r["period"] for r in rows)
    for row in rows:
        if row["period"] == latest:
            row["units_insured"] = str(int(row["units_insured"]) - 1 if int(row["units_insured"])
                                       else 0)
    with open(edited / "coverage.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    package = load_package(edited)
    issued = bulletins.bulletins(package, kept)
    assert repr(issued) == repr(bulletins.bulletins(package))
    assert len(set(kept.iterdir()) - before) == 1
    assert issued[-1]["month"] == latest


def test_bulletins_from_the_whole_tables_are_those_from_the_rows_up_to_their_month():
    """`bulletins` prepares once what every bulletin takes from the whole tables (its months,
    quarters, verdicts and prevention years) and selects the rows of each by the columns'
    distinct values: the same rows, and the same bulletins, as each computed alone."""
    import pandas as pd

    from generator.package.load import load_package
    from generator.site import bulletins

    package = load_package(DATA)
    months = bulletins.bulletin_months(package.frames["coverage"])
    at_most = bulletins.distinct_masks(package.frames)
    for month in months:
        rows = bulletins.read_rows(package, month, at_most)
        for name, frame in bulletins.read_rows(package, month).items():
            pd.testing.assert_frame_equal(rows[name], frame)
    alone = [bulletins.bulletin(package, month, months[i - 1] if i else None)
             for i, month in enumerate(months)]
    assert repr(bulletins.bulletins(package)) == repr(alone)
