"""The insurer pages: published commitments against what was delivered, and the 金融监管
supervision figures, each equal to values this test computes from site_small's CSVs."""

from __future__ import annotations

import csv
import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from fixtures.cases import SITE_INSURERS
from test_pages import render_page

DATA = Path(__file__).resolve().parents[1] / "data"


def _rows(name: str, root: Path) -> list[dict]:
    with open(root / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _names(root: Path) -> dict[str, str]:
    """Industry code → name, in display order."""
    rows = sorted(_rows("industries", root), key=lambda r: int(r["display_order"]))
    return {r["code"]: r["name"] for r in rows}


def _one(value: float) -> str:
    return str(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _expected_comparison(insurer: str, root: Path) -> list[str]:
    """The rows of the 承诺与实际 table, computed from the CSVs."""
    lines, names = [], _names(root)
    rounds = sorted((r for r in _rows("assessments", root) if r["insurer_code"] == insurer),
                    key=lambda r: r["round"])
    last = rounds[-1]
    contracted, delivered = int(last["services_contracted"]), int(last["services_delivered"])
    half = "上" if last["round"].endswith("H1") else "下"
    lines.append(f"| 合同约定服务次数({last['round'][:4]}年{half}半年评估) | {contracted:,} 次 | "
                 f"{delivered:,} | {'已兑现' if delivered >= contracted else '未兑现'} |")
    promised = [r for r in _rows("commitments", root) if r["insurer_code"] == insurer]
    prevention = sorted((r for r in _rows("prevention", root) if r["insurer_code"] == insurer),
                        key=lambda r: r["year"])[-1]
    least = min(int(r["visits_per_year"]) for r in promised)
    per_unit = _one(int(prevention["services_delivered"]) / int(prevention["units_served"]))
    lines.append(f"| 平均每户服务次数({prevention['year']}年) | 不少于 {least} 次 | {per_unit} | "
                 f"{'已兑现' if float(per_unit) >= least else '未兑现'} |")
    claims = _rows("claims", root)
    year = max(r["period"] for r in claims)[:4]
    order = list(names)
    for c in sorted(promised, key=lambda r: order.index(r["industry_code"])):
        mine = [r for r in claims if r["insurer_code"] == insurer and r["period"][:4] == year
                and r["industry_code"] == c["industry_code"] and int(r["claims_settled"])]
        settled = sum(int(r["claims_settled"]) for r in mine)
        for column, label, limit in (("avg_days_to_decide", "核定赔付时限", c["decide_days"]),
                                     ("avg_days_to_pay", "支付赔款时限", c["pay_days"])):
            if settled:
                days = _one(sum(float(r[column]) * int(r["claims_settled"]) for r in mine)
                            / settled)
                result = "已兑现" if float(days) <= int(limit) else "未兑现"
            else:
                days, result = "—", "无数据"
            lines.append(f"| {names[c['industry_code']]}:{label}({year}年平均) | "
                         f"不超过 {limit} 日 | {days} | {result} |")
    return lines


@pytest.mark.parametrize("insurer", sorted(SITE_INSURERS))
def test_insurer_page_compares_promised_with_delivered(tmp_path, fixture_package, insurer):
    root = fixture_package("site_small")
    text = render_page(tmp_path, root, f"insurers/{insurer.lower()}.md")
    table = text.split("| 项目 | 承诺或约定 | 实际 | 结果 |\n|---|---|--:|---|\n")[1]
    assert table.split("\n\n")[0].splitlines() == _expected_comparison(insurer, root)
    for c in (r for r in _rows("commitments", root) if r["insurer_code"] == insurer):
        day = c["published_date"]
        assert (f"| {_names(root)[c['industry_code']]} | {c['service_items']} | "
                f"{c['visits_per_year']} | {c['decide_days']} | {c['pay_days']} | "
                f"{float(c['advance_threshold']) / 10_000:.2f} | "
                f"{int(day[:4])}年{int(day[5:7])}月{int(day[8:])}日 |") in text


@pytest.mark.parametrize("insurer", ["CZCX", "TXCX"])
def test_bundled_insurer_page_compares_promised_with_delivered(tmp_path, insurer):
    """CZCX is the synthesiser's weak insurer; TXCX an ordinary one."""
    text = render_page(tmp_path, DATA, f"insurers/{insurer.lower()}.md")
    table = text.split("| 项目 | 承诺或约定 | 实际 | 结果 |\n|---|---|--:|---|\n")[1]
    assert table.split("\n\n")[0].splitlines() == _expected_comparison(insurer, DATA)


def test_insurer_page_verdicts_of_the_small_data(tmp_path, fixture_package):
    """CZCX delivered less than contracted; RHCX decided hazardous-chemicals claims slower than
    it promised, and without that year's claims the line says there are no data."""
    root = fixture_package("site_small")
    last = max((r for r in _rows("assessments", root) if r["insurer_code"] == "CZCX"),
               key=lambda r: r["round"])
    assert last["round"] == "2025H2"
    contracted, delivered = int(last["services_contracted"]), int(last["services_delivered"])
    assert delivered < contracted
    text = render_page(tmp_path / "c", root, "insurers/czcx.md")
    assert (f"| 合同约定服务次数(2025年下半年评估) | {contracted:,} 次 | {delivered:,} | 未兑现 |"
            in text)
    promised = next(r for r in _rows("commitments", root)
                    if r["insurer_code"] == "RHCX" and r["industry_code"] == "hazardous_chemicals")
    claims = [r for r in _rows("claims", root) if r["period"].startswith("2025")
              and r["insurer_code"] == "RHCX" and r["industry_code"] == "hazardous_chemicals"]
    days = _one(sum(float(r["avg_days_to_decide"]) * int(r["claims_settled"]) for r in claims)
                / sum(int(r["claims_settled"]) for r in claims))
    assert float(days) > int(promised["decide_days"])
    rhcx = render_page(tmp_path / "r", root, "insurers/rhcx.md")
    assert (f"| 危险化学品:核定赔付时限(2025年平均) | 不超过 {promised['decide_days']} 日 | "
            f"{days} | 未兑现 |") in rhcx
    without = tmp_path / "without"
    shutil.copytree(root, without)
    claims = (without / "claims.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (without / "claims.csv").write_text("".join(
        line for line in claims if not line.startswith("2025Q") or ",RHCX,hazardous_chemicals,"
        not in line), encoding="utf-8")
    rhcx = render_page(tmp_path / "w", without, "insurers/rhcx.md")
    assert (f"| 危险化学品:核定赔付时限(2025年平均) | 不超过 {promised['decide_days']} 日 | — | "
            "无数据 |") in rhcx


QUARTERS = {"1": "一", "2": "二", "3": "三", "4": "四"}
COUNTS = ["violations_found", "violations_corrected", "penalty_cases"]
SERVICES = ["services_undelivered", "services_remedied"]


@pytest.mark.parametrize("insurer", sorted(SITE_INSURERS))
def test_insurer_page_shows_the_supervision_figures(tmp_path, fixture_package, insurer):
    root = fixture_package("site_small")
    text = render_page(tmp_path, root, f"insurers/{insurer.lower()}.md")
    rows = [r for r in _rows("insurer_supervision", root) if r["insurer_code"] == insurer]
    for r in rows:
        quarter = f"{r['period'][:4]}年第{QUARTERS[r['period'][-1]]}季度"
        cells = [r[c] for c in COUNTS] + [f"{float(r['penalty_amount']) / 10_000:.2f}"]
        cells += [r[c] for c in SERVICES]
        assert f"| {quarter} | " + " | ".join(cells) + " |" in text
    total = {c: sum(int(r[c]) for r in rows) for c in COUNTS + SERVICES}
    fine = sum(float(r["penalty_amount"]) for r in rows) / 10_000
    assert (f"各季度合计:发现违规问题 {total['violations_found']} 个,已整改 "
            f"{total['violations_corrected']} 个;行政处罚 {total['penalty_cases']} 件,罚款 "
            f"{fine:.2f} 万元;未按合同提供事故预防服务 {total['services_undelivered']} 家,"
            f"已补正 {total['services_remedied']} 家。") in text


def test_bulletin_states_the_quarters_supervision_figures(tmp_path):
    data = DATA
    text = render_page(tmp_path, data, "bulletins/2025-06.md")
    with open(data / "insurer_supervision.csv", encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["period"] == "2025Q2"]
    s = {c: sum(int(r[c]) for r in rows) for c in COUNTS + SERVICES}
    fine = sum(float(r["penalty_amount"]) for r in rows) / 10_000
    assert (f"金融监管部门本季度检查发现保险机构安责险业务违规问题 {s['violations_found']} 个、"
            f"已整改 {s['violations_corrected']} 个,行政处罚 {s['penalty_cases']} 件、罚款 "
            f"{fine:,.2f} 万元;发现未按合同提供事故预防服务 {s['services_undelivered']} 家、"
            f"已补正 {s['services_remedied']} 家。") in text
