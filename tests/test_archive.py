"""Zip files written a member at a time, deflated by zlib-ng: zipfile's records, stable bytes."""

from __future__ import annotations

import io
import zipfile
import zlib

import pytest

from generator.site import archive
from generator.site.archive import Archive

MEMBERS = [("[Content_Types].xml", [b"<Types/>"]), ("数据说明.json", ["{\"名\": 1}\n".encode()]),
           ("empty.csv", []), ("chunks.csv", [b"a,b\n" * 5000, b"", "名称,1\n".encode() * 3000])]


def written(library=archive.zlib_ng) -> bytes:
    out = io.BytesIO()
    with Archive(out, library) as zipped:
        for name, chunks in MEMBERS:
            zipped.add(name, iter(chunks))
    return out.getvalue()


def test_with_zlib_the_bytes_are_zipfiles():
    """The records are the ones zipfile writes for the same members (dated 1980-01-01, 0644);
    only the compressor differs in a build."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as expected:
        for name, chunks in MEMBERS:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            expected.writestr(info, b"".join(chunks), compress_type=zipfile.ZIP_DEFLATED,
                              compresslevel=archive.LEVEL)
    assert written(zlib) == out.getvalue()


def test_zipfile_reads_back_every_member_and_the_bytes_are_stable():
    data = written()
    assert data == written()
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
        assert zipped.testzip() is None
        assert [(i.filename, i.date_time, i.external_attr >> 16, i.compress_type)
                for i in zipped.infolist()] == [
            (name, (1980, 1, 1, 0, 0, 0), 0o644, zipfile.ZIP_DEFLATED) for name, _ in MEMBERS]
        for name, chunks in MEMBERS:
            assert zipped.read(name) == b"".join(chunks)


def test_a_member_past_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(archive, "LIMIT", 1000)
    with pytest.raises(ValueError, match="chunks.csv: past 1000 bytes"):
        written()
