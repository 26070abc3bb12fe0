"""Screenshots of the home, an industry and an insurer page at desktop and phone size, written to
screenshots/ (git-ignored) for a person to review."""

from __future__ import annotations

import pytest

from .conftest import SCREENSHOT_DIR

pytestmark = pytest.mark.e2e

PAGES = ("home", "industry", "insurer")


@pytest.mark.parametrize("page_type", PAGES)
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_screenshot(device, page_type, request, base_url, page_paths, report):
    page = request.getfixturevalue(device)
    page.goto(base_url + page_paths[page_type], wait_until="networkidle")
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    target = SCREENSHOT_DIR / f"{page_type}-{device}.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 0
    report(f"screenshot: {target.relative_to(SCREENSHOT_DIR.parent)}")
