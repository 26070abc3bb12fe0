"""Zip files with stable bytes, their members deflated by zlib-ng (the downloads' XLSX and the
package zip).

zipfile deflates with the system's zlib and takes no other compressor. zlib-ng writes the same
format at the same level in about 60% of zlib's CPU and as small (the province's sheets and
roster at level 3: 1.4 s and 26.4 MB against 2.2 s and 26.9 MB), so the few records of a zip
are written here: the ones zipfile writes for these members (with zlib as the compressor, a
test finds zipfile's bytes), every member dated 1980-01-01 and readable by all. No Zip64: a
member or an archive past 2 GiB is refused (the downloads hold a few hundred MB at most).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from types import ModuleType, TracebackType
from typing import IO

from zlib_ng import zlib_ng

# the level of every member. At province the largest sheet (129 MB of XML) takes 1.54 s CPU
# and 12.1 MB at zlib's level 6 (zipfile's default), 0.77 s and 13.4 MB at 3, 0.56 s and
# 15.0 MB at 1; zlib-ng's 3 is 13.4 MB in about 60% of zlib's time at 3
LEVEL = 3
VERSION = 20  # of the zip format, to make and to extract a member (2.0: deflate)
UNIX = 3  # the system whose file attributes a member carries
MODE = 0o644 << 16  # a plain file, readable by all
DEFLATED = 8
UTF8_NAME = 0x800  # the flag of a name not in ASCII
DOS_DATE = 1 << 5 | 1  # 1980-01-01, at 00:00:00 (time 0)
LIMIT = (1 << 31) - 1  # zipfile's largest size or offset without Zip64
LOCAL = struct.Struct("<4s2B4HL2L2H")  # a member's header
CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # its entry in the directory
END = struct.Struct("<4s4H2LH")  # the directory's end


class Archive:
    """A zip written to `target` (a new binary file that can seek) a member at a time; its
    directory is written when the `with` block ends."""

    def __init__(self, target: IO[bytes], library: ModuleType = zlib_ng) -> None:
        self._target = target
        self._library = library  # the compressor (zlib's interface)
        self._directory: list[bytes] = []

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if kind is None:
            self.close()

    def add(self, name: str, chunks: Iterable[bytes]) -> None:
        """Add the member `name` holding the bytes of `chunks`, deflated as they come, never
        held whole."""
        out, library = self._target, self._library
        encoded = name.encode("utf-8")
        flags = 0 if name.isascii() else UTF8_NAME
        offset = out.tell()
        out.write(bytes(LOCAL.size + len(encoded)))  # the header once the sizes are known
        compressor = library.compressobj(LEVEL, library.DEFLATED, -15)
        crc = size = packed = 0
        for chunk in chunks:
            crc = library.crc32(chunk, crc)
            size += len(chunk)
            data = compressor.compress(chunk)
            packed += out.write(data)
        packed += out.write(compressor.flush())
        end = out.tell()
        if max(size, packed, end) > LIMIT:
            raise ValueError(f"{name}: past {LIMIT} bytes, more than a zip without Zip64 holds")
        out.seek(offset)
        out.write(LOCAL.pack(b"PK\x03\x04", VERSION, 0, flags, DEFLATED, 0, DOS_DATE, crc, packed,
                             size, len(encoded), 0) + encoded)
        out.seek(end)
        self._directory.append(CENTRAL.pack(
            b"PK\x01\x02", VERSION, UNIX, VERSION, 0, flags, DEFLATED, 0, DOS_DATE, crc, packed,
            size, len(encoded), 0, 0, 0, 0, MODE, offset) + encoded)

    def close(self) -> None:
        """Write the directory of the members."""
        start = self._target.tell()
        size = sum(self._target.write(entry) for entry in self._directory)
        count = len(self._directory)
        self._target.write(END.pack(b"PK\x05\x06", 0, 0, count, count, size, start, 0))
