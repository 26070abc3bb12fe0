"""The `azx` command: one sub-command a job. Each handler is thin; the work lives in the modules."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from generator import __version__
from generator.errors import AzxError, ConfigurationError, DiskError, SiteBuildError, UsageError
from generator.package.text import terminal
from generator.project import Project


def folder(args: argparse.Namespace, name: str) -> Path:
    """The folder option `name` (data, site_dir or work_dir) as given, relative to the current
    directory; else the project's own (the project is looked for only then)."""
    value = getattr(args, name)
    return Path(value) if value else getattr(Project.find(args.project), name)


def cmd_validate(args: argparse.Namespace) -> int:
    """校验数据包:表结构(Frictionless)和业务规则。 Validate the data package.

    退出码:0 没有错误(可以有警告);1 有错误;2 路径或政策参数文件有问题。
    Exit 0 without errors (warnings allowed), 1 with errors, 2 for a usage or configuration problem.
    """
    from generator.package.load import package_root
    from generator.validate.pipeline import validate_package
    from generator.validate.report import format_github, format_human, format_json

    path = args.path or Project.find(args.project).data
    report = validate_package(path, parallel=True)
    if args.format == "json":
        sys.stdout.write(format_json(report))
    elif args.format == "github":
        sys.stdout.write(format_github(report, package_root(path)))
    else:
        sys.stdout.write(format_human(report))
    return 0 if report.ok else 1


def cmd_rules(args: argparse.Namespace) -> int:
    """列出全部校验规则:编号、级别、名称和依据。 List every rule with severity and source.

    依据中的实施方案名称取自数据目录的 publisher.yaml(plan.title)。
    The plan the sources cite is named by the data folder's publisher.yaml (`plan.title`).
    """
    from generator.site import publisher
    from generator.validate.report import SEVERITY_ZH
    from generator.validate.rules.catalog import cited

    plan = publisher.load(folder(args, "data"), Project.find(args.project).data).plan_title
    rules = cited(plan)
    width = max(len(rule.id) for rule in rules)
    print(f"{'编号 id':<{width}}  级别  名称 — 依据")
    for rule in rules:
        print(f"{rule.id:<{width}}  {SEVERITY_ZH[rule.severity]}  {rule.title} — {rule.source}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """校验数据并生成网站到 site/。 Validate, compute, draw, render and build the site."""
    from generator.site import build

    project, site_dir = Project.find(args.project), folder(args, "site_dir")
    try:
        return build.build(folder(args, "data"), site_dir, folder(args, "work_dir"), project)
    except ConfigurationError as exc:  # no package at the path, or an unusable policy file
        raise ConfigurationError(f"{exc};{site_dir}/ 保持不变。") from None
    except SiteBuildError as exc:
        raise SiteBuildError(f"{site_dir}/ 保持不变:{exc}") from None
    except OSError as exc:  # a disk or folder that refuses writes: one line, not a traceback
        if exc.errno not in build.DISK_ERRORS:
            raise
        shutil.rmtree(build.site.staging_dir(site_dir), ignore_errors=True)
        raise DiskError(f"无法写入{build.unwritable(exc)}({build.DISK_ERRORS[exc.errno]});"
                        f"{site_dir}/ 保持不变。") from None


def cmd_serve(args: argparse.Namespace) -> int:
    """本地预览网站,数据或文档变化时重新生成。 Preview the site locally with rebuild on change."""
    from generator import serve

    return serve.serve(Project.find(args.project), folder(args, "data"), folder(args, "work_dir"),
                       args.dev_addr)


def cmd_publish(args: argparse.Namespace) -> int:
    """发布已生成的网站到自建服务器目录(原子切换,可回滚)。 Publish a built site to DEST/current."""
    from generator import publish

    if args.keep < 1:
        raise UsageError("--keep 至少为 1")
    if args.rollback:
        outcome = publish.rollback(Path(args.dest))
    else:
        outcome = publish.publish(folder(args, "site_dir"), folder(args, "data"), Path(args.dest),
                                  args.keep)
    print("\n".join(outcome.lines()))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """从 Excel 或 CSV 导入一张表,校验通过后写入 data/。 Import an .xlsx/.csv into a resource."""
    from generator.intake import importer as intake
    from generator.intake.fill import check_month

    source = Path(args.file)
    if not source.is_file():
        raise UsageError(f"找不到文件 {source}")
    root = folder(args, "data")
    names = _resource_names(root)
    if args.resource not in names:
        raise UsageError(f"没有名为 {args.resource} 的数据表(可选:{'、'.join(names)})")
    month = check_month(args.month)
    result = intake.import_file(source, args.resource, root, args.sheet, args.replace_periods,
                                month)
    print(terminal("\n".join(intake.report_lines(result, source, str(root)))))
    return 1 if result.failed else 0


def cmd_template(args: argparse.Namespace) -> int:
    """生成一张表的 Excel 填报模板。 Write an Excel template for a resource."""
    from generator.intake import template as xlsx_template

    root = folder(args, "data")
    names = _resource_names(root)
    if args.name not in names:
        raise UsageError(f"没有名为 {args.name} 的数据表(可选:{'、'.join(names)})")
    out = xlsx_template.write_template(root, args.name, Path(args.xlsx))
    print(f"已生成模板 {out}")
    return 0


def cmd_changes(args: argparse.Namespace) -> int:
    """列出自某次提交以来 data/ 的变化。 Show what changed in data/ since REF."""
    from generator.history import changes

    print(terminal("\n".join(changes.changes_lines(folder(args, "data"), args.ref))))
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
        description="安责险信息公开网站生成工具 (publisher for 安责险 disclosure data)",
    )
    parser.add_argument("--version", action="version", version=f"azx {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    # the options several commands share: relative folders are taken from the current directory
    project = argparse.ArgumentParser(add_help=False)
    project.add_argument("--project", metavar="DIR",
                         help="项目目录,即含 mkdocs.yml、docs/ 和 data/ 的目录"
                              "(默认从当前目录向上查找)")
    data = argparse.ArgumentParser(add_help=False, parents=[project])
    data.add_argument("--data", metavar="DIR", help="数据目录(默认项目的 data/)")
    work = argparse.ArgumentParser(add_help=False)
    work.add_argument("--work-dir", metavar="DIR",
                      help="生成的页面和缓存存放目录(默认项目的 .build/)")

    def add(name: str, handler, *parents: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=handler.__doc__.splitlines()[0], description=handler.__doc__,
                           parents=parents)
        p.set_defaults(handler=handler)
        return p

    p = add("validate", cmd_validate, project)
    p.add_argument("path", nargs="?", help="数据目录或 datapackage.json(默认项目的 data/)")
    p.add_argument("--format", choices=["human", "json", "github"], default="human",
                   help="输出格式:human 按文件分组(默认),json,github(GitHub 注释)")

    add("rules", cmd_rules, data)

    p = add("build", cmd_build, data, work)
    p.add_argument("--site-dir", metavar="DIR", help="输出目录(默认项目的 site/)")

    p = add("serve", cmd_serve, data, work)
    p.add_argument("--dev-addr", default="127.0.0.1:8000")

    p = add("publish", cmd_publish, data)
    p.add_argument("--dest", required=True, help="发布目录(网站服务器的根目录)")
    p.add_argument("--site", "--site-dir", dest="site_dir", metavar="DIR",
                   help="azx build 生成的网站目录(默认项目的 site/)")
    p.add_argument("--keep", type=int, default=5, help="保留的版本数(默认 5)")
    p.add_argument("--rollback", action="store_true", help="切换回上一个版本")

    p = add("import", cmd_import, data)
    p.add_argument("file", help="要导入的 .xlsx 或 .csv 文件")
    p.add_argument("--resource", required=True, help="数据表名,如 coverage")
    p.add_argument("--sheet", help="工作表名称(默认第一个可见工作表)")
    p.add_argument("--replace-periods", action="store_true",
                   help="用文件替换其中各期间(月份、季度、年度、轮次)的全部数据,"
                        "删除文件里没有的已有行(默认:会删除已有行时停止)")
    p.add_argument("--month", metavar="YYYY-MM",
                   help="应投保企业名单的核查月份,文件没有“最近核查月份”一列时填入"
                        "(默认投保进展最近一个月)")

    p = add("template", cmd_template, data)
    p.add_argument("name", help="数据表名,如 coverage")
    p.add_argument("--xlsx", required=True, help="输出的 .xlsx 文件")

    p = add("changes", cmd_changes, data)
    p.add_argument("ref", nargs="?", help="比较的起点提交(默认上一次数据发布)")

    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command `argv`; its exit status. Run as the command itself (no `argv`), the
    process ends here (`end`)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = args.handler(args)
    except AzxError as exc:  # the one place where an error becomes an exit status
        print(terminal(exc.line(args.command)), file=sys.stderr)
        code = exc.exit_code
    except KeyboardInterrupt:
        code = 130
    if argv is None:
        end(code)
    return code


def end(code: int) -> None:
    """End the process now with `code`, its output flushed. The interpreter's own ending would
    take apart every object a build left (0.1–0.3 s of CPU at city scale) for nothing: each file
    is closed and each child process stopped by the command itself."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more can be said
            pass
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main())
