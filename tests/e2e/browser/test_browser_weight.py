"""Bytes a first visit transfers, per page type: raw, and gzip-compressed as the published site's
nginx sends text (see generator/publish.py: `gzip on`, level 1, from 1 KB, HTML, CSS, JavaScript,
JSON and SVG)."""

from __future__ import annotations

import gzip

import pytest

from .conftest import DESKTOP, PAGE_TYPES

pytestmark = pytest.mark.e2e

HOME_BUDGET = 300 * 1024
COMPRESSIBLE = ("text/", "javascript", "json", "svg")
GZIP_LEVEL = 1  # nginx's default gzip_comp_level
GZIP_MIN_LENGTH = 1024


def first_visit(browser, url: str) -> list[tuple[str, str, bytes]]:
    """Every response of one visit with an empty cache: URL, content type and body."""
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(url, wait_until="networkidle")
    bodies = [(r.url, r.headers.get("content-type", ""), body_of(r)) for r in responses]
    context.close()
    return bodies


def body_of(response) -> bytes:
    """The response body; a redirect has none."""
    return b"" if 300 <= response.status < 400 else response.body()


def compressed_size(content_type: str, body: bytes) -> int:
    """Size on the wire from a server that gzips text types."""
    if len(body) >= GZIP_MIN_LENGTH and any(kind in content_type for kind in COMPRESSIBLE):
        return len(gzip.compress(body, compresslevel=GZIP_LEVEL))
    return len(body)


@pytest.fixture(scope="module")
def weights(browser, base_url, page_paths) -> dict[str, list[tuple[str, int, int]]]:
    """For each page type, every response of a first visit: path, raw and compressed bytes."""
    return {
        name: [
            (url.removeprefix(base_url), len(body), compressed_size(kind, body))
            for url, kind, body in first_visit(browser, base_url + page_paths[name])
        ]
        for name in PAGE_TYPES
    }


def kb(size: int) -> str:
    return f"{size / 1024:.1f} KB"


def test_report_first_visit_weight(weights, report):
    for name, responses in weights.items():
        raw = sum(size for _, size, _ in responses)
        packed = sum(size for _, _, size in responses)
        report(f"weight {name}: {len(responses)} requests, {kb(raw)} raw, {kb(packed)} gzip")
    largest = sorted(weights["home"], key=lambda response: -response[1])[:4]
    report("weight home, largest: " + "; ".join(
        f"{path or '/'} {kb(raw)} ({kb(packed)} gzip)" for path, raw, packed in largest))
    assert all(weights.values())


def test_home_page_within_budget(weights):
    raw = sum(size for _, size, _ in weights["home"])
    packed = sum(size for _, _, size in weights["home"])
    assert packed <= HOME_BUDGET, (
        f"首页首次访问传输 {kb(packed)}(压缩后;原始 {kb(raw)}),超过 {kb(HOME_BUDGET)}"
    )
