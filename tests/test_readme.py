"""The README: its two commands come first, it names every `azx` command, and every path it
names under generator/, tests/, tools/ and bench/ exists."""

from __future__ import annotations

import re
from pathlib import Path

from generator import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
GENERATED = {"bench/out/"}  # written by bench/run, not committed


def test_the_two_commands_come_first():
    blocks = re.findall(r"```\n(.*?)```", README, flags=re.S)
    assert blocks[:2] == ["make site\n", "make test\n"]


def test_every_azx_command_is_named():
    action = next(a for a in cli.build_parser()._actions if a.dest == "command")
    assert [name for name in action.choices if f"`azx {name}" not in README] == []


def test_every_path_named_exists():
    named = set(re.findall(r"(?<![\w/.])((?:generator|tests|tools|bench|\.ci)/[\w./-]*)",
                           README))
    assert named
    assert sorted(p for p in named - GENERATED if not (ROOT / p).exists()) == []
