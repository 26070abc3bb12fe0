"""The descriptor contract: what the generator reads is listed once, and a descriptor short of it
is refused with a line that says what is missing and how to restore it."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from test_validate import BASE_WARNING_LINES

from generator import cli
from generator.package.load import load_package, resource_by_name
from generator.site import charts, pages, publisher, render
from generator.site.figures import compute
from generator.validate.rules.contract import NEEDED

DATA = Path(__file__).parent.parent / "data"


def test_bundled_descriptor_holds_every_needed_field_with_its_type():
    descriptor = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    for name, (key, fields) in NEEDED.items():
        schema = resource_by_name(descriptor, name)["schema"]
        primary_key = schema["primaryKey"]
        assert ([primary_key] if isinstance(primary_key, str) else primary_key) == list(key)
        types = {f["name"]: f["type"] for f in schema["fields"]}
        assert {f: types.get(f) for f in fields} == fields


def test_pages_read_no_field_outside_the_contract(tmp_path, fixture_package):
    """Every page is computed and rendered from frames cut down to the contract's fields."""
    package = load_package(fixture_package("site_small"))
    frames = {name: package.frames[name][list(fields)] for name, (_, fields) in NEEDED.items()}
    package = dataclasses.replace(package, frames=frames)
    data = pages.SiteData(package, figures=compute(package),
                          publisher=publisher.load(DATA, DATA))
    planned = pages.plan(data)
    drawn = {c.name: charts.Chart(c.name, c.kind, c.data, c.alt, c.table, f"charts/{c.name}.svg")
             for page in planned for c in page.charts}
    written = render.render(planned, drawn, tmp_path, lambda files: data.figures.as_of, package)
    assert len(written) == len(planned)


@pytest.mark.parametrize(("case", "line"), [
    ("bad_descriptor_resource_missing",
     "datapackage.json — 错误:datapackage.json 缺少资源 claims,网站要读取这张表。"
     "请对照仓库中的 data/datapackage.json 恢复这一处。 [descriptor-resource-missing]"),
    ("bad_descriptor_field_missing",
     "datapackage.json — 错误:datapackage.json 中资源 claims 缺少字段 amount_paid"
     "(类型 number(数字)),网站要读取它。请对照仓库中的 data/datapackage.json 恢复这一处。"
     "claims.csv 中也要有这一列。 [descriptor-field-missing]"),
    ("bad_descriptor_field_type",
     "datapackage.json — 错误:datapackage.json 中资源 claims 的字段 claims_reported 类型是 "
     "number(数字),网站按 integer(整数) 读取。请改回 \"type\": \"integer\"。"
     " [descriptor-field-type]"),
    ("bad_descriptor_primary_key",
     "datapackage.json — 错误:datapackage.json 中资源 coverage 的主键(primaryKey)是 "
     "region_code + industry_code + period,应为 period + region_code + industry_code。"
     "请对照仓库中的 data/datapackage.json 恢复这一处。 [descriptor-primary-key]"),
    ("bad_descriptor_title_missing",
     "datapackage.json — 错误:datapackage.json 中资源 claims 的字段 amount_paid 缺少中文名称"
     "(title),网站的数据字典要显示它。请对照仓库中的 data/datapackage.json 恢复这一处。"
     " [descriptor-text-missing]"),
])
def test_contract_breach_is_one_clear_line(case, line, capsys, fixture_package):
    assert cli.main(["validate", str(fixture_package(case))]) == 1
    out, err = capsys.readouterr()
    assert err == ""
    assert out.splitlines() == [
        "== datapackage.json ==", line, "", *BASE_WARNING_LINES, "1 个错误,1 个警告"]
