"""The one encoding detector for CSV that is not UTF-8 (validate refuses it, import converts it)."""

from __future__ import annotations

import re

CHINESE_ENCODINGS = ("gb18030", "gbk", "gb2312", "hz", "big5", "cp936", "cp950")


def detect(data: bytes) -> str | None:
    """The encoding of bytes that are not UTF-8: "gb18030" for the Chinese text Excel saves
    (checked first: charset-normalizer often guesses Korean for a short Excel CSV; GB18030 is a
    superset of GBK and GB2312), else charset-normalizer's guess; None when there is none."""
    try:
        if re.search("[\u4e00-\u9fff]", data.decode("gb18030")):
            return "gb18030"
    except UnicodeDecodeError:
        pass
    import charset_normalizer

    guess = charset_normalizer.from_bytes(data[:65536]).best()
    if guess is None:
        return None
    encoding = guess.encoding.lower()
    return "gb18030" if encoding in ("gbk", "gb2312", "hz", "cp936") else encoding
