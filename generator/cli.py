"""The `azx` command: one sub-command a job. Each handler is thin; the work lives in the modules."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator import __version__
from generator.package.text import terminal

DEFAULT_DATA = Path("data")


class UsageError(Exception):
    """A problem with the command line or configuration: exit code 2, one clear line."""


def cmd_validate(args: argparse.Namespace) -> int:
    """校验数据包:表结构(Frictionless)和业务规则。 Validate the data package.

    退出码:0 没有错误(可以有警告);1 有错误;2 路径或政策参数文件有问题。
    Exit 0 without errors (warnings allowed), 1 with errors, 2 for a usage or configuration problem.
    """
    from generator.package.load import package_root
    from generator.validate.pipeline import validate_package
    from generator.validate.report import (
        ConfigurationError,
        format_github,
        format_human,
        format_json,
    )

    try:
        report = validate_package(args.path, parallel=True)
    except ConfigurationError as exc:
        raise UsageError(str(exc)) from exc
    if args.format == "json":
        sys.stdout.write(format_json(report))
    elif args.format == "github":
        sys.stdout.write(format_github(report, package_root(args.path)))
    else:
        sys.stdout.write(format_human(report))
    return 0 if report.ok else 1


def cmd_rules(args: argparse.Namespace) -> int:
    """列出全部校验规则:编号、级别、名称和依据。 List every rule with severity and source."""
    from generator.validate.report import SEVERITY_ZH
    from generator.validate.rules.catalog import RULES

    width = max(len(rule.id) for rule in RULES)
    print(f"{'编号 id':<{width}}  级别  名称 — 依据")
    for rule in RULES:
        print(f"{rule.id:<{width}}  {SEVERITY_ZH[rule.severity]}  {rule.title} — {rule.source}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """校验数据并生成网站到 site/。 Validate, compute, draw, render and build the site."""
    from generator.site import build

    return build.main(args.data, args.site_dir, args.work_dir)


def cmd_serve(args: argparse.Namespace) -> int:
    """本地预览网站,数据或文档变化时重新生成。 Preview the site locally with rebuild on change."""
    from generator import serve

    return serve.serve(Path(args.data), args.dev_addr)


def cmd_publish(args: argparse.Namespace) -> int:
    """发布已生成的网站到自建服务器目录(原子切换,可回滚)。 Publish a built site to DEST/current."""
    from generator import publish

    if args.keep < 1:
        raise UsageError("--keep 至少为 1")
    try:
        if args.rollback:
            outcome = publish.rollback(Path(args.dest))
        else:
            outcome = publish.publish(Path(args.site), Path(args.data), Path(args.dest), args.keep)
    except publish.UsageProblem as exc:
        raise UsageError(str(exc)) from exc
    except publish.PublishError as exc:
        print(f"azx publish: {exc}", file=sys.stderr)
        return 1
    print("\n".join(outcome.lines()))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """从 Excel 或 CSV 导入一张表,校验通过后写入 data/。 Import an .xlsx/.csv into a resource."""
    from generator.intake import importer as intake

    source, root = Path(args.file), Path(args.data)
    if not source.is_file():
        raise UsageError(f"找不到文件 {source}")
    names = _resource_names(root)
    if args.resource not in names:
        raise UsageError(f"没有名为 {args.resource} 的数据表(可选:{'、'.join(names)})")
    try:
        result = intake.import_file(source, args.resource, root, args.sheet,
                                    args.replace_periods)
    except intake.IntakeUsageError as exc:
        raise UsageError(str(exc)) from None
    except intake.IntakeError as exc:
        print(terminal(f"导入失败:{exc}"), file=sys.stderr)
        return 1
    print(terminal("\n".join(intake.report_lines(result, source, args.data.rstrip("/")))))
    return 1 if result.failed else 0


def cmd_template(args: argparse.Namespace) -> int:
    """生成一张表的 Excel 填报模板。 Write an Excel template for a resource."""
    from generator.intake import template as xlsx_template

    root = Path(args.data)
    names = _resource_names(root)
    if args.name not in names:
        raise UsageError(f"没有名为 {args.name} 的数据表(可选:{'、'.join(names)})")
    out = xlsx_template.write_template(root, args.name, Path(args.xlsx))
    print(f"已生成模板 {out}")
    return 0


def cmd_changes(args: argparse.Namespace) -> int:
    """列出自某次提交以来 data/ 的变化。 Show what changed in data/ since REF."""
    from generator.history import changes

    try:
        lines = changes.changes_lines(Path(args.data), args.ref)
    except changes.GitError as exc:
        raise UsageError(str(exc)) from None
    print(terminal("\n".join(lines)))
    return 0


def _resource_names(root: Path) -> list[str]:
    from generator.package.load import read_descriptor

    try:
        return [r["name"] for r in read_descriptor(root)["resources"]]
    except FileNotFoundError:
        raise UsageError(f"{root} 下没有 datapackage.json") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="azx",
        description="驻马店市安责险信息公开网站生成工具 (publisher for 安责险 disclosure data)",
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
    p.add_argument("--format", choices=["human", "json", "github"], default="human",
                   help="输出格式:human 按文件分组(默认),json,github(GitHub 注释)")

    add("rules", cmd_rules)

    p = add("build", cmd_build)
    p.add_argument("--data", default=str(DEFAULT_DATA), help="数据目录(默认 data/)")
    p.add_argument("--site-dir", default="site", help="输出目录(默认 site/)")
    p.add_argument("--work-dir", default=None,
                   help="生成的页面和缓存存放目录(默认仓库内 .build/)")

    p = add("serve", cmd_serve)
    p.add_argument("--data", default=str(DEFAULT_DATA))
    p.add_argument("--dev-addr", default="127.0.0.1:8000")

    p = add("publish", cmd_publish)
    p.add_argument("--dest", required=True, help="发布目录(网站服务器的根目录)")
    p.add_argument("--site", "--site-dir", dest="site", default="site",
                   help="azx build 生成的网站目录(默认 site/)")
    p.add_argument("--data", default=str(DEFAULT_DATA), help="生成网站所用的数据目录(默认 data/)")
    p.add_argument("--keep", type=int, default=5, help="保留的版本数(默认 5)")
    p.add_argument("--rollback", action="store_true", help="切换回上一个版本")

    p = add("import", cmd_import)
    p.add_argument("file", help="要导入的 .xlsx 或 .csv 文件")
    p.add_argument("--resource", required=True, help="数据表名,如 coverage")
    p.add_argument("--sheet", help="工作表名称(默认第一个可见工作表)")
    p.add_argument("--replace-periods", action="store_true",
                   help="用文件替换其中各期间(月份、季度、年度、轮次)的全部数据,"
                        "删除文件里没有的已有行(默认:会删除已有行时停止)")
    p.add_argument("--data", default=str(DEFAULT_DATA), help="数据目录(默认 data/)")

    p = add("template", cmd_template)
    p.add_argument("name", help="数据表名,如 coverage")
    p.add_argument("--xlsx", required=True, help="输出的 .xlsx 文件")
    p.add_argument("--data", default=str(DEFAULT_DATA), help="数据目录(默认 data/)")

    p = add("changes", cmd_changes)
    p.add_argument("ref", nargs="?", help="比较的起点提交(默认上一次数据发布)")
    p.add_argument("--data", default=str(DEFAULT_DATA), help="数据目录(默认 data/)")

    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except UsageError as exc:
        print(terminal(f"azx {args.command}: {exc}"), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
