"""The `azx` command: one sub-command a job. Each handler is thin; the work lives in the modules."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator import __version__

DEFAULT_DATA = Path("data")


class UsageError(Exception):
    """A problem with the command line or configuration: exit code 2, one clear line."""


def cmd_validate(args: argparse.Namespace) -> int:
    """校验数据包:表结构(Frictionless)和业务规则。 Validate the data package."""
    raise NotImplementedError("azx validate")


def cmd_rules(args: argparse.Namespace) -> int:
    """列出全部业务规则。 List every business rule with its severity and source."""
    raise NotImplementedError("azx rules")


def cmd_build(args: argparse.Namespace) -> int:
    """校验数据并生成网站到 site/。 Validate, compute, draw, render and build the site."""
    raise NotImplementedError("azx build")


def cmd_serve(args: argparse.Namespace) -> int:
    """本地预览网站,数据或文档变化时重新生成。 Preview the site locally with rebuild on change."""
    raise NotImplementedError("azx serve")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="azx", description="驻马店市安责险信息公开网站生成工具 (publisher for 安责险 disclosure data)"
    )
    parser.add_argument("--version", action="version", version=f"azx {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, handler) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=handler.__doc__.splitlines()[0], description=handler.__doc__)
        p.set_defaults(handler=handler)
        return p

    p = add("validate", cmd_validate)
    p.add_argument("path", nargs="?", default=str(DEFAULT_DATA),
                   help="数据目录或 datapackage.json(默认 data/)")
    p.add_argument("--format", choices=["human", "json", "github"], default="human")

    add("rules", cmd_rules)

    p = add("build", cmd_build)
    p.add_argument("--data", default=str(DEFAULT_DATA), help="数据目录(默认 data/)")
    p.add_argument("--site-dir", default="site", help="输出目录(默认 site/)")

    p = add("serve", cmd_serve)
    p.add_argument("--data", default=str(DEFAULT_DATA))
    p.add_argument("--dev-addr", default="127.0.0.1:8000")

    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except UsageError as exc:
        print(f"azx {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
