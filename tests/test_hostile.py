"""A hostile corpus: one package per class of issue 12, each `data/` plus one edit made at test
time, each asserting the exact refusal `azx validate` prints (or the inert output of a writer).

The payloads point at a local HTTP server (127.0.0.1 only) that must receive no request, and no
file may appear outside the test's own folders.

Each class of the issue and the tests that cover it (CASES[...] are cases of
`test_hostile_package_is_refused_with_its_line`):

- live script through a link target: CASES["code-without-pattern"],
  CASES["code-breaks-out-of-link"], `test_names_used_as_paths_are_checked_where_they_are_used`;
  through front matter and attr_list: CASES["control-char-in-cell"], CASES["c1-and-bidi-in-cell"],
  `test_front_matter_title_is_yaml_that_parses_whatever_the_name`,
  `test_a_page_whose_front_matter_does_not_parse_fails_the_build_with_its_name`; no dialog on any
  page type in Chromium: tests/e2e/browser/test_browser_hostile.py
- writes outside the work folder: CASES["package-name-climbs"], CASES["resource-name-with-slash"]
  (with the `outside` check of every case),
  `test_import_refuses_a_resource_path_out_of_the_package_before_copying`
- validation seeing other rows, URLs fetched: CASES["dialect-comment-char"], ["dialect-url"],
  ["profile-url"], ["unknown-property"], ["duplicate-key"] (the `server` fixture must stay unasked)
- personal data: CASES["phone-spaced-with-country-code"], ["phone-full-width-zero-width-free"],
  ["landline-in-a-field-with-a-pattern"], ["id-15-digits-spaced"], ["email-full-width-at"],
  ["phone-in-descriptor-text"], ["phone-in-policy-text"],
  `test_public_hotlines_from_policy_pass_and_others_do_not`
- unbounded reads: CASES["resource-is-dev-zero"],
  `test_policy_file_that_is_dev_zero_is_one_line_and_exit_2`,
  `test_safe_reader_refuses_a_fifo_and_a_file_over_its_cap`,
  `test_no_change_check_publish_and_changes_never_read_dev_zero`
- Excel import of an absurd range: `test_import_of_a_workbook_with_an_absurd_range_is_one_line`
  (a far cell, a wide cell, one merged range),
  `test_import_of_a_workbook_merging_too_many_cells_is_one_line`
- valid data that crashed the build: control characters and U+FFFF: CASES["control-char-in-cell"],
  CASES["noncharacter-in-descriptor"], `test_neutralise_makes_text_inert_for_every_writer`; `{}`
  and `$…$` in a name: `test_chart_text_with_maths_and_control_characters_is_drawn_as_text` and,
  built for real,
  tests/e2e/test_hostile_build.py::test_a_name_with_braces_and_dollars_is_shown_as_written;
  `/` in a resource name: CASES["resource-name-with-slash"],
  `test_excel_template_writes_formula_like_titles_as_text` (sheet title); 200,000-deep
  descriptor: CASES["nested-200000-deep"]; a GBK commit and a control character in a subject:
  `test_history_names_and_skips_a_gbk_commit_and_a_control_char_subject`, and on the built
  更新记录 page and feed.xml, tests/e2e/test_hostile_build.py::
  test_updates_page_names_and_skips_the_undecodable_commits and
  test_feed_names_and_skips_the_undecodable_commits
- formulas: `test_published_xlsx_writes_formula_like_text_as_text`,
  `test_excel_template_writes_formula_like_titles_as_text`
- faults: `test_atomic_write_leaves_the_old_file_when_writing_fails` (cache files),
  `test_a_second_build_on_a_busy_work_folder_exits_2_with_one_line`,
  `test_the_helper_ends_when_its_parent_is_killed`, `test_staging_folders_are_ignored_by_git`;
  a read-only work folder, a full disk and a mount point as site folder through `azx build`:
  tests/e2e/test_faults.py
- output injection: `test_report_lines_carry_no_escape_and_no_fence`,
  `test_resource_path_that_could_open_a_fence_is_refused`,
  `test_neutralise_makes_text_inert_for_every_writer`

What `azx validate` prints for three of them (one line each, wrapped here; CASES holds the
exact lines of all):

    milestones.csv:2 code(步骤代码) — 错误:代码“x)<img src=x onerror=alert(1)>”不能用在网页地址
      和文件名中:只能用英文字母、数字和 _ . -,以字母或数字开头。 [code-not-identifier]
    regions.csv:2 name(单位名称) — 错误:含不允许的字符 U+007F(控制字符)。
      请删除它(常见于从网页或其他软件复制的文字)。 [text-forbidden-char]
    assessments.csv:2 summary(评估结论摘要) — 错误:含电话号码 +86*******8000。
      个人信息不能公开,请删除号码或改写为单位的办公电话。 [personal-phone]
"""

from __future__ import annotations

import csv
import http.server
import io
import json
import os
import shutil
import threading
from pathlib import Path

import pytest

from generator import cli
from generator.package.safe import UnsafeFile, read_package_file
from generator.package.text import CELL_FORBIDDEN, forbidden, neutralise
from generator.validate.read import printable
from generator.validate.rules.texts import normalise, personal_data

DATA = Path(__file__).resolve().parents[1] / "data"
REPO = DATA.parent


class Listener(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802  (the name http.server calls)
        Listener.requests.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"delimiter": ";"}')

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    """A server on 127.0.0.1 the payloads point at; a test fails if it is ever asked."""
    httpd = http.server.HTTPServer(("127.0.0.1", 0), Listener)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    assert Listener.requests == []


def descriptor(change):
    def edit(root: Path, url: str) -> None:
        data = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
        change(data, url)
        (root / "datapackage.json").write_text(json.dumps(data, ensure_ascii=False),
                                               encoding="utf-8")
    return edit


def resource(data: dict, name: str) -> dict:
    return next(r for r in data["resources"] if r["name"] == name)


def field(data: dict, name: str, column: str) -> dict:
    return next(f for f in resource(data, name)["schema"]["fields"] if f["name"] == column)


def cell(file: str, row: int, column: str, value: str):
    def edit(root: Path, url: str) -> None:
        text = (root / file).read_text(encoding="utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        rows[row - 1][rows[0].index(column)] = value.format(url=url)
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        (root / file).write_text(out.getvalue(), encoding="utf-8")
    return edit


def raw(change):
    def edit(root: Path, url: str) -> None:
        change(root / "datapackage.json")
    return edit


def link(name: str, target: str):
    def edit(root: Path, url: str) -> None:
        (root / name).unlink()
        (root / name).symlink_to(target)
    return edit


def both(*edits):
    def edit(root: Path, url: str) -> None:
        for one in edits:
            one(root, url)
    return edit


def no_pattern(data, url):
    field(data, "milestones", "code")["constraints"].pop("pattern")


def loose_pattern(data, url):
    field(data, "milestones", "code")["constraints"]["pattern"] = ".*"


D = "datapackage.json — 错误:"
XSS = "<img src=x onerror=alert(1)>"
RESTORE = "请对照仓库中的 data/datapackage.json 恢复这一处。"
NOT_ID = "不能用作名称:只能用英文字母、数字和 _ . -,以字母或数字开头,最长 64 个字符。"
REMOTE = "指向网址或别的文件,本工具不会下载或读取它。请删除这一项,或把内容直接写在描述文件里。"
CHAR = "请删除它(常见于从网页或其他软件复制的文字)。 [text-forbidden-char]"
PHONE = "个人信息不能公开,请删除号码或改写为单位的办公电话。 [personal-phone]"

# class of issue 12 → (edit, the error lines `azx validate` prints)
CASES = {
    # live script: a code used in a link target once its pattern is dropped or loosened
    "code-without-pattern": (descriptor(no_pattern), [
        f"{D}datapackage.json 中资源 milestones 的字段 code 没有格式约束(constraints.pattern)。"
        f"代码会用在网页地址和文件名中,必须声明格式。{RESTORE} [descriptor-code-pattern]"]),
    "code-breaks-out-of-link": (
        both(descriptor(loose_pattern), cell("milestones.csv", 2, "code", f"x){XSS}")), [
            f"milestones.csv:2 code(步骤代码) — 错误:代码“x){XSS}”不能用在网页地址"
            "和文件名中:只能用英文字母、数字和 _ . -,以字母或数字开头。 [code-not-identifier]"]),
    # live script: U+007F in a name breaks the front matter
    "control-char-in-cell": (cell("regions.csv", 2, "name", "驿城\x7f区"), [
        f"regions.csv:2 name(单位名称) — 错误:含不允许的字符 U+007F(控制字符)。{CHAR}"]),
    "c1-and-bidi-in-cell": (cell("industries.csv", 2, "name", "民爆\u202e\x85"), [
        f"industries.csv:2 name(行业名称) — 错误:含不允许的字符 U+202E(双向文本控制符)。{CHAR}"]),
    "noncharacter-in-descriptor": (
        descriptor(lambda d, u: field(d, "regions", "name").update(title="名称\uffff")), [
            f"{D}resources[0].schema.fields[1].title 含不允许的字符 U+FFFF(非字符)。{CHAR}"]),
    # writes outside the work folder
    "package-name-climbs": (descriptor(lambda d, u: d.update(name="../../evil")), [
        f"{D}数据包名称(name)“../../evil”{NOT_ID} [name-not-identifier]"]),
    "resource-name-with-slash": (descriptor(lambda d, u: resource(d, "milestones").update(
        name="a/b")), [
        f"{D}资源名称(name)“a/b”{NOT_ID} [name-not-identifier]"]),
    # validation that sees other rows than the site; nothing fetched
    "dialect-comment-char": (
        descriptor(lambda d, u: resource(d, "coverage").update(dialect={"commentChar": "#"})), [
            f"{D}资源 coverage 的 dialect 中 commentChar 为 #:本项目的 CSV 不用这一项。"
            "请删除这一项。 [descriptor-dialect]"]),
    "dialect-url": (descriptor(lambda d, u: resource(d, "coverage").update(dialect=f"{u}/d")), [
        f"{D}资源 coverage 的 dialect“{{url}}/d”{REMOTE} [descriptor-remote]"]),
    "profile-url": (descriptor(lambda d, u: d.update(profile=f"{u}/p.json")), [
        f"{D}数据包 的 profile“{{url}}/p.json”{REMOTE} [descriptor-remote]"]),
    "unknown-property": (
        descriptor(lambda d, u: resource(d, "regions").update(sources=[{"path": u}])), [
            f"{D}资源 regions 有本工具不读取的属性“sources”。请删除它。 "
            "[descriptor-unknown-property]"]),
    "duplicate-key": (raw(lambda p: p.write_text(p.read_text(encoding="utf-8").replace(
        '"name": "zhumadian-ajx"', '"name": "zhumadian-ajx", "name": "x"', 1),
        encoding="utf-8")), [
        f"{D}数据包 中键“name”出现了不止一次。请只保留一个。 [descriptor-duplicate-key]"]),
    "nested-200000-deep": (raw(lambda p: p.write_text("[" * 200_000 + "]" * 200_000)), [
        f"{D}datapackage.json 嵌套超过 32 层。请从仓库恢复该文件。 [descriptor-too-large]"]),
    # personal data through the privacy rules
    "phone-spaced-with-country-code": (
        cell("assessments.csv", 2, "summary", "联系人 +86 138-0013-8000"), [
            f"assessments.csv:2 summary(评估结论摘要) — 错误:含电话号码 +86*******8000。{PHONE}"]),
    "phone-full-width-zero-width-free": (
        cell("assessments.csv", 2, "summary", "电话１３８.００１３.８０００"), [
            f"assessments.csv:2 summary(评估结论摘要) — 错误:含电话号码 138****8000。{PHONE}"]),
    "landline-in-a-field-with-a-pattern": (both(
        descriptor(lambda d, u: field(d, "assessments", "summary")["constraints"].update(
            pattern=".*")),
        cell("assessments.csv", 2, "summary", "电话(0396)234 5678")), [
            f"assessments.csv:2 summary(评估结论摘要) — 错误:含电话号码 039****5678。{PHONE}"]),
    "id-15-digits-spaced": (cell("assessments.csv", 2, "summary", "身份证 411702 800101 123"), [
        "assessments.csv:2 summary(评估结论摘要) — 错误:含身份证号码 4117*********23。"
        "个人信息不能公开,请删除。 [personal-id-card]"]),
    "email-full-width-at": (cell("assessments.csv", 2, "summary", "张三＠example.com"), [
        "assessments.csv:2 summary(评估结论摘要) — 错误:含电子邮箱 张*************。"
        "个人信息不能公开,请删除或改写为单位的公开邮箱说明。 [personal-email]"]),
    "phone-in-descriptor-text": (
        descriptor(lambda d, u: d.update(description="咨询 0396-2345678")), [
            f"{D}description 含电话号码 039****5678。个人信息不能公开,请删除。 "
            "[text-personal-data]"]),
    "phone-in-policy-text": (raw(lambda p: (p.parent / "policy.yaml").write_text(
        (p.parent / "policy.yaml").read_text(encoding="utf-8").replace(
            "title: 事故预防费用上限", "title: 咨询 138 0013 8000 事故预防费用上限", 1),
        encoding="utf-8")), [
        "policy.yaml — 错误:prevention_cap.title 含电话号码 138****8000。个人信息不能公开,请删除。 "
        "[text-personal-data]"]),
    # unbounded reads
    "resource-is-dev-zero": (link("claims.csv", "/dev/zero"), [
        f"{D}资源 claims 的路径 'claims.csv' 不安全:路径经符号链接指向数据目录以外。"
        "请把 CSV 文件放进数据目录,路径只写文件名(如 coverage.csv)。 [resource-path-unsafe]"]),
}


def hostile(tmp_path: Path, edit, url: str = "http://127.0.0.1:9") -> Path:
    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    edit(root, url)
    return root


def outside(tmp_path: Path) -> set[str]:
    """The entries of the folders a run could write to by mistake besides its own: the
    repository, its data/ and the folder above the test's own (the repository's parent may be
    a shared temporary folder that other processes write to)."""
    return {str(p) for folder in (REPO, REPO / "data", tmp_path.parent) for p in folder.iterdir()}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_package_is_refused_with_its_line(case, tmp_path, capsys, server):
    edit, lines = CASES[case]
    before = outside(tmp_path)
    root = hostile(tmp_path, edit, server)
    code = cli.main(["validate", str(root)])
    out, err = capsys.readouterr()
    assert (code, err) == (1, "")
    errors = [line for line in out.splitlines() if " — 错误:" in line]
    assert errors == [line.format(url=server) for line in lines]
    assert outside(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_policy_file_that_is_dev_zero_is_one_line_and_exit_2(tmp_path, capsys):
    root = hostile(tmp_path, link("policy.yaml", "/dev/zero"))
    assert cli.main(["validate", str(root)]) == 2
    assert capsys.readouterr() == ("", f"azx validate: 无法读取政策参数文件 {root}/policy.yaml:"
                                       "路径经符号链接指向数据目录以外\n")


def test_safe_reader_refuses_a_fifo_and_a_file_over_its_cap(tmp_path):
    os.mkfifo(tmp_path / "claims.csv")
    with pytest.raises(UnsafeFile, match="不是普通文件"):
        read_package_file(tmp_path, "claims.csv")  # a FIFO would block an open for reading
    (tmp_path / "policy.yaml").write_bytes(b"#" * ((1 << 20) + 1))
    with pytest.raises(UnsafeFile, match="文件大于 1 MB 的上限"):
        read_package_file(tmp_path, "policy.yaml")
    with pytest.raises(UnsafeFile, match="路径含 ..,指向数据目录以外"):
        read_package_file(tmp_path, "../x.csv")


def test_public_hotlines_from_policy_pass_and_others_do_not():
    assert personal_data("市民热线 12345,举报电话 12350", ("12345", "12350")) == []
    assert personal_data("手机 138\u00a00013\u00a08000", ()) == [("personal-phone", "138****8000")]
    assert normalise("０３９６－２３４５６７８") == "03962345678"


@pytest.mark.parametrize(("text", "inert"), [
    ("a\x1b[31mred\x07", "a\ufffd[31mred\ufffd"),  # ANSI escape on a terminal
    ("x\n```\n# injected", "x ``` # injected"),  # a code fence in the CI job summary
    ("名称\u202e\uffff\u200b", "名称\ufffd\ufffd\ufffd"),
])
def test_neutralise_makes_text_inert_for_every_writer(text, inert):
    assert neutralise(text) == inert
    assert forbidden(inert) is None


def test_printable_text_holds_no_character_a_cell_may_not():
    """`forbidden_cells` skips its search of a printable file: no refused character is printable."""
    refused = [chr(c) for c in range(0x110000) if CELL_FORBIDDEN.match(chr(c))]
    assert len(refused) > 2000 and not any(printable(c) for c in refused)
    assert printable("名称,代码\r\n“甲”,1\n") and not printable("甲\u3000乙")


def test_published_xlsx_writes_formula_like_text_as_text(tmp_path):
    from openpyxl import load_workbook

    from generator.site.downloads import _blocks, to_xlsx

    fields = [{"name": "name", "type": "string", "title": "=HYPERLINK(\"http://127.0.0.1:9\")"},
              {"name": "note", "type": "string", "title": "说明"}]
    source = tmp_path / "t.csv"
    source.write_text("name,note\n=1+1,@SUM(A1)\n-2+3,\"a\x01b\"\n", encoding="utf-8")
    path = tmp_path / "t.xlsx"
    path.write_bytes(to_xlsx({"name": "t", "schema": {"fields": fields}}, *_blocks(source), {}))
    sheet = load_workbook(path)["t"]
    cells = [(c.value, c.data_type) for row in sheet.iter_rows() for c in row]
    assert cells == [("=HYPERLINK(\"http://127.0.0.1:9\")", "s"), ("说明", "s"),
                     ("=1+1", "s"), ("@SUM(A1)", "s"), ("-2+3", "s"), ("a\ufffdb", "s")]


def test_excel_template_writes_formula_like_titles_as_text(tmp_path):
    from generator.intake.template import build_template

    root = hostile(tmp_path, descriptor(lambda d, u: (
        field(d, "milestones", "description").update(title="=cmd|' /C calc'!A0"),
        resource(d, "milestones").update(title="进度/步骤\x7f"))))
    book = build_template(root, "milestones")
    sheet = book.worksheets[0]
    assert sheet.title == "进度_步骤\ufffd"
    head = [c for c in sheet[1] if c.value == "=cmd|' /C calc'!A0"]
    assert [c.data_type for c in head] == ["s"]
    assert not [c for s in book.worksheets for row in s.iter_rows() for c in row
                if c.data_type == "f"]


def test_front_matter_title_is_yaml_that_parses_whatever_the_name():
    import yaml

    from generator.site.filters import md_escape, title_meta

    name = "驿城\x7f区\x85: {onload: alert(1)} #x"
    assert yaml.safe_load(f"title: {title_meta(name)}") == {
        "title": "驿城\ufffd区\ufffd: {onload: alert(1)} #x"}
    assert str(md_escape("a\x1b[31m{#x .y onclick=alert(1)}")) == (
        "a\ufffd&#91;31m&#123;&#35;x .y onclick=alert(1)&#125;")


def test_a_page_whose_front_matter_does_not_parse_fails_the_build_with_its_name():
    from generator.site.mkdocs_build import SiteBuildError
    from generator.site.render import check_front_matter

    check_front_matter("a.md", '---\ntitle: "x"\n---\n\n# x\n')
    with pytest.raises(SiteBuildError, match="页面 industries/x.md 的页首"):
        check_front_matter("industries/x.md", "---\ntitle: [x\n---\n\n# x\n")


def test_report_lines_carry_no_escape_and_no_fence(tmp_path):
    from generator.validate.report import Problem, Report, format_github, format_human

    message = "值“\x1b[2J\x1b]0;pwned\x07”\n```\n# 通过"
    report = Report([Problem("constraint-error", "error", "coverage.csv", 2, "name", message)])
    assert format_human(report).splitlines()[1] == (
        "coverage.csv:2 name — 错误:值“\ufffd[2J\ufffd]0;pwned\ufffd” ``` # 通过 "
        "[constraint-error]")
    assert format_github(report, tmp_path, tmp_path).splitlines()[0] == (
        "::error file=coverage.csv,line=2,title=constraint-error::"
        "值“\ufffd[2J\ufffd]0;pwned\ufffd”%0A```%0A# 通过")


def test_resource_path_that_could_open_a_fence_is_refused(tmp_path, capsys):
    root = hostile(tmp_path, both(
        descriptor(lambda d, u: resource(d, "claims").update(path="```.csv")),
        lambda root, u: (root / "claims.csv").rename(root / "```.csv")))
    assert cli.main(["validate", str(root)]) == 1
    assert [line for line in capsys.readouterr().out.splitlines() if " — 错误" in line] == [
        "datapackage.json — 错误:资源 claims 的路径 '```.csv' 不安全:"
        "文件名只能用英文字母、数字和 _ . -,以字母或数字开头。"
        "请把 CSV 文件放进数据目录,路径只写文件名(如 coverage.csv)。 "
        "[resource-path-unsafe]"]


def test_history_names_and_skips_a_gbk_commit_and_a_control_char_subject(tmp_path, capsys):
    import xml.etree.ElementTree as ET

    from release_history import git, make_history

    from generator.history import releases

    data = make_history(tmp_path)
    repo = data.parent
    regions = data / "regions.csv"
    good = regions.read_bytes()
    regions.write_bytes(good.decode("utf-8").encode("gb18030"))
    git(repo, "commit", "-q", "-am", "Excel 直接保存", date="2025-07-10T09:00:00+08:00")
    regions.write_bytes(good)
    git(repo, "commit", "-q", "-am", "恢复\x1b[31m\x07", date="2025-07-11T09:00:00+08:00")
    found = releases.data_releases(data)
    assert [(r.commit.subject, r.lines) for r in found[:2]] == [
        ("恢复\\u001b[31m\\u0007",
         (f"已跳过提交 {found[0].commit.short}:提交说明含控制字符 U+001B",)),
        ("Excel 直接保存", (f"已跳过提交 {found[1].commit.short}:跳过 regions.csv:"
                         f"{found[1].commit.sha}:data/regions.csv 不是 UTF-8 编码,无法比较",)),
    ]
    feed = releases.write_feed(found, tmp_path, {"name": "p", "title": "t"})
    assert ET.parse(feed).getroot().tag.endswith("feed")  # well-formed, control chars gone
    head = git(repo, "rev-parse", "HEAD~1")
    assert cli.main(["changes", head, "--data", str(data)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1:] == [f"跳过 regions.csv:{head}:data/regions.csv 不是 UTF-8 编码,无法比较",
                       "数据没有变化。"]


def test_a_second_build_on_a_busy_work_folder_exits_2_with_one_line(tmp_path, capsys):
    from generator.lock import work_folder_lock

    site, work = tmp_path / "site", tmp_path / "work"
    with work_folder_lock(work):
        code = cli.main(["build", "--data", str(DATA), "--site-dir", str(site),
                         "--work-dir", str(work)])
    assert (code, capsys.readouterr().err) == (2, (
        f"azx build: 另一个 azx build 或 azx serve 正在使用工作目录 {work},请等它结束后再运行;"
        f"{site}/ 保持不变。\n"))
    assert not site.exists()


def test_the_helper_ends_when_its_parent_is_killed(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    script = (
        "import os, signal, sys\n"
        "from generator import background\n"
        "def wait(conn):\n"
        "    conn.recv()\n"
        "process, conn = background.start(wait)\n"
        "print(process.pid, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == -signal.SIGKILL
    child = int(done.stdout)
    for _ in range(600):  # the kernel signals the orphan at once; allow a loaded machine
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail("the helper outlived its parent")


def test_atomic_write_leaves_the_old_file_when_writing_fails(tmp_path):
    from generator.cache import write_bytes as write_atomic

    target = tmp_path / "c.svg"
    target.write_bytes(b"<svg>old</svg>")
    with pytest.raises(TypeError):
        write_atomic(target, "not bytes")  # fails mid-write, as a full disk would
    assert target.read_bytes() == b"<svg>old</svg>"
    assert [p.name for p in tmp_path.iterdir()] == ["c.svg"]


def test_chart_text_with_maths_and_control_characters_is_drawn_as_text():
    from generator.site.charts.draw import _render_job

    svg = _render_job(("hbar", {"labels": ["$\\frac{1}{0}$ 区\x7f", "{x}"], "values": [0.5, 1.0],
                                "colors": ["#123456", "#654321"]}))
    assert "$\\frac{1}{0}$ 区\ufffd".encode() in svg


ABSURD = {  # shape → where the refusal says the sheet reaches
    "far-cell": "第 100001 行",  # one cell at XFD1048576 under a declared range A1:XFD1048576
    "wide-cell": " XFD2",  # one cell far to the right
    "merged": " XFD1048576",  # one merged range A3:XFD1048576
}


@pytest.mark.parametrize("shape", list(ABSURD))
def test_import_of_a_workbook_with_an_absurd_range_is_one_line(shape, tmp_path, capsys):
    """Read-only mode reads the cells that exist: a 6 KB workbook that declares (or merges) the
    whole sheet is refused at the first cell beyond the caps, without building the range."""
    workbook = absurd_workbook(tmp_path, {
        "far-cell": ("XFD1048576", None), "wide-cell": ("XFD2", None),
        "merged": (None, "A3:XFD1048576")}[shape])
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    before = sorted((p.name, p.stat().st_mtime_ns) for p in data.iterdir())
    code = cli.main(["import", str(workbook), "--resource", "coverage", "--data", str(data)])
    assert (code, capsys.readouterr().err) == (1, (
        f"导入失败:进展.xlsx:工作表的范围到达{ABSURD[shape]},超过 100000 行或 200 列的上限"
        "(多半是整行整列的格式或合并单元格)。请把要导入的数据复制到一个新工作簿后再导入\n"))
    assert sorted((p.name, p.stat().st_mtime_ns) for p in data.iterdir()) == before


def test_import_of_a_workbook_merging_too_many_cells_is_one_line(tmp_path, capsys):
    workbook = absurd_workbook(tmp_path, (None, "A1:GR10000"))  # within the caps, 2 million cells
    code = cli.main(["import", str(workbook), "--resource", "coverage", "--data", str(DATA)])
    assert (code, capsys.readouterr().err) == (1, (
        "导入失败:进展.xlsx:合并单元格共覆盖 2000000 个单元格,超过 1000000 的上限。"
        "请取消合并后再导入\n"))


def absurd_workbook(tmp_path: Path, shape: tuple[str | None, str | None]) -> Path:
    """A two-column workbook with one far cell and/or one merged range written into its XML."""
    import zipfile

    from openpyxl import Workbook

    far, merged = shape
    book = Workbook()
    book.active.append(["统计月份", "单位代码"])
    if far:
        book.active[far] = "x"
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    workbook = tmp_path / "进展.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(workbook, "w") as target:
        for name in source.namelist():
            body = source.read(name)
            if merged and name == "xl/worksheets/sheet1.xml":
                body = body.replace(b"</sheetData>", b'</sheetData><mergeCells count="1">'
                                    b'<mergeCell ref="%s"/></mergeCells>' % merged.encode())
            target.writestr(name, body)
    return workbook


def test_import_refuses_a_resource_path_out_of_the_package_before_copying(tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_text("x\n1\n", encoding="utf-8")
    data = hostile(tmp_path, descriptor(lambda d, u: resource(d, "claims").update(
        path="../claims.csv")))
    (tmp_path / "claims.csv").write_text("secret\n", encoding="utf-8")
    code = cli.main(["import", str(source), "--resource", "coverage", "--data", str(data)])
    assert (code, capsys.readouterr().err) == (1, (
        "导入失败:资源 claims 的路径 '../claims.csv' 不安全:路径含 ..,指向数据目录以外。"
        "请先运行 azx validate 并改正\n"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.csv", "data", "in.csv"]


def test_no_change_check_publish_and_changes_never_read_dev_zero(tmp_path, capsys):
    from release_history import git

    from generator.project import Project
    from generator.site import uptodate

    data = hostile(tmp_path, link("claims.csv", "/dev/zero"))
    # listed, refused unread: the build validates
    assert uptodate.inputs_key(data, Project(REPO)) is None
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "data")
    git(tmp_path, "commit", "-q", "-m", "data")
    assert cli.main(["changes", "--data", str(data)]) == 0  # the link is not a file: not read
    assert capsys.readouterr().err == ""


def test_staging_folders_are_ignored_by_git():
    import subprocess

    names = [".site.staging/index.html", ".site.old/index.html", ".build/cache/x"]
    done = subprocess.run(["git", "check-ignore", *names], cwd=REPO, capture_output=True,
                          text=True, check=True)
    assert done.stdout.splitlines() == names


def test_names_used_as_paths_are_checked_where_they_are_used():
    from generator.package.text import identifier

    assert identifier("zhumadian-ajx") == "zhumadian-ajx"
    with pytest.raises(ValueError, match=r"'../../evil' 不能用作文件名或链接"):
        identifier("../../evil")


@pytest.mark.parametrize(("data", "rules"), [
    ("\ufeff名称,代码\n甲乙丙,1\n丁戊,2\n".encode(), []),  # a character across pieces' ends
    ("名称,代码\n甲乙丙,1\n丁\x01戊,2\n".encode(), ["text-forbidden-char"]),  # in a later piece
    ("名称,代码\n甲,1\n乙,2\n".encode() + "丙丁,3\n".encode("gbk"), ["encoding-not-utf8"]),
    ("名称,代码\n甲\u3000乙,1\n".encode(), []),  # not printable, yet nothing refused
])
def test_a_file_read_in_pieces_has_the_problems_of_the_whole_file(data, rules, monkeypatch):
    from generator.validate import read

    fields = [{"name": "名称"}, {"name": "代码"}]
    whole = read.text_problems(data, fields, "t.csv")
    assert [p.rule for p in whole] == rules
    monkeypatch.setattr(read, "CHUNK", 5)
    assert read.text_problems(data, fields, "t.csv") == whole
