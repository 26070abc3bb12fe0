"""`azx changes`: what changed in data/ since a revision, in a throwaway git repository."""

from __future__ import annotations

from fixtures.cases import DATA, write_site_small
from release_history import MOVE, git, make_history, month_figures

from generator.cli import main
from generator.history import changes, words
from generator.package.load import read_descriptor


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["changes", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_default_shows_what_the_last_release_changed(tmp_path, capsys):
    data = make_history(tmp_path)
    december = git(data, "log", "-1", "--format=%h", "HEAD~2")
    employees = month_figures(data, "2025-12")["employees_covered"]

    code, out, _ = run(capsys, "--data", str(data))

    assert code == 0
    assert out.splitlines() == [
        f"数据变化:{december}(2026-01-05) → 当前 {data}/",
        "coverage(投保进展):新增 0 行,删除 0 行,修改 1 行",
        f"  ~ 2025年12月 / 正阳县 / 交通运输:{MOVE}",
        "主要指标:",
        f"  覆盖从业人员数:{employees - 4:,.0f} → {employees:,.0f}",
    ]


def test_since_a_ref_lists_added_rows_and_moved_figures(tmp_path, capsys):
    data = make_history(tmp_path)
    first = git(data, "log", "-1", "--format=%h", "HEAD~3")
    old, new = month_figures(data, "2025-11"), month_figures(data, "2025-12")

    code, out, _ = run(capsys, "HEAD~3", "--data", str(data))

    assert code == 0
    lines = out.splitlines()
    assert lines[:3] == [
        f"数据变化:{first}(2025-12-10) → 当前 {data}/",
        "coverage(投保进展):新增 4 行,删除 0 行,修改 0 行",
        "  + 2025年12月 / 正阳县 / 烟花爆竹",
    ]
    shown = [(f["rate"] and f"{f['rate']:.1f}%", f"{f['units_required']:,.0f}",
              f"{f['units_insured']:,.0f}", f"{f['employees_covered']:,.0f}",
              f"{f['premium_ytd'] / 10_000:,.2f} 万元") for f in (old, new)]
    labels = ["总体投保率", "应投保企业数", "已投保企业数", "覆盖从业人员数", "本年累计保费"]
    assert lines[lines.index("主要指标:"):] == [
        "主要指标:", "  最新统计月份:2025年11月 → 2025年12月",
        *(f"  {label}:{a} → {b}" for label, a, b in zip(labels, *shown, strict=True) if a != b)]


def test_uncommitted_edits_are_compared_with_the_last_release(tmp_path, capsys):
    data = make_history(tmp_path)
    last = git(data, "log", "-1", "--format=%h", "HEAD~1")
    coverage = data / "coverage.csv"
    text = coverage.read_text(encoding="utf-8")
    coverage.write_text(text.replace("2025-04,4117A3,transport,134,134,",
                                     "2025-04,4117A3,transport,135,134,"), encoding="utf-8")
    (data / "policy.yaml").write_text("# 改动\n" + (DATA / "policy.yaml").read_text("utf-8"),
                                      encoding="utf-8")

    code, out, _ = run(capsys, "--data", str(data))

    assert code == 0
    assert out.splitlines() == [
        f"数据变化:{last}(2026-01-08) → 当前 {data}/",
        "coverage(投保进展):新增 0 行,删除 0 行,修改 1 行",
        "  ~ 2025年4月 / 驻马店市城乡一体化示范区 / 交通运输:应投保企业数 134 → 135",
        "policy.yaml:已修改",
    ]


def test_unknown_ref_and_no_repository_are_usage_errors(tmp_path, capsys):
    data = make_history(tmp_path)
    assert run(capsys, "nope", "--data", str(data)) == (2, "", "azx changes: 找不到提交 nope\n")
    loose = tmp_path / "loose"
    write_site_small(loose)
    code, _, err = run(capsys, "--data", str(loose))
    assert (code, err) == (2, f"azx changes: {loose} 不在 git 仓库中,无法比较历史版本\n")


def test_roster_changes_are_counted_and_no_enterprise_is_listed(tmp_path, capsys):
    data = make_history(tmp_path)
    last = git(data, "log", "-1", "--format=%h", "HEAD~1")
    roster = data / "enterprises.csv"
    lines = roster.read_text(encoding="utf-8").splitlines(keepends=True)
    uninsured = next(n for n, line in enumerate(lines) if ",否," in line)
    code_of = lines[uninsured].split(",")[0]
    lines[uninsured] = lines[uninsured].replace(",否,,,,", ",是,TXCX,2025-05-01,2026-04-30,")
    removed = lines.pop(1)
    roster.write_text("".join(lines), encoding="utf-8")

    code, out, _ = run(capsys, "--data", str(data))

    assert code == 0
    assert out.splitlines() == [
        f"数据变化:{last}(2026-01-08) → 当前 {data}/",
        "enterprises(应投保企业名单):新增应投保 0 家,移出名单 1 家,新投保 1 家,转为未投保 0 家,"
        "其他信息更新 0 家",
    ]
    assert code_of not in out and removed.split(",")[0] not in out


# ---------------------------------------------------------------- release titles, from a diff


def snapshot() -> dict[str, str | None]:
    return changes.snapshot_worktree(DATA, changes.package_names(DATA))


def without(files: dict[str, str | None], name: str, start: str) -> dict[str, str | None]:
    text = files[name] or ""
    return {**files, name: "".join(x for x in text.splitlines(keepends=True)
                                   if not x.startswith(start))}


def title_and_lines(old, new) -> tuple[str, list[str]]:
    descriptor = read_descriptor(DATA)
    diff = changes.diff_snapshots(descriptor, old, new)
    return words.release_title(diff, descriptor), words.diff_lines(diff, descriptor)


def test_a_release_that_adds_a_month_is_titled_by_the_month():
    now = snapshot()

    title, lines = title_and_lines(without(now, "coverage.csv", "2025-12,"), now)

    assert title == "新增 2025年12月投保进展"
    assert lines[0] == "coverage(投保进展):新增 89 行,删除 0 行,修改 0 行"
    assert lines[1] == "  + 2025年12月:89 行"


def rescored(text: str, prefix: str) -> str:
    """assessments.csv text with the total score (92.1) of the row starting `prefix` made 91.2."""
    lines = text.split("\n")
    at = next(n for n, line in enumerate(lines) if line.startswith(prefix))
    fields = lines[at].split(",")
    assert fields[8] == "92.1"
    lines[at] = ",".join([*fields[:8], "91.2", *fields[9:]])
    return "\n".join(lines)


def test_updating_an_assessment_round_names_the_round_and_the_insurer():
    now = snapshot()
    old = {**now, "assessments.csv": rescored(now["assessments.csv"] or "", "2025H2,BSCX,")}

    title, lines = title_and_lines(old, now)

    assert title == "更新 2025年下半年保险机构评估结果"
    assert lines[:2] == [
        "assessments(保险机构评估结果):新增 0 行,删除 0 行,修改 1 行",
        "  ~ 2025年下半年 / 薄山财险:总分 91.2 → 92.1",
    ]
    assert "BSCX" not in "\n".join(lines)


def test_deleted_rows_and_several_changes_make_one_title():
    now = snapshot()
    new = without(without(now, "claims.csv", "2025Q4,BSCX,"), "coverage.csv", "2025-12,")
    new = {**new, "assessments.csv": rescored(new["assessments.csv"] or "", "2025H2,BSCX,")}

    title, lines = title_and_lines(now, new)

    assert title == ("删除 2025年12月投保进展;更新 2025年下半年保险机构评估结果;"
                     "删除 2025年第四季度理赔情况")
    claims = lines.index(next(x for x in lines if x.startswith("claims(")))
    assert lines[claims + 1] == "  - 2025年第四季度 / 薄山财险 / 煤矿"


def test_roster_changes_are_titled_without_any_enterprise():
    now = snapshot()
    roster = now["enterprises.csv"] or ""
    first = roster.splitlines(keepends=True)[1]

    title, _ = title_and_lines(now, {**now, "enterprises.csv": roster.replace(first, "")})

    assert title == "更新应投保企业名单"
    assert first.split(",")[0] not in title and first.split(",")[1] not in title


def test_changed_cells_read_as_the_site_writes_numbers_and_dates():
    descriptor = read_descriptor(DATA)
    fields = {f["name"]: f for r in descriptor["resources"]
              if r["name"] in ("coverage", "assessments") for f in r["schema"]["fields"]}
    assert words.value_text(fields["employees_covered"], "14649") == "14,649"
    assert words.value_text(fields["premium_ytd"], "235120.47") == "235,120.47 元"
    assert words.value_text(fields["premium_ytd"], "93448") == "93,448.00 元"
    assert words.value_text(fields["rectification_due"], "2025-04-10") == "2025年4月10日"
    assert words.value_text(fields["total_score"], "52.1") == "52.1"
    # an old commit's value that does not read as its type is shown as written
    assert [words.value_text(fields["employees_covered"], "1,234"),
            words.value_text(fields["premium_ytd"], "nan"),
            words.value_text(fields["rectification_due"], "2025/4/10")] == [
        "1,234", "nan", "2025/4/10"]


def test_a_list_row_is_named_and_counts_are_separated():
    descriptor = read_descriptor(DATA)
    diff = changes.Diff(
        [changes.ResourceDiff("regions", "县区", added=[("4117A4",)], removed=[("411729",)]),
         changes.ResourceDiff("enterprises", "应投保企业名单",
                              added=[(f"9141{i:014d}",) for i in range(1234)])],
        [], [], names={"regions": {"4117A4": "示例新区", "411729": "新蔡县"}})
    assert words.diff_lines(diff, descriptor) == [
        "regions(县区):新增 1 行,删除 1 行,修改 0 行",
        "  + 示例新区",
        "  - 新蔡县",
        "enterprises(应投保企业名单):新增应投保 1,234 家,移出名单 0 家,新投保 0 家,"
        "转为未投保 0 家,其他信息更新 0 家",
    ]


def test_a_code_in_a_two_field_key_is_named_as_elsewhere_in_the_package():
    # assessment_scores refers to assessments by (round, insurer_code); coverage's and the other
    # tables' insurer_code refers to insurers, so the insurer is named by its short name
    descriptor = read_descriptor(DATA)
    diff = changes.Diff(
        [changes.ResourceDiff("assessment_scores", "评估维度得分", changed=[
            (("2024H1", "BSCX", "funding"), "score", "88.9", "89.0")])],
        [], [], names={"insurers": {"BSCX": "薄山财险"}})
    assert words.diff_lines(diff, descriptor) == [
        "assessment_scores(评估维度得分):新增 0 行,删除 0 行,修改 1 行",
        "  ~ 2024年上半年 / 薄山财险 / funding:维度得分 88.9 → 89.0",
    ]


def test_the_feed_counts_roster_changes_and_names_no_enterprise(tmp_path):
    from generator.history import releases

    data = make_history(tmp_path)
    roster = data / "enterprises.csv"
    lines = roster.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(n for n, line in enumerate(lines) if ",否,,,," in line)
    touched = [lines[at], lines[1]]
    lines[at] = lines[at].replace(",否,,,,", ",是,TXCX,2025-05-01,2026-04-30,")
    fields = lines[1].split(",")
    added = ",".join(["91411700AAAAAAAAAA", "示例新列入运输有限公司", *fields[2:]])
    lines[1] = added
    roster.write_text("".join(lines), encoding="utf-8")
    git(data.parent, "add", "data")
    git(data.parent, "commit", "-q", "-m", "名单更新", date="2026-01-10T09:00:00+08:00")

    found = releases.data_releases(data)
    feed = releases.write_feed(found, tmp_path, read_descriptor(data)).read_text(encoding="utf-8")

    assert found[0].lines == (
        "enterprises(应投保企业名单):新增应投保 1 家,移出名单 1 家,新投保 1 家,转为未投保 0 家,"
        "其他信息更新 0 家",)
    assert "新增应投保 1 家,移出名单 1 家,新投保 1 家" in feed
    for line in [*touched, added]:
        code, name = line.split(",")[:2]
        assert code not in feed and name not in feed


RESOURCE = {"name": "t", "schema": {"primaryKey": ["period", "code"], "fields": [
    {"name": "period"}, {"name": "code"}, {"name": "units"}, {"name": "premium"},
    {"name": "note"}]}}
TEXTS = [  # (old, new) CSV texts: every kind of row, and texts a line is not a row of
    ("period,code,units,premium\n2025-11,a,1,2.5\n2025-12,a,3,4\n2025-12,b,5,6\n",
     "period,code,units,premium\n2025-11,a,1,2.5\n2025-12,a,3,4.5\n\n2025-12,c,7,8\n"
     "2025-12,a,9,4.5\n2025-11,z,1,1\n"),  # changed, removed, added, a duplicate key, empty line
    ("code,units\na,1\nb,2\n", "code,units\nb,3\na,1\nc,1\n"),  # a key column missing
    ("period,code,units\n2025-12,a,1\n", "period,code,units,premium\n2025-12,a,1,2\n"),
    ("period,code,units\n2025-12,a,1\n", 'period,code,units\n2025-12,a,"1,5"\n'),
    ("period,code,units\n2025-12,a,1\n", "period,code,units\n2025-12,a,1,9\n2025-12,b\n"),
    ("period,code,units\r\n2025-12,a,1\r\n", "period,code,units\r\n2025-12,a,2\r\n"),
    ("period,code,code\n2025-12,a,b\n", "period,code,code\n2025-12,a,c\n"),
    (None, "period,code,units\n2025-12,a,1\n"), ("period,code\n", "")]


def test_rows_split_at_commas_diff_as_the_csv_reader_reads_them(monkeypatch):
    """The diff of two texts whose lines are rows (`_plain_lines`) is the one of the rows as
    `csv.DictReader` reads them: rows added, removed and changed, in the same order."""
    fast = [changes.diff_table(RESOURCE, old, new) for old, new in TEXTS]
    assert changes._plain_lines(*TEXTS[0]) is not None  # the lines of the first are its rows
    monkeypatch.setattr(changes, "_plain_lines", lambda *texts: None)
    assert fast == [changes.diff_table(RESOURCE, old, new) for old, new in TEXTS]
    assert fast[0].changed == [(("2025-12", "a"), "units", "3", "9"),
                               (("2025-12", "a"), "premium", "4", "4.5")]
    assert (fast[0].added, fast[0].removed) == ([("2025-12", "c"), ("2025-11", "z")],
                                                [("2025-12", "b")])
