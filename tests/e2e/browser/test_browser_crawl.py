"""Every page of the site, visited once: no third-party request, no broken link or resource."""

from __future__ import annotations

from collections import Counter
from urllib.parse import unquote, urldefrag, urlsplit

import pytest

pytestmark = pytest.mark.e2e

WEB_SCHEMES = {"http", "https", "ws", "wss"}


def is_local(url: str, base_url: str) -> bool:
    """Whether `url` is served by the local test server."""
    return urlsplit(url).netloc == urlsplit(base_url).netloc


def test_every_page_loads(crawl):
    bad = [f"{url}: HTTP {visit.status}" for url, visit in crawl.items() if visit.status != 200]
    assert not bad, "\n".join(bad)
    assert len(crawl) > 1


def test_no_third_party_requests(crawl, base_url, report):
    offenders = [
        f"{page} → {request}"
        for page, visit in crawl.items()
        for request in visit.requests
        if urlsplit(request).scheme in WEB_SCHEMES and not is_local(request, base_url)
    ]
    total = sum(len(visit.requests) for visit in crawl.values())
    report(f"crawl: {len(crawl)} pages, {total} requests, {len(offenders)} to other hosts")
    assert not offenders, "\n".join(offenders)


def test_no_failed_request(crawl):
    failed = [f"{page} → {item}" for page, visit in crawl.items() for item in visit.failed]
    assert not failed, "\n".join(failed)


def test_no_missing_image_stylesheet_or_script(crawl, base_url, url_status):
    missing = [
        f"{page} → {resource} (HTTP {url_status(resource)})"
        for page, visit in crawl.items()
        for resource in visit.resources
        if is_local(resource, base_url) and url_status(urldefrag(resource)[0]) != 200
    ]
    broken = [f"{page} → {image} (图片无法显示)" for page, visit in crawl.items()
              for image in visit.broken_images]
    assert not missing + broken, "\n".join(missing + broken)


def test_no_broken_internal_link(crawl, base_url, url_status, report):
    broken = []
    checked = Counter()
    for page, visit in crawl.items():
        for link in visit.links:
            if not is_local(link, base_url):
                continue
            target, fragment = urldefrag(link)
            checked["links"] += 1
            status = url_status(target)
            if status != 200:
                broken.append(f"{page} → {link} (HTTP {status})")
            elif fragment and target in crawl and unquote(fragment) not in crawl[target].ids:
                broken.append(f"{page} → {link} (页面中没有锚点 #{unquote(fragment)})")
    report(f"links: {checked['links']} internal links checked, {len(broken)} broken")
    assert not broken, "\n".join(broken)
