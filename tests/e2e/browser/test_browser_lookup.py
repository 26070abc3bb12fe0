"""企业投保查询 in the browser: by code, by part of a name, not found, a masked name; and without
JavaScript the page says where to look instead, and a county page lists its uninsured units."""

from __future__ import annotations

import gzip

import pytest

from .conftest import read_resource

pytestmark = pytest.mark.e2e

RESULT = "#azx-lookup-result"


def roster() -> list[dict[str, str]]:
    return read_resource("enterprises")


def short_names() -> dict[str, str]:
    return {r["code"]: r["short_name"] for r in read_resource("insurers")}


def look_up(page, base_url: str, query: str, fetched: list | None = None) -> str:
    if fetched is not None:
        page.on("response", lambda response: fetched.append(response))
    page.goto(base_url + "lookup/", wait_until="load")
    page.fill("#azx-lookup-query", query)
    page.click("#azx-lookup button[type=submit]")
    page.wait_for_function(
        "() => { const t = document.querySelector('#azx-lookup-result').textContent;"
        " return t && !t.startsWith('正在查询'); }")
    return page.locator(RESULT).inner_text()


def test_lookup_by_code_shows_status_insurer_and_policy_period(desktop, base_url):
    unit = next(r for r in roster() if r["insured"] == "是" and not r["uscc"].startswith("92"))
    fetched: list = []
    text = look_up(desktop, base_url, unit["uscc"].lower(), fetched)
    assert "找到 1 家" in text
    assert unit["name"] in text
    assert (f"投保情况:已投保,承保机构:{short_names()[unit['insurer_code']]},"
            f"保险期间 {unit['policy_start']} 至 {unit['policy_end']}") in text
    lookup_files = [r for r in fetched
                    if r.url.endswith("/lookup.js") or ("/lookup/data/" in r.url)]
    raw = sum(len(r.body()) for r in lookup_files)
    packed = sum(len(gzip.compress(r.body(), 9)) for r in lookup_files)
    print(f"\nlookup by code: {len(lookup_files)} files, {raw} bytes, {packed} gzip bytes")
    assert packed <= 150_000


def test_lookup_by_part_of_a_name_finds_the_unit(desktop, base_url):
    units = [r for r in roster() if not r["uscc"].startswith("92")]
    unit = units[len(units) // 2]
    part = unit["name"][2:6]  # past the 示例 prefix: the trade name and the industry
    expected = [r for r in units if part in r["name"]]
    text = look_up(desktop, base_url, part)
    assert f"找到 {len(expected)} 家" in text
    assert unit["name"] in text or len(expected) > 50


def test_not_found_says_which_department_to_contact(desktop, base_url):
    text = look_up(desktop, base_url, "查无此企业")
    assert "没有找到“查无此企业”" in text
    departments = {r["lead_department"] for r in read_resource("industries")}
    assert all(d in text for d in departments)


def test_a_person_registered_name_is_shown_masked(desktop, base_url):
    unit = next(r for r in roster() if r["uscc"].startswith("92"))
    text = look_up(desktop, base_url, unit["uscc"])
    assert unit["name"] not in text
    assert unit["name"][0] + "＊＊（个体工商户）" in text


def test_without_javascript_the_lookup_says_where_to_look(no_js, base_url):
    no_js.goto(base_url + "lookup/", wait_until="load")
    text = no_js.locator("article").inner_text()
    assert "查询需要浏览器启用 JavaScript" in text
    assert not no_js.locator("#azx-lookup").is_visible()


def test_without_javascript_a_county_page_lists_its_uninsured_units(no_js, base_url):
    missing = [r for r in roster() if r["insured"] == "否"]
    region = max(read_resource("regions"),
                 key=lambda region: sum(r["region_code"] == region["code"] for r in missing))
    uninsured = [r for r in missing if r["region_code"] == region["code"]]
    assert uninsured
    no_js.goto(base_url + f"regions/{region['code'].lower()}/", wait_until="load")
    summary = no_js.locator("details.azx-uninsured summary")
    assert f"尚未投保的 {len(uninsured):,} 家" in summary.inner_text()
    summary.click()  # <details> opens without JavaScript
    table = no_js.locator("details.azx-uninsured table").inner_text()
    assert all(r["name"] in table for r in uninsured if not r["uscc"].startswith("92"))
