"""Bytes a first visit transfers, per page type: raw, and gzip-compressed as a static server would
send text (nginx `gzip on` for HTML, CSS, JavaScript, JSON and SVG)."""

from __future__ import annotations

import gzip

import pytest

from .conftest import DESKTOP, PAGE_TYPES

pytestmark = pytest.mark.e2e

HOME_BUDGET = 300 * 1024
COMPRESSIBLE = ("text/", "javascript", "json", "xml", "svg")


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
    """Size on the wire from a server that gzips text types (level 6)."""
    if any(kind in content_type for kind in COMPRESSIBLE):
        return min(len(body), len(gzip.compress(body, compresslevel=6)))
    return len(body)


@pytest.fixture(scope="module")
def weights(browser, base_url, page_paths) -> dict[str, tuple[int, int, int]]:
    """For each page type: requests, raw bytes and compressed bytes of a first visit."""
    result = {}
    for name in PAGE_TYPES:
        bodies = first_visit(browser, base_url + page_paths[name])
        raw = sum(len(body) for _, _, body in bodies)
        packed = sum(compressed_size(kind, body) for _, kind, body in bodies)
        result[name] = (len(bodies), raw, packed)
    return result


def test_report_first_visit_weight(weights, report):
    for name, (requests, raw, packed) in weights.items():
        report(f"weight {name}: {requests} requests, {raw / 1024:.1f} KB raw, "
               f"{packed / 1024:.1f} KB gzip")
    assert all(requests > 0 for requests, _, _ in weights.values())


def test_home_page_within_budget(weights):
    requests, raw, packed = weights["home"]
    assert packed <= HOME_BUDGET, (
        f"首页首次访问传输 {packed / 1024:.1f} KB(压缩后;原始 {raw / 1024:.1f} KB),"
        f"超过 {HOME_BUDGET // 1024} KB"
    )
