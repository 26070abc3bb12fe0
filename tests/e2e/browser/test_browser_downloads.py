"""Downloads for Excel users: a table's CSV, fetched from the link on 数据下载, starts with a UTF-8
byte order mark; the package zip linked beside it keeps the package's own CSV files."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import urljoin

import pytest

from .conftest import DATA_DIR

pytestmark = pytest.mark.e2e

BOM = b"\xef\xbb\xbf"


def first_link(page, text: str) -> str:
    """The address the first link named `text` leads to."""
    return urljoin(page.url, page.get_by_role("link", name=text, exact=True).first
                   .get_attribute("href"))


def test_the_csv_download_starts_with_a_bom_and_the_zip_keeps_the_originals(desktop, base_url):
    desktop.goto(base_url + "downloads/", wait_until="load")
    assert desktop.get_by_text("每个数据表的 CSV 文件开头带 UTF-8 标记(BOM)").count() == 1
    url = first_link(desktop, "CSV")
    name = url.rsplit("/", 1)[-1]
    body = desktop.request.get(url).body()
    original = (DATA_DIR / name).read_bytes()
    assert body[:3] == BOM and not original.startswith(BOM)
    assert body == BOM + original
    zipped = desktop.request.get(first_link(desktop, "ZIP")).body()
    with zipfile.ZipFile(io.BytesIO(zipped)) as bundle:
        assert bundle.read(name) == original
