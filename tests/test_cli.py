"""Help texts: every sub-command has one, and `azx validate --help` states the exit codes."""

from pathlib import Path

import pytest

from generator import cli

REPO = Path(__file__).resolve().parents[1]


def subcommands() -> dict:
    parser = cli.build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return action.choices


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_every_subcommand_has_a_chinese_help_text(name):
    assert any("\u4e00" <= ch <= "\u9fff" for ch in subcommands()[name].description or "")


def test_validate_help_names_formats_and_exit_codes(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["validate", "--help"])
    out = " ".join(capsys.readouterr().out.split())  # argparse wraps long lines
    assert exit_info.value.code == 0
    assert "{human,json,github}" in out
    assert "退出码:0 没有错误(可以有警告);1 有错误;2 路径或政策参数文件有问题。" in out


def test_run_as_the_command_it_ends_the_process_itself_with_the_exit_status(monkeypatch):
    """`azx` (no argv given) ends at once with os._exit, its output flushed; called with argv
    (as here elsewhere) it returns the status."""
    ended: list[int] = []
    monkeypatch.setattr(cli.sys, "argv", ["azx", "rules", "--project", str(REPO)])
    monkeypatch.setattr(cli.os, "_exit", ended.append)
    assert cli.main() == 0
    assert ended == [0]
    assert cli.main(["rules", "--project", str(REPO)]) == 0
    assert ended == [0]
