"""`azx validate` on one tiny fixture package per defect: rule, file, row, column, exit code.

The packages are made from data/ plus one edit each (tests/fixtures/cases.py). Their base keeps one
of data/'s intended warnings (`BASE_WARNINGS`): each case must report exactly one problem besides.
"""

from __future__ import annotations

import json
import socket

import pytest
from fixtures.cases import BASE_WARNINGS, reduced
from fixtures.cases import CASES as PACKAGES

from generator import cli


def _base_services() -> tuple[str, str]:
    """(delivered, contracted) of the base's first assessment, the one short of its contract."""
    row = reduced("assessments.csv").decode("utf-8").splitlines()[1].split(",")
    return row[7], row[6]


DELIVERED, CONTRACTED = _base_services()
BASE_WARNING_LINES = [
    "== assessments.csv ==",
    f"assessments.csv:2 services_delivered(实际提供服务次数) — 警告:实际提供服务 {DELIVERED} 次,"
    f"少于合同约定的 {CONTRACTED} 次。 [assessment-services-short]",
    "",
]

# case folder → the one problem it must produce: (rule, file, row, column), exit code
CASES = {
    "bad_file_missing": (("file-missing", "claims.csv", None, None), 1),
    "bad_file_empty": (("file-empty", "claims.csv", None, None), 1),
    "bad_binary_csv": (("file-not-text", "claims.csv", None, None), 1),
    "bad_gbk": (("encoding-not-utf8", "regions.csv", None, None), 1),
    "bad_wrong_column": (("incorrect-label", "coverage.csv", 1, "units_insured"), 1),
    "bad_missing_column": (("missing-label", "claims.csv", 1, "advance_amount"), 1),
    "bad_extra_column": (("extra-label", "prevention.csv", 1, "备注"), 1),
    "bad_thousands": (("type-error", "coverage.csv", 2, "premium_ytd"), 1),
    "bad_thousands_unquoted": (("extra-cell", "coverage.csv", 2, None), 1),
    "bad_fullwidth": (("type-error", "coverage.csv", 3, "units_required"), 1),
    "bad_percent": (("type-error", "assessment_scores.csv", 2, "weight"), 1),
    "bad_wan": (("type-error", "prevention.csv", 2, "premium_collected"), 1),
    "bad_date_slash": (("type-error", "assessments.csv", 3, "assessed_date"), 1),
    "bad_required_empty": (("constraint-error", "coverage.csv", 3, "units_required"), 1),
    "bad_blank_row": (("blank-row", "claims.csv", 3, None), 1),
    "bad_path_parent": (("resource-path-unsafe", "datapackage.json", None, None), 1),
    "bad_path_absolute": (("resource-path-unsafe", "datapackage.json", None, None), 1),
    "bad_path_url": (("resource-path-unsafe", "datapackage.json", None, None), 1),
    "bad_duplicate_key": (("primary-key", "coverage.csv", 10, "period"), 1),
    "bad_unknown_code": (("foreign-key", "coverage.csv", 4, "region_code"), 1),
    "bad_dates_order": (("assessment-dates-order", "assessments.csv", 3, "reported_date"), 1),
    "bad_insured_exceeds": (
        ("coverage-insured-exceeds-required", "coverage.csv", 2, "units_insured"), 1),
    "bad_employees_exceed_total": (
        ("coverage-employees-exceed-total", "coverage.csv", 2, "employees_covered"), 1),
    "bad_score_range": (("constraint-error", "assessments.csv", 3, "total_score"), 1),
    "bad_grade_band": (("assessment-grade-band", "assessments.csv", 3, "grade"), 1),
    "bad_weights_sum": (("assessment-weights-sum", "assessment_scores.csv", 7, "weight"), 1),
    "bad_weighted_total": (("assessment-weighted-total", "assessments.csv", 3, "total_score"), 1),
    "bad_spending_cap": (
        ("prevention-spending-over-cap", "prevention.csv", 3, "prevention_spending"), 1),
    "bad_rectified_exceeds": (
        ("prevention-rectified-exceeds-found", "prevention.csv", 2, "hazards_rectified"), 1),
    "bad_found_exceeds_checked": (
        ("enforcement-found-exceeds-checked", "enforcement.csv", 2, "units_found_uninsured"), 1),
    "bad_orders_exceed_found": (
        ("enforcement-orders-exceed-found", "enforcement.csv", 2, "orders_issued"), 1),
    "bad_complied_exceeds_orders": (
        ("enforcement-complied-exceeds-orders", "enforcement.csv", 2, "orders_complied"), 1),
    "bad_rates_base_order": (
        ("rates-base-min-exceeds-max", "rates.csv", 2, "base_rate_min"), 1),
    "bad_rates_float_order": (("rates-float-min-exceeds-max", "rates.csv", 2, "float_min"), 1),
    "bad_rates_insurer": (("foreign-key", "rates.csv", 2, "insurer_code"), 1),
    "bad_rates_industry": (("foreign-key", "rates.csv", 2, "industry_code"), 1),
    "bad_rates_period": (("constraint-error", "rates.csv", 2, "period"), 1),
    "bad_supervision_corrected": (("supervision-corrected-exceeds-found",
                                   "insurer_supervision.csv", 3, "violations_corrected"), 1),
    "bad_supervision_remedied": (("supervision-remedied-exceeds-undelivered",
                                  "insurer_supervision.csv", 3, "services_remedied"), 1),
    "bad_supervision_fine": (
        ("supervision-fine-without-case", "insurer_supervision.csv", 5, "penalty_amount"), 1),
    "bad_supervision_insurer": (("foreign-key", "insurer_supervision.csv", 3, "insurer_code"), 1),
    "bad_supervision_period": (("constraint-error", "insurer_supervision.csv", 3, "period"), 1),
    "bad_commitment_decide_days": (
        ("commitment-decide-days-over-law", "commitments.csv", 2, "decide_days"), 1),
    "bad_commitment_pay_days": (
        ("commitment-pay-days-over-law", "commitments.csv", 3, "pay_days"), 1),
    "warn_commitment_missing": (("commitment-missing", "claims.csv", 3, "industry_code"), 0),
    "bad_settled_exceeds": (
        ("claims-settled-exceeds-reported", "claims.csv", 2, "claims_settled"), 1),
    "bad_rectification_missing": (
        ("assessment-rectification-missing", "assessments.csv", 2, "rectification_due"), 1),
    "bad_premium_decreasing": (
        ("coverage-premium-decreasing", "coverage.csv", 6, "premium_ytd"), 1),
    "bad_uscc": (("uscc-check-digit", "insurers.csv", 2, "uscc"), 1),
    "bad_milestone_order": (("milestone-dates-order", "milestones.csv", 5, "start_date"), 1),
    "bad_formula": (("formula-injection", "assessments.csv", 3, "summary"), 1),
    "bad_phone": (("personal-phone", "assessments.csv", 3, "summary"), 1),
    "bad_id_card": (("personal-id-card", "assessments.csv", 3, "summary"), 1),
    "bad_email": (("personal-email", "assessments.csv", 3, "summary"), 1),
    "bad_roster_uscc": (("uscc-check-digit", "enterprises.csv", 2, "uscc"), 1),
    "bad_roster_duplicate": (("primary-key", "enterprises.csv", 618, "uscc"), 1),
    "bad_roster_counts": (
        ("roster-counts-match-coverage", "coverage.csv", 8, "units_required"), 1),
    # an unknown insured cell: its type error alone, no count mismatch (and no traceback)
    "bad_roster_insured": (("type-error", "enterprises.csv", 2, "insured"), 1),
    "bad_roster_policy_order": (
        ("roster-policy-dates-order", "enterprises.csv", 3, "policy_end"), 1),
    "warn_roster_lapsed": (("roster-policy-lapsed", "enterprises.csv", 2, "policy_end"), 0),
    "bad_descriptor_empty": (("descriptor-invalid-json", "datapackage.json", None, None), 1),
    "bad_descriptor_not_json": (("descriptor-invalid-json", "datapackage.json", None, None), 1),
    "bad_descriptor_no_resources": (("descriptor-invalid", "datapackage.json", None, None), 1),
    "bad_descriptor_resource_missing": (
        ("descriptor-resource-missing", "datapackage.json", None, None), 1),
    "bad_descriptor_field_missing": (
        ("descriptor-field-missing", "datapackage.json", None, None), 1),
    "bad_descriptor_field_type": (("descriptor-field-type", "datapackage.json", None, None), 1),
    "bad_descriptor_primary_key": (
        ("descriptor-primary-key", "datapackage.json", None, None), 1),
    "bad_descriptor_name_missing": (
        ("descriptor-name-missing", "datapackage.json", None, None), 1),
    "bad_descriptor_title_missing": (
        ("descriptor-text-missing", "datapackage.json", None, None), 1),
    "warn_services_short": (
        ("assessment-services-short", "assessments.csv", 3, "services_delivered"), 0),
    "warn_short_after_due": (("coverage-short-after-due", "coverage.csv", 9, "units_insured"), 0),
    "warn_death_limit_low": (
        ("coverage-death-limit-low", "coverage.csv", 6, "min_death_limit"), 0),
    "bad_days_missing": (("claims-days-missing", "claims.csv", 2, "avg_days_to_pay"), 1),
    "warn_days_to_decide": (("claims-days-to-decide", "claims.csv", 2, "avg_days_to_decide"), 0),
    "warn_days_to_pay": (("claims-days-to-pay", "claims.csv", 3, "avg_days_to_pay"), 0),
    "warn_spending_under_floor": (
        ("prevention-spending-under-floor", "prevention.csv", 2, "prevention_spending"), 0),
}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["validate", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("case", sorted(CASES))
def test_defect_is_reported_once_at_its_place(case, capsys, fixture_package):
    expected, exit_code = CASES[case]
    code, out, _ = run(capsys, str(fixture_package(case)), "--format", "json")
    problems = [(p["rule"], p["file"], p["row"], p["column"])
                for p in json.loads(out)["problems"]]
    assert [p for p in problems if p not in BASE_WARNINGS] == [expected]
    assert code == exit_code


@pytest.mark.parametrize("case", ["valid_base", "ok_bom", "ok_crlf", "ok_days_unsettled"])
def test_accepted_packages_report_only_the_base_warning(case, capsys, fixture_package):
    assert run(capsys, str(fixture_package(case))) == (
        0, "\n".join([*BASE_WARNING_LINES, "0 个错误,1 个警告", ""]), "")


def test_human_output(capsys, fixture_package):
    code, out, _ = run(capsys, str(fixture_package("bad_insured_exceeds")))
    assert code == 1
    assert out.splitlines() == [
        *BASE_WARNING_LINES,
        "== coverage.csv ==",
        "coverage.csv:2 units_insured(已投保企业数) — 错误:已投保企业数 179 大于应投保企业数 178。"
        "请核对:已投保企业数不能多于应投保企业数,若应投保企业有新增,请同时更新应投保企业数。"
        " [coverage-insured-exceeds-required]",
        "",
        "1 个错误,1 个警告",
    ]


def test_workforce_line_names_the_cell_and_both_numbers(capsys, fixture_package):
    code, out, _ = run(capsys, str(fixture_package("bad_employees_exceed_total")))
    assert code == 1
    assert (
        "coverage.csv:2 employees_covered(覆盖从业人员数) — 错误:覆盖从业人员 9000 人,"
        "多于从业人员总数 8741 人。请核对两个数字:从业人员总数是全部应投保企业(含尚未投保的)的"
        "从业人员人数。 [coverage-employees-exceed-total]"
    ) in out.splitlines()


def test_json_output(capsys, fixture_package):
    code, out, _ = run(capsys, str(fixture_package("bad_uscc")), "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert (report["ok"], report["errors"], report["warnings"]) == (False, 1, 1)
    assert report["problems"][1] == {
        "rule": "uscc-check-digit",
        "severity": "error",
        "file": "insurers.csv",
        "row": 2,
        "column": "uscc",
        "message": "统一社会信用代码 91411702R4KLQF710D 的校验码(第 18 位)不对,"
                   "按前 17 位应为 C。请对照营业执照核对。",
        "message_en": "USCC 91411702R4KLQF710D: the check character should be C",
        "column_title": "统一社会信用代码",
        "column_number": 4,
    }
    assert list(report) == ["ok", "errors", "warnings", "problems"]
    assert out == json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def test_github_output(capsys, monkeypatch, fixture_package):
    monkeypatch.chdir(fixture_package("bad_unknown_code").parent)
    code, out, _ = run(capsys, "bad_unknown_code", "--format", "github")
    assert code == 1
    assert out == (
        "::warning file=bad_unknown_code/assessments.csv,line=2,col=8,"
        f"title=assessment-services-short::实际提供服务 {DELIVERED} 次,少于合同约定的 "
        f"{CONTRACTED} 次。\n"
        "::error file=bad_unknown_code/coverage.csv,line=4,col=2,"
        "title=foreign-key::单位代码(region_code)“411799”在报送单位(regions)中不存在。"
        "请核对代码,或先在报送单位表中添加。\n"
        "1 个错误,1 个警告\n"
    )


def test_github_output_for_a_warning_and_a_file_problem(capsys, monkeypatch, fixture_package):
    fixture_package("bad_file_empty")
    monkeypatch.chdir(fixture_package("warn_days_to_pay").parent)
    assert run(capsys, "warn_days_to_pay", "--format", "github")[1].splitlines()[1] == (
        "::warning file=warn_days_to_pay/claims.csv,line=3,col=10,title=claims-days-to-pay::"
        "平均支付天数 15 天,超过保险法规定的 10 天。请核实原因并督促保险机构及时支付。")
    assert run(capsys, "bad_file_empty", "--format", "github")[1].splitlines()[1] == (
        "::error file=bad_file_empty/claims.csv,title=file-empty::"
        "claims.csv 是空文件。请恢复该文件,至少保留第一行列名。")


@pytest.mark.parametrize(("case", "message"), [
    ("bad_thousands", "本年累计保费“1,400,682.73”不是数字:不要用千位分隔符,写成 1400682.73。"),
    ("bad_fullwidth", "应投保企业数“４２”不是整数:请用半角数字,写成 42(把输入法切换到半角)。"),
    ("bad_percent", "权重“15%”不是数字:不要带 % 号,只填数字 15。"),
    ("bad_wan", "实收保费“1293万元”不是数字:金额以元为单位,1293万元 应填 12930000。"),
    ("bad_date_slash",
     "评估完成日期“2025/1/13”不是日期(YYYY-MM-DD):日期请写成 2025-01-13(年-月-日,用短横线)。"),
    ("bad_gbk", "regions.csv 不是 UTF-8 编码,看起来是 GBK/GB18030(Excel 默认的“CSV(逗号分隔)”)。"
     "请在 Excel 中“文件 → 另存为”,保存类型选“CSV UTF-8(逗号分隔)(*.csv)”;"
     "或运行 azx import 转换。"),
    ("bad_phone", "含电话号码 138****5678。个人信息不能公开,请删除号码或改写为单位的办公电话。"),
    ("bad_id_card", "含身份证号码 4117************34。个人信息不能公开,请删除。"),
    ("bad_days_missing",
     "本期结案 5 件,平均支付天数不能为空。请填写平均支付天数;只有结案件数为 0 时才留空。"),
])
def test_message_says_what_to_type_instead(case, message, capsys, fixture_package):
    _, out, _ = run(capsys, str(fixture_package(case)), "--format", "json")
    assert [p["message"] for p in json.loads(out)["problems"] if p["severity"] == "error"] == [
        message]


def test_url_path_is_not_fetched(capsys, monkeypatch, fixture_package):
    def refuse(*args, **kwargs):
        raise AssertionError("the validator opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    code, out, _ = run(capsys, str(fixture_package("bad_path_url")))
    assert code == 1 and "[resource-path-unsafe]" in out


@pytest.mark.parametrize(("case", "line"), [
    ("bad_binary_csv", "claims.csv — 错误:claims.csv 含二进制内容,不是 CSV 文本。"
     "请确认文件没有放错,并用 Excel 另存为“CSV UTF-8(逗号分隔)”。 [file-not-text]"),
    ("bad_descriptor_empty", "datapackage.json — 错误:datapackage.json 不是有效的 JSON:文件为空。"
     "请从仓库恢复该文件,或用 JSON 检查工具找出语法错误。 [descriptor-invalid-json]"),
    ("bad_descriptor_no_resources", "datapackage.json — 错误:datapackage.json 没有列出任何资源"
     "(resources),请从仓库恢复该文件。 [descriptor-invalid]"),
])
def test_garbage_gets_one_line_and_exit_1(case, line, capsys, fixture_package):
    code, out, err = run(capsys, str(fixture_package(case)))
    assert (code, err) == (1, "")
    file = line.split(" ")[0]
    # a broken descriptor stops before the business rules, and so before the base's warning
    before = [] if file == "datapackage.json" else BASE_WARNING_LINES
    assert out.splitlines() == [*before, f"== {file} ==", line, "",
                                f"1 个错误,{len(before) and 1} 个警告"]


@pytest.mark.parametrize(("case", "message"), [
    ("config_policy_missing", "找不到政策参数文件 {root}/policy.yaml"),
    ("config_policy_malformed",
     "无法读取政策参数文件 {root}/policy.yaml:while parsing a flow sequence"),
])
def test_unusable_policy_file_exits_2(case, message, capsys, fixture_package):
    root = fixture_package(case)
    code, out, err = run(capsys, str(root))
    assert (code, out) == (2, "")
    assert err == f"azx validate: {message.format(root=root)}\n"


def test_missing_path_and_folder_without_descriptor_exit_2(capsys, tmp_path):
    missing = tmp_path / "nope"
    assert run(capsys, str(missing)) == (2, "", f"azx validate: 路径不存在:{missing}\n")
    assert run(capsys, str(tmp_path)) == (
        2, "", f"azx validate: {tmp_path} 中没有 datapackage.json,请指定数据目录或描述文件\n")


def test_descriptor_path_works_like_its_folder(capsys, fixture_package):
    assert run(capsys, str(fixture_package("valid_base") / "datapackage.json"))[0] == 0


@pytest.mark.parametrize("shared", [False, True])
@pytest.mark.parametrize("case", [case for case in PACKAGES if not case.startswith("config_")])
def test_parallel_validation_reports_exactly_what_sequential_does(case, shared, monkeypatch,
                                                                  fixture_package):
    # `azx validate` runs Frictionless in a second process and the business rules speculatively;
    # with `shared`, this process validates every table but the largest itself
    from generator.validate import pipeline as validate

    sequential = validate.validate_package(fixture_package(case))
    if shared:
        monkeypatch.setattr(validate, "SHARED_FROM", 0)
    assert validate.validate_package(fixture_package(case), parallel=True) == sequential


def test_the_largest_table_goes_alone_to_the_second_process_only_when_the_rest_is_large():
    from generator.validate.pipeline import SHARED_FROM, split_for_frictionless
    from generator.validate.read import Table

    def tables(*sizes: int) -> list[Table]:
        return [Table(f"t{i}", f"t{i}.csv", [], [], b"x" * size) for i, size in enumerate(sizes)]

    assert split_for_frictionless(tables(10, SHARED_FROM * 2, SHARED_FROM - 10)) == (
        {"t1"}, {"t0", "t2"})
    assert split_for_frictionless(tables(10, SHARED_FROM, SHARED_FROM - 11)) == (
        {"t0", "t1", "t2"}, set())
    assert split_for_frictionless([]) == (set(), set())
