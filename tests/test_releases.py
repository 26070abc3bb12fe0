"""The release record from git history: releases, per-file dates and the Atom feed."""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
import xml.etree.ElementTree as ET

from fixtures.cases import write_site_small
from release_history import (
    CORRECTED,
    COVERED,
    DECEMBER,
    MOVE,
    RELEASES,
    git,
    make_history,
    month_figures,
)

from generator.history import changes, releases
from generator.package.load import load_package
from generator.site import pages, render

A = "{http://www.w3.org/2005/Atom}"


def feed_bytes(data) -> bytes:
    return releases.atom_feed(
        releases.data_releases(data), title="驻马店市安责险数据更新记录", author="驻马店市安委办",
        page_url="https://example.org/updates/", feed_url="https://example.org/feed.xml",
        feed_key="zhumadian-ajx",
    )


def test_every_data_commit_is_a_release_newest_first(tmp_path):
    data = make_history(tmp_path)

    found = releases.data_releases(data)

    assert [(r.commit.subject, r.commit.date) for r in found] == [
        ("更正正阳县交通运输十二月数据", dt.date(2026, 1, 8)),
        ("十二月投保进展", dt.date(2026, 1, 5)),
        ("首批数据", dt.date(2025, 12, 10)),
    ]
    assert found[0].commit.sha == git(data, "rev-parse", "HEAD~1")
    assert found[0].lines[:2] == (
        "coverage(投保进展):新增 0 行,删除 0 行,修改 1 行",
        f"  ~ 2025年12月 / 正阳县 / 交通运输:{MOVE}",
    )
    assert found[1].lines[:2] == (
        "coverage(投保进展):新增 4 行,删除 0 行,修改 0 行",
        "  + 2025年12月 / 正阳县 / 烟花爆竹",
    )
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    counts = []
    for resource in descriptor["resources"]:
        with open(data / resource["path"], encoding="utf-8", newline="") as handle:
            rows = [r for r in csv.reader(handle)][1:]
        if resource["name"] == "coverage":  # the first release is without December
            rows = [r for r in rows if not f"{r[0]},".startswith(DECEMBER)]
        counts.append(f"{resource['name']}({resource['title']}){len(rows)} 行")
    assert found[2].lines[0] == "首次发布数据包:" + ",".join(counts)


def test_last_changed_is_the_date_of_the_release_that_last_touched_the_files(tmp_path):
    data = make_history(tmp_path)

    assert releases.last_changed(data, ["coverage.csv"]) == dt.date(2026, 1, 8)
    assert releases.last_changed(data, ["regions.csv", "claims.csv"]) == dt.date(2025, 12, 10)
    assert releases.last_changed(data, ["regions.csv", "coverage.csv"]) == dt.date(2026, 1, 8)
    assert releases.last_changed(data, ["missing.csv"]) is None
    assert releases.file_dates(data)["policy.yaml"] == dt.date(2025, 12, 10)


def test_outside_git_there_is_no_history(tmp_path):
    loose = tmp_path / "loose"
    write_site_small(loose)
    assert releases.last_changed(loose, ["coverage.csv"]) is None
    assert releases.data_releases(loose) == []


def test_a_folder_in_git_without_commits_has_no_history(tmp_path):
    git(tmp_path, "init", "-q")
    (tmp_path / ".gitignore").write_text("out/\n", encoding="utf-8")
    git(tmp_path, "add", ".gitignore")
    git(tmp_path, "commit", "-q", "-m", "ignore out/")
    ignored = tmp_path / "out" / "data"  # as bench/out/<scale>/data: in the tree, never committed
    write_site_small(ignored)
    assert releases.last_changed(ignored, ["coverage.csv"]) is None
    assert releases.data_releases(ignored) == []


def test_atom_feed_has_the_required_elements_newest_first(tmp_path):
    data = make_history(tmp_path)

    body = feed_bytes(data)

    root = ET.fromstring(body)
    assert root.tag == f"{A}feed"
    assert root.findtext(f"{A}title") == "驻马店市安责险数据更新记录"
    assert root.findtext(f"{A}id").startswith("urn:uuid:")
    assert root.findtext(f"{A}updated") == "2026-01-08T08:30:00Z"
    assert root.findtext(f"{A}author/{A}name") == "驻马店市安委办"
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{A}link")}
    assert links == {"self": "https://example.org/feed.xml",
                     "alternate": "https://example.org/updates/"}
    entries = root.findall(f"{A}entry")
    assert [e.findtext(f"{A}updated") for e in entries] == [
        "2026-01-08T08:30:00Z", "2026-01-05T02:00:00Z", "2025-12-10T01:00:00Z",
    ]
    assert [e.findtext(f"{A}title") for e in entries] == [
        "2026年1月8日:更新 2025年12月投保进展",
        "2026年1月5日:新增 2025年12月投保进展",
        "2025年12月10日:首次发布数据",
    ]
    head = git(data, "rev-parse", "HEAD~1")
    assert entries[0].findtext(f"{A}id") == releases.entry_id(releases.history(data)[0])
    assert entries[0].find(f"{A}link").get("href") == (
        f"https://example.org/updates/#release-{head[:7]}"
    )
    assert len({e.findtext(f"{A}id") for e in entries}) == 3
    assert entries[0].findtext(f"{A}summary") == (
        f"更新 2025年12月投保进展(提交 {head[:7]},提交说明:更正正阳县交通运输十二月数据)"
    )
    for entry in entries:
        assert entry.findtext(f"{A}summary")
        assert entry.find(f"{A}content").get("type") == "text"


def test_feed_bytes_are_reproducible(tmp_path):
    data = make_history(tmp_path)
    first = feed_bytes(data)
    releases._history.cache_clear()
    assert feed_bytes(data) == first
    assert first.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns=')


def test_updates_page_lists_each_release_with_its_changes(tmp_path):
    data = make_history(tmp_path)
    package = load_package(data)
    site = pages.SiteData(package, releases=releases.data_releases(data))
    docs = tmp_path / "docs"

    [page] = pages.updates_page(site)
    render.render([page], {}, docs, lambda files: releases.last_changed(data, files), package)
    feed = releases.write_feed(site.releases, docs, package.descriptor)

    text = html.unescape((docs / "updates.md").read_text(encoding="utf-8"))
    head = git(data, "rev-parse", "--short=7", "HEAD~1")
    assert "<p class=\"azx-updated\">数据更新于 2026年1月8日</p>" in text
    assert "订阅更新:[Atom 订阅源](feed.xml)(可用 RSS 阅读器订阅)。" in text
    assert "共 3 次数据发布。" in text
    employees = month_figures(data, "2025-12")["employees_covered"]
    block = text.split(f"## 2026年1月8日:更新 2025年12月投保进展 {{ #release-{head} }}\n")[1]
    assert block.split("\n## ")[0].strip().splitlines() == [
        f"<small>提交 {head},提交说明:更正正阳县交通运输十二月数据</small>",
        "",
        "- 投保进展:新增 0 行,删除 0 行,修改 1 行",
        f"    - 修改 2025年12月 / 正阳县 / 交通运输:{MOVE}",
        "- 主要指标",
        f"    - 覆盖从业人员数:{employees - 4:,.0f} → {employees:,.0f}",
    ]
    order = [text.index(subject) for subject, _ in reversed(RELEASES)]
    assert order == sorted(order)
    root = ET.parse(feed).getroot()
    assert root.find(f"{A}link").get("href") == "feed.xml"
    assert len(root.findall(f"{A}entry")) == 3


def test_cached_releases_equal_fresh_ones_and_read_no_git(tmp_path, monkeypatch):
    data = make_history(tmp_path)
    cache = tmp_path / "cache"
    fresh = releases.data_releases(data)
    assert releases.data_releases(data, cache) == fresh
    assert len(list(cache.glob("*.pickle"))) == 3

    def no_git(*args, **kwargs):
        raise AssertionError("a cached release read git")

    monkeypatch.setattr(releases.changes, "snapshot_at", no_git)
    assert releases.data_releases(data, cache) == fresh


def test_release_cache_is_keyed_by_the_descriptor(tmp_path):
    data = make_history(tmp_path)
    cache = tmp_path / "cache"
    releases.data_releases(data, cache)
    descriptor = data / "datapackage.json"
    descriptor.write_text(descriptor.read_text(encoding="utf-8").replace(
        '"title": "投保进展"', '"title": "投保进展情况"'), encoding="utf-8")

    found = releases.data_releases(data, cache)

    assert found[0].lines[0].startswith("coverage(投保进展情况):")
    assert len(list(cache.glob("*.pickle"))) == 6


def test_a_new_commit_figures_the_headlines_of_its_new_version_alone(tmp_path, monkeypatch):
    """With the cache, the build after a new data commit computes the headline figures of the
    commit's new version only: those of its old version were kept by the build before (as its
    newest version); the releases are those found without the cache."""
    data = make_history(tmp_path)
    cache = tmp_path / "cache"
    releases.data_releases(data, cache)
    coverage = data / "coverage.csv"
    again = CORRECTED.replace(f",{COVERED + 4},", f",{COVERED + 8},")
    coverage.write_text(coverage.read_text(encoding="utf-8").replace(CORRECTED, again),
                        encoding="utf-8")
    git(data.parent, "commit", "-q", "-am", "再次更正", date="2026-01-10T09:00:00+08:00")
    releases._history.cache_clear()
    changes._HEADLINES.clear()  # a new process
    figured: list[dict] = []
    headline_figures = changes.headline_figures
    monkeypatch.setattr(changes, "headline_figures",
                        lambda frames: figured.append(frames) or headline_figures(frames))

    found = releases.data_releases(data, cache)

    assert len(figured) == 1
    assert found[0].commit.subject == "再次更正" and found[0].diff.headlines
    changes._HEADLINES.clear()
    assert found == releases.data_releases(data)


def test_page_headings_name_tables_and_files_by_their_titles():
    found = releases.outline((
        "首次发布数据包:regions(报送单位)3 行,coverage(投保进展)18 行",
        "enterprises(应投保企业名单):新增应投保 0 家,移出名单 1 家,新投保 1 家,转为未投保 0 家,"
        "其他信息更新 0 家",
        "claims(理赔情况):新增 0 行,删除 1 行,修改 0 行",
        "  - 2025年第四季度 / 薄山财险 / 煤矿",
        "policy.yaml:已修改",
    ))

    assert [(o.heading, o.items) for o in found] == [
        ("首次发布数据包:报送单位 3 行,投保进展 18 行", ()),
        ("应投保企业名单:新增应投保 0 家,移出名单 1 家,新投保 1 家,转为未投保 0 家,"
         "其他信息更新 0 家", ()),
        ("理赔情况:新增 0 行,删除 1 行,修改 0 行", ("删除 2025年第四季度 / 薄山财险 / 煤矿",)),
        ("业务规则参数:已修改", ()),
    ]


def test_a_commit_subject_is_shown_only_when_written_in_chinese():
    assert [releases.public_subject(s) for s in (
        "更正正阳县交通运输十二月数据", "Excel 直接保存", "2024年6月投保数据",
        "Illustrative data: shorter catch-up lags, so industries reach full coverage",
        "rates resource (费率): schema with Chinese titles, contract, rules min ≤ max",
        "README",
    )] == ["更正正阳县交通运输十二月数据", "Excel 直接保存", "2024年6月投保数据", "", "", ""]


def test_the_newest_release_folds_a_long_row_list_under_its_headings():
    rows = releases.Outline("投保进展:新增 0 行,删除 0 行,修改 40 行",
                            tuple(f"修改 行 {i}" for i in range(30)), 10)
    few = releases.Outline("理赔情况:新增 0 行,删除 0 行,修改 2 行", ("修改 甲", "修改 乙"), 0)
    headline = releases.Outline("主要指标", ("本年累计保费:1.00 万元 → 2.00 万元",), 0)
    shown, folded = releases.split_newest([rows, few, headline])
    assert shown == [releases.Outline(rows.heading, (), 0), releases.Outline(few.heading, (), 0),
                     headline]
    assert folded == [rows, few]
    short = [few, headline]
    assert releases.split_newest(short) == (short, [])


def test_a_file_that_revisions_share_is_read_once(tmp_path, monkeypatch):
    from generator.history import git as history_git

    data = make_history(tmp_path)
    specs = [f"{rev}:data/{name}" for rev in ("HEAD~3", "HEAD~2", "HEAD~1", "HEAD")
             for name in ("coverage.csv", "regions.csv", "nothing.csv")]
    one_by_one = [history_git.read_blobs(data, [spec])[0] for spec in specs]
    asked: list[bytes] = []
    run = history_git.git

    def recorded(root, *args, stdin=None):
        if args[-1] == "--batch":
            asked.append(stdin)
        return run(root, *args, stdin=stdin)

    monkeypatch.setattr(history_git, "git", recorded)
    assert history_git.read_blobs(data, specs) == one_by_one
    assert one_by_one.count(None) == 4 and len(set(one_by_one)) == 5  # 3 coverages, 1 regions
    assert len(asked) == 1 and asked[0].count(b"\n") == 4  # each read once
