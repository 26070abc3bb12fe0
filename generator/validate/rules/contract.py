"""The descriptor contract: every resource, key and field the generator reads, with its type.

`NEEDED` is the one list of what the site, the business rules and the release record read from a
package. A descriptor that lacks one of them, or types it differently, would pass the Table Schema
checks and then break the build or silently drop pages, so it is refused at the file stage.
tests/test_contract.py checks that the pages read no field outside this list.
"""

from __future__ import annotations

import json

from generator.package.load import DESCRIPTOR
from generator.validate.report import Problem
from generator.validate.rules.base import declare, problem
from generator.validate.rules.hints import TYPE_ZH

# resource → (primary key, {field: Table Schema type})
NEEDED: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "regions": (("code",), {
        "code": "string", "name": "string", "kind": "string", "display_order": "integer"}),
    "industries": (("code",), {
        "code": "string", "name": "string", "name_en": "string", "lead_department": "string",
        "batch": "string", "due_date": "date", "display_order": "integer"}),
    "insurers": (("code",), {
        "code": "string", "name": "string", "short_name": "string", "uscc": "string",
        "display_order": "integer"}),
    "enterprises": (("uscc",), {
        "uscc": "string", "name": "string", "region_code": "string", "industry_code": "string",
        "required_since": "string", "insured": "boolean", "insurer_code": "string",
        "policy_start": "date", "policy_end": "date", "last_checked": "string"}),
    "assessors": (("code",), {"code": "string", "name": "string", "uscc": "string"}),
    "milestones": (("code",), {
        "code": "string", "name": "string", "start_date": "date", "due_date": "date",
        "description": "string", "source": "string"}),
    "coverage": (("period", "region_code", "industry_code"), {
        "period": "string", "region_code": "string", "industry_code": "string",
        "units_required": "integer", "units_insured": "integer", "employees_covered": "integer",
        "employees_total": "integer",
        "premium_ytd": "number", "min_death_limit": "number"}),
    "assessments": (("round", "insurer_code"), {
        "round": "string", "insurer_code": "string", "assessor_code": "string",
        "assessed_date": "date", "reported_date": "date", "published_date": "date",
        "services_contracted": "integer", "services_delivered": "integer",
        "total_score": "number", "grade": "string", "rectification_due": "date",
        "summary": "string"}),
    "assessment_scores": (("round", "insurer_code", "dimension"), {
        "round": "string", "insurer_code": "string", "dimension": "string",
        "dimension_name": "string", "weight": "number", "score": "number"}),
    "prevention": (("year", "insurer_code"), {
        "year": "integer", "insurer_code": "string", "premium_collected": "number",
        "prevention_budget": "number", "prevention_spending": "number",
        "units_served": "integer", "services_delivered": "integer", "hazards_found": "integer",
        "hazards_rectified": "integer"}),
    "claims": (("period", "insurer_code", "industry_code"), {
        "period": "string", "insurer_code": "string", "industry_code": "string",
        "claims_reported": "integer", "claims_settled": "integer", "amount_paid": "number",
        "advance_payments": "integer", "advance_amount": "number",
        "avg_days_to_decide": "number", "avg_days_to_pay": "number"}),
    "enforcement": (("period", "region_code", "industry_code"), {
        "period": "string", "region_code": "string", "industry_code": "string",
        "units_checked": "integer", "units_found_uninsured": "integer",
        "orders_issued": "integer", "orders_complied": "integer", "penalty_cases": "integer",
        "penalty_amount": "number", "units_refusing_service": "integer",
        "hazards_overdue": "integer"}),
    "rates": (("period", "industry_code", "insurer_code"), {
        "period": "string", "industry_code": "string", "insurer_code": "string",
        "base_rate_min": "number", "base_rate_max": "number", "float_min": "number",
        "float_max": "number"}),
    "insurer_supervision": (("period", "insurer_code"), {
        "period": "string", "insurer_code": "string", "violations_found": "integer",
        "violations_corrected": "integer", "penalty_cases": "integer",
        "penalty_amount": "number", "services_undelivered": "integer",
        "services_remedied": "integer"}),
    "commitments": (("insurer_code", "industry_code"), {
        "insurer_code": "string", "industry_code": "string", "service_items": "string",
        "visits_per_year": "integer", "decide_days": "integer", "pay_days": "integer",
        "advance_threshold": "number", "published_date": "date"}),
}

SOURCE = "本项目数据约定:网站读取的数据包结构"
RESTORE = "请对照仓库中的 data/datapackage.json 恢复这一处。"

declare("descriptor-name-missing", "error", "描述文件缺少数据包名称", SOURCE,
        "datapackage.json 必须有数据包名称(name),网站的下载包和更新订阅用它命名。", "file",
        f"{DESCRIPTOR} 缺少数据包名称(name),如 \"name\": \"zhumadian-ajx\"。" + RESTORE,
        "the descriptor has no package name")
declare("descriptor-text-missing", "error", "描述文件缺少中文名称或说明", SOURCE,
        "数据包、每个资源和每个字段都要有中文名称(title)和说明(description),"
        "网站的数据字典和下载页显示它们;许可(licenses)的每一项要有名称(title)。", "file",
        f"{DESCRIPTOR} 中{{where}} 缺少{{label}},网站的数据字典要显示它。" + RESTORE,
        "{where}: {key} is missing")
declare("descriptor-resource-missing", "error", "描述文件缺少资源", SOURCE,
        f"datapackage.json 必须列出网站读取的每一个资源({len(NEEDED)} 张表)。", "file",
        f"{DESCRIPTOR} 缺少资源 {{name}},网站要读取这张表。" + RESTORE,
        "the descriptor lacks resource {name}")
declare("descriptor-field-missing", "error", "描述文件缺少字段", SOURCE,
        "每个资源的表结构必须包含网站读取的每一个字段。", "file",
        "{where} 缺少字段 {field}(类型 {type_zh}),网站要读取它。" + RESTORE
        + "{path} 中也要有这一列。", "resource {name} lacks field {field} ({kind})")
declare("descriptor-field-type", "error", "描述文件中字段类型不对", SOURCE,
        "网站读取的字段必须保持约定的类型(整数、数字、日期、文字)。", "file",
        "{where} 的字段 {field} 类型是 {actual_zh},网站按 {type_zh} 读取。"
        "请改回 \"type\": \"{kind}\"。",
        "resource {name}: field {field} is {actual}, expected {kind}")
declare("descriptor-code-pattern", "error", "代码字段缺少格式约束", SOURCE,
        "代码和期间字段(主键和 *_code 字段)会用在网页地址、文件名和链接中,"
        "必须在 constraints 中声明格式(pattern)。", "file",
        "{where} 的字段 {field} 没有格式约束(constraints.pattern)。代码会用在网页地址和文件名中,"
        "必须声明格式。" + RESTORE,
        "resource {name}: code field {field} has no pattern")
declare("descriptor-primary-key", "error", "描述文件中主键不对", SOURCE,
        "每个资源的主键必须与约定一致;导入和更新记录按主键比对各行。", "file",
        "{where} 的主键(primaryKey)是 {shown},应为 {key}。" + RESTORE,
        "resource {name}: primaryKey should be {key_list}")


def _type_zh(kind: object) -> str:
    return f"{kind}({TYPE_ZH[kind]})" if isinstance(kind, str) and kind in TYPE_ZH else repr(kind)


def _resource_problems(resource: dict) -> list[Problem]:
    name = resource["name"]
    key, needed = NEEDED[name]
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    where = f"datapackage.json 中资源 {name}"
    problems = []
    for field, kind in needed.items():
        if field not in fields:
            problems.append(problem(
                "descriptor-field-missing", DESCRIPTOR, where=where, field=field, kind=kind,
                type_zh=_type_zh(kind), path=resource.get("path", name), name=name))
        elif fields[field].get("type") != kind:
            actual = fields[field].get("type")
            problems.append(problem(
                "descriptor-field-type", DESCRIPTOR, where=where, field=field, kind=kind,
                actual=actual, actual_zh=_type_zh(actual), type_zh=_type_zh(kind), name=name))
        elif kind == "string" and (field in key or field.endswith("_code")) and not isinstance(
                (fields[field].get("constraints") or {}).get("pattern"), str):
            problems.append(problem("descriptor-code-pattern", DESCRIPTOR, where=where,
                                    name=name, field=field))
    actual_key = resource["schema"].get("primaryKey")
    actual_key = [actual_key] if isinstance(actual_key, str) else actual_key
    if not isinstance(actual_key, list) or tuple(actual_key) != key:
        if isinstance(actual_key, list) and actual_key:
            shown = " + ".join(map(str, actual_key))
        else:
            shown = json.dumps(actual_key, ensure_ascii=False) if actual_key else "空"
        problems.append(problem(
            "descriptor-primary-key", DESCRIPTOR, where=where, shown=shown,
            key=" + ".join(key), key_list=list(key), name=name))
    return problems


def _has_text(entry: object, key: str) -> bool:
    return isinstance(entry, dict) and isinstance(entry.get(key), str) and bool(entry[key].strip())


def text_problems(descriptor: dict) -> list[Problem]:
    """A problem for every title or description the site's pages show and the descriptor lacks."""
    labels = {"title": "中文名称(title)", "description": "说明(description)"}
    places = [("数据包", descriptor)]
    for resource in descriptor["resources"]:
        places.append((f"资源 {resource['name']}", resource))
        places += [(f"资源 {resource['name']} 的字段 {field['name']}", field)
                   for field in resource["schema"]["fields"]]
    licenses = descriptor.get("licenses", [])
    missing = [(where, key) for where, entry in places for key in labels
               if not _has_text(entry, key)]
    if not isinstance(licenses, list) or not all(_has_text(x, "title") for x in licenses):
        missing.append(("许可(licenses)的某一项", "title"))
    return [problem("descriptor-text-missing", DESCRIPTOR, where=where, label=labels[key],
                    key=key) for where, key in missing]


def contract_problems(descriptor: dict) -> tuple[list[Problem], set[str]]:
    """Problems of a well-shaped descriptor against `NEEDED`, and the resources they concern.

    The business rules must skip those resources: their cells may not have the types they read.
    """
    problems, broken = [], set()
    if not isinstance(descriptor.get("name"), str) or not descriptor["name"].strip():
        problems.append(problem("descriptor-name-missing", DESCRIPTOR))
    problems += text_problems(descriptor)
    present = {r["name"]: r for r in descriptor["resources"]}
    for name in NEEDED:
        if name not in present:
            problems.append(problem("descriptor-resource-missing", DESCRIPTOR, name=name))
            broken.add(name)
            continue
        found = _resource_problems(present[name])
        if found:
            problems += found
            broken.add(name)
    return problems, broken
