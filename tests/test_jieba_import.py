"""MkDocs's Chinese segmenter (jieba) is imported without pkg_resources, which costs a build
about 0.1 s of CPU reading every installed distribution's metadata, and segments the same."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT = """
import sys
import generator.site.build
print("pkg_resources" in sys.modules, "jieba" in sys.modules)
import jieba
jieba.setLogLevel(30)
print("/".join(jieba.cut("驻马店市安全生产责任保险")))
import pkg_resources
print(pkg_resources.__name__)
"""


def test_a_build_imports_jieba_without_pkg_resources_and_pkg_resources_still_imports():
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO, capture_output=True,
                            text=True, encoding="utf-8", check=True)
    assert result.stdout.splitlines() == ["False True", "驻马店市/安全/生产/责任保险",
                                          "pkg_resources"]
