"""Deadline verdicts: the home page's sentences and county table, the industry tables' status,
checked against figures this test computes itself from the bundled CSVs."""

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path

import pandas as pd
from test_pages import render_page

from generator.package.policy import load_policy
from generator.site import verdicts

DATA = Path(__file__).resolve().parents[1] / "data"


def _rows(name: str) -> list[dict]:
    with open(DATA / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _sums(keys: tuple[str, ...]) -> dict:
    """(key values..., period) → [insured, required], summed from coverage.csv."""
    sums: dict = defaultdict(lambda: [0, 0])
    for row in _rows("coverage"):
        key = (*(row[k] for k in keys), row["period"])
        sums[key][0] += int(row["units_insured"])
        sums[key][1] += int(row["units_required"])
    return sums


def _pct(insured: int, required: int) -> str:
    return f"{100 * insured / required:.1f}%"


def _month(period: str) -> str:
    year, month = period.split("-")
    return f"{year}年{int(month)}月"


def test_home_opens_with_one_verdict_sentence_per_batch(tmp_path):
    industries = sorted(_rows("industries"), key=lambda r: int(r["display_order"]))
    sums = _sums(("industry_code",))
    latest = max(p for *_, p in sums)
    first = [r for r in industries if r["batch"] == "首批"]
    assert {r["due_date"] for r in first} == {"2024-12-31"}
    on_time, missed, later, still = [], [], [], []
    for r in first:
        insured, required = sums[(r["code"], "2024-12")]
        if insured >= required:
            on_time.append(r["name"])
            continue
        missed.append(f"{r['name']}({_pct(insured, required)})")
        reached = sorted(p for (c, p), (i, q) in sums.items()
                         if c == r["code"] and p > "2024-12" and i >= q)
        if reached:
            later.append(f"{r['name']}于 {_month(reached[0])}")
        else:
            i, q = sums[(r["code"], latest)]
            still.append(f"{r['name']}至今仍有 {q - i} 家企业未投保")
    expected = (f"**首批行业共 {len(first)} 个,应于 2024年12月31日前实现全覆盖。**截至该日,"
                f"{'、'.join(on_time)}按期实现,{'、'.join(missed)}未按期实现;其中{'、'.join(later)}"
                f"实现全覆盖,{'、'.join(still)}。")
    text = render_page(tmp_path, DATA, "index.md")
    assert "\n" + expected + "\n" in text
    assert on_time and missed and later and still  # the illustrative data shows every case
    # the extension batch is due on the last day of the data: that day is still on time
    trade = next(r for r in industries if r["batch"] == "拓展")
    insured, required = sums[(trade["code"], "2025-12")]
    assert latest == "2025-12" and trade["due_date"] == "2025-12-31"
    assert (f"**拓展行业共 1 个,应于 2025年12月31日前实现全覆盖。**截至该日,{trade['name']}"
            f"({_pct(insured, required)})未按期实现,至今仍有 {required - insured} 家企业未投保。"
            in text)


def test_home_county_table_for_the_assessment(tmp_path):
    due = {r["code"]: r["due_date"][:7] for r in _rows("industries")}
    sums = _sums(("region_code", "industry_code"))
    latest = max(p for *_, p in sums)
    text = render_page(tmp_path, DATA, "index.md")
    for region in _rows("regions"):
        code = region["code"]
        at_due = [sums[(code, i, m)] for i, m in due.items() if (code, i, m) in sums]
        now = [v for (c, _, p), v in sums.items() if c == code and p == latest]
        missed = sum(1 for i, q in at_due if i < q)
        ins, req = sum(i for i, _ in at_due), sum(q for _, q in at_due)
        ins_now, req_now = sum(i for i, _ in now), sum(q for _, q in now)
        orders = sum(int(r["orders_issued"]) for r in _rows("enforcement")
                     if r["region_code"] == code)
        cases = sum(int(r["penalty_cases"]) for r in _rows("enforcement")
                    if r["region_code"] == code)
        row = (f"| [{region['name']}](regions/{code.lower()}.md) | {_pct(ins, req)} | {missed} | "
               f"{_pct(ins_now, req_now)} | {req_now - ins_now:,} | "
               f"责令整改 {orders:,} 件、行政处罚 {cases:,} 件 |")
        assert row in text


def _first_full(sums: dict, key: tuple[str, ...], after: str) -> str | None:
    """The first month after `after` whose cell(s) `key` are fully insured."""
    months = sorted(p for (*k, p), (i, q) in sums.items() if tuple(k) == key and p > after
                    and i >= q)
    return months[0] if months else None


def test_industry_table_shows_the_deadline_verdict_not_the_latest_month(tmp_path):
    sums = _sums(("industry_code",))
    latest = max(p for *_, p in sums)
    industries = {r["code"]: r for r in _rows("industries")}
    text = render_page(tmp_path, DATA, "industries/index.md")
    seen = set()
    for code in ("coal_mine", "fireworks", "fishery"):
        r = industries[code]
        due = r["due_date"][:7]
        at_due, now = sums[(code, due)], sums[(code, latest)]
        late = _first_full(sums, (code,), due)
        status = "按期实现" if at_due[0] >= at_due[1] else f"逾期实现({_month(late)})"
        seen.add(status[:2])
        assert (f"| [{r['name']}]({code}.md) | {r['batch']} | {r['lead_department']} | "
                f"2024年12月31日 | {now[1]:,} | {now[0]:,} | {_pct(*now)} | {_pct(*at_due)} | "
                f"{status} |") in text
    assert seen == {"按期", "逾期"}
    insured, required = sums[("fishery", "2024-12")]
    page = render_page(tmp_path, DATA, "industries/fishery.md")
    assert (f"| 截止日期完成情况 | 逾期实现({_month(_first_full(sums, ('fishery',), '2024-12'))}) |"
            f"\n| 截止日覆盖率 | {_pct(insured, required)} |") in page


def _verdict(periods: dict, due: str, latest: str) -> dict:
    coverage = pd.DataFrame([
        {"period": p, "region_code": "r", "industry_code": "x", "units_insured": i,
         "units_required": q} for p, (i, q) in periods.items()])
    industries = pd.DataFrame([{"code": "x", "due_date": due}])
    policy = load_policy(DATA)
    table = verdicts.deadline_verdicts(coverage, industries, ["industry_code"], latest, policy)
    return table.iloc[0].to_dict()


def test_the_due_day_itself_is_on_time():
    row = _verdict({"2025-05": (8, 10), "2025-06": (10, 10)}, "2025-06-30", "2025-06")
    assert (row["status"], row["first_full"], row["due_date"]) == (
        "on_time", "2025-06", dt.date(2025, 6, 30))


def test_missed_late_and_not_yet_due():
    missed = _verdict({"2025-06": (9, 10), "2025-07": (9, 10)}, "2025-06-30", "2025-07")
    assert (missed["status"], missed["rate_at_due"], missed["units_uninsured"]) == (
        "missed", 0.9, 1)
    late = _verdict({"2025-06": (9, 10), "2025-07": (10, 10)}, "2025-06-30", "2025-07")
    assert (late["status"], late["met_after"]) == ("late", "2025-07")
    early = _verdict({"2025-06": (9, 10)}, "2025-12-31", "2025-06")
    assert (early["status"], early["due_passed"]) == ("open", False)


def test_no_data_for_the_due_month_is_no_verdict(tmp_path, fixture_package):
    row = _verdict({"2025-07": (10, 10)}, "2025-06-30", "2025-07")
    assert (row["status"], row["met_on_time"]) == ("unknown", False)
    text = render_page(tmp_path, fixture_package("valid_base"), "index.md")  # from 2025-11
    assert ("**首批行业共 2 个,应于 2024年12月31日前实现全覆盖。**"
            "危险化学品、建筑施工截止当月未报送投保数据。\n") in text


def test_region_page_gives_each_industry_its_deadline_verdict(tmp_path):
    sums = _sums(("region_code", "industry_code"))
    insured, required = sums[("411724", "transport", "2024-12")]
    now_insured, now_required = sums[("411724", "transport", "2025-12")]
    assert insured < required and now_insured < now_required
    text = render_page(tmp_path, DATA, "regions/411724.md")
    assert (f"| [交通运输](../industries/transport.md) | 2024年12月31日 | "
            f"{_pct(insured, required)} | — | {now_required - now_insured} | 未按期实现 |") in text
    insured, required = sums[("411724", "industrial_trade", "2025-12")]
    assert insured < required  # due on the last day of the data and not met: missed
    assert (f"| [工贸行业](../industries/industrial_trade.md) | 2025年12月31日 | "
            f"{_pct(insured, required)} | — | {required - insured} | 未按期实现 |") in text
    insured, required = sums[("411724", "fishery", "2024-12")]
    late = _first_full(sums, ("411724", "fishery"), "2024-12")
    assert insured < required and late
    assert (f"| [渔业生产](../industries/fishery.md) | 2024年12月31日 | {_pct(insured, required)} "
            f"| {_month(late)} | 0 | 逾期实现({_month(late)}) |") in text


def test_a_target_due_on_the_data_date_is_judged_alike_on_every_page(tmp_path):
    """工贸行业 is due on the last day of the data and short of it: every page that judges the
    date says so (one definition of due, `Policy.due_passed`), none calls it in progress."""
    sums = _sums(("industry_code",))
    insured, required = sums[("industrial_trade", "2025-12")]
    assert max(p for *_, p in sums) == "2025-12" and insured < required
    home = render_page(tmp_path, DATA, "index.md")
    assert (f"- [工贸行业](industries/industrial_trade.md):{required - insured:,} 家未投保,"
            f"覆盖率 {_pct(insured, required)},全覆盖截止日期 2025年12月31日 **已到期**\n") in home
    page = render_page(tmp_path, DATA, "industries/industrial_trade.md")
    assert ('!!! danger "截止日期已到、仍未实现全覆盖"\n\n'
            "    全覆盖截止日期 2025年12月31日 已到期,"
            f"截至 2025年12月尚有 {required - insured:,} 家企业未投保。") in page
    assert "| 截止日期完成情况 | 未按期实现 |" in page
    region = render_page(tmp_path, DATA, "regions/411724.md")
    insured, required = _sums(("region_code", "industry_code"))[
        ("411724", "industrial_trade", "2025-12")]
    assert f"工贸行业(覆盖率 {_pct(insured, required)},截止 2025年12月31日)" in region
    steps = render_page(tmp_path, DATA, "milestones.md")
    due_last_day = [r for r in _rows("milestones") if r["due_date"] == "2025-12-31"]
    assert due_last_day
    for step in due_last_day:
        assert (f'<td data-label="步骤">{step["name"]}</td>'
                f'<td data-label="开始日期" class="azx-nowrap">') in steps
        row = steps.split(f'<td data-label="步骤">{step["name"]}</td>')[1].split("</tr>")[0]
        assert '<td data-label="状态" class="azx-nowrap">已到期</td>' in row
    assert "进行中" not in steps


def test_each_batch_sentence_names_the_industries_met():
    coverage = pd.DataFrame([
        {"period": p, "region_code": "r", "industry_code": c, "units_insured": i,
         "units_required": 10}
        for c, by_month in (("x", (10, 10)), ("y", (9, 10)), ("z", (10, 10)), ("w", (8, 9)))
        for p, i in zip(("2025-06", "2025-07"), by_month, strict=True)])
    industries = pd.DataFrame({
        "code": ["x", "y", "z", "w"], "name": ["甲", "乙", "丙", "丁"],
        "batch": ["首批", "首批", "拓展", "拓展"], "display_order": [1, 2, 3, 4],
        "due_date": ["2025-06-30", "2025-06-30", "2025-12-31", "2025-12-31"]})
    table = verdicts.deadline_verdicts(coverage, industries, ["industry_code"], "2025-07",
                                       load_policy(DATA))
    first, later = verdicts.batch_sentences(table, industries, dt.date(2025, 7, 31))
    assert (first["passed"], first["met"], first["met_names"]) == (True, 1, ("甲",))
    assert (later["passed"], later["met"], later["met_names"]) == (False, 1, ("丙",))


def test_verdicts_from_the_basis_of_the_whole_table_are_those_of_the_rows_up_to_the_month():
    """Every month, both keys: the first months met after `latest` are not known yet."""
    from generator.package.load import load_package

    package = load_package(DATA)
    coverage, industries = package.frames["coverage"], package.frames["industries"]
    months = sorted(coverage["period"].unique())
    for keys in (["industry_code"], ["region_code", "industry_code"]):
        basis = verdicts.verdict_basis(verdicts.period_sums(coverage, keys), industries, keys,
                                       package.policy)
        for month in months:
            rows = coverage[coverage["period"] <= month]
            pd.testing.assert_frame_equal(
                verdicts.deadline_verdicts(rows, industries, keys, month, package.policy, basis),
                verdicts.deadline_verdicts(rows, industries, keys, month, package.policy))
