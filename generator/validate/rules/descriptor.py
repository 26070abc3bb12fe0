"""Descriptor rules: the properties the project reads and nothing else, nothing remote, names
that are identifiers, and text that holds only allowed characters.

Checked on the parsed descriptor before Frictionless sees it, so that Frictionless never fetches
a URL-valued `dialect`, `schema` or `profile` and never reads rows with another CSV dialect than
the site's loader.
"""

from __future__ import annotations

import json

from generator.package.load import DESCRIPTOR
from generator.package.safe import URL
from generator.package.text import (
    code_point,
    describe,
    forbidden,
    is_identifier,
    strings,
    visible,
)
from generator.validate.report import Problem
from generator.validate.rules.base import declare, problem

SOURCE = "本工具读取的数据包结构;安全读取要求(不下载网络内容)"
MAX_DEPTH = 32

# the properties the project reads (or that describe the package for people), by place
PACKAGE = {"profile", "name", "title", "description", "illustrative", "licenses", "resources"}
RESOURCE = {"name", "path", "profile", "title", "description", "format", "mediatype",
            "encoding", "schema", "dialect"}
SCHEMA = {"fields", "primaryKey", "missingValues", "foreignKeys"}
FIELD = {"name", "type", "format", "title", "description", "constraints", "trueValues",
         "falseValues"}
CONSTRAINTS = {"required", "unique", "minimum", "maximum", "exclusiveMinimum",
               "exclusiveMaximum", "minLength", "maxLength", "pattern", "enum"}
LICENSE = {"name", "title", "path"}
FOREIGN_KEY = {"fields", "reference"}
REFERENCE = {"resource", "fields"}
# the one CSV dialect the site's loader reads: a dialect may only restate it
DIALECT = {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "header": True,
           "skipInitialSpace": False, "lineTerminator": "\r\n", "csvddfVersion": 1.2}
PROFILES = {"data-package", "tabular-data-package", "data-resource", "tabular-data-resource"}

declare("descriptor-duplicate-key", "error", "描述文件中键重复", SOURCE,
        "JSON 对象中同一个键只能出现一次;重复时各工具取值不同。", "file",
        "{where} 中键“{key}”出现了不止一次。请只保留一个。",
        "{where}: key {key} appears more than once")
declare("descriptor-too-large", "error", "描述文件过大或嵌套过深", SOURCE,
        f"datapackage.json 不能超过上限大小,嵌套不能超过 {MAX_DEPTH} 层。", "file",
        "{DESCRIPTOR} {reason}。请从仓库恢复该文件。", "{DESCRIPTOR} {reason_en}")
declare("descriptor-unknown-property", "error", "描述文件中有本工具不读取的属性", SOURCE,
        "只接受本工具读取的属性;其他属性(如 dialect 的注释字符)会让校验与网站读到不同的行。",
        "file", "{where} 有本工具不读取的属性“{key}”。请删除它。",
        "{where}: property {key} is not read by this tool; remove it")
declare("descriptor-remote", "error", "描述文件引用网址", SOURCE,
        "dialect、schema、profile 和外键引用不能是网址:本工具不下载网络上的内容。", "file",
        "{where}“{value}”指向网址或别的文件,本工具不会下载或读取它。请删除这一项,"
        "或把内容直接写在描述文件里。",
        "{where}: {value} is a URL or another file; nothing is downloaded or read")
declare("descriptor-dialect", "error", "CSV 格式(dialect)不是本项目的格式", SOURCE,
        "CSV 必须是逗号分隔、英文双引号、首行为列名;dialect 只能重述这些默认值。", "file",
        "{where} 的 dialect 中 {key} 为 {value}:{expected}。请删除这一项。",
        "{where}: dialect {key} {value} is not the project's CSV dialect")
declare("name-not-identifier", "error", "名称或代码不是标识符", SOURCE,
        "数据包名称、资源名称和代码会用在文件名、路径和链接中:只能用英文字母、数字和 _ . -,"
        "以字母或数字开头,最长 64 个字符。", "file",
        "{where}“{value}”不能用作名称:只能用英文字母、数字和 _ . -,"
        "以字母或数字开头,最长 64 个字符。",
        "{where} {value} is not an identifier ([A-Za-z0-9][A-Za-z0-9_.-]{{0,63}})")
declare("text-forbidden-char", "error", "文字中含不允许的字符", "本工具的文字规范",
        "文字不能含控制字符(如 U+007F)、非字符(如 U+FFFF)、双向文本控制符和零宽字符;"
        "它们在网页、下载文件和终端中会被执行或隐藏内容。", "file",
        "{where}含不允许的字符 {code}({kind})。请删除它(常见于从网页或其他软件复制的文字)。",
        "{where}contains {code} ({kind_en}); remove it")


def show(value: object) -> str:
    """A value as a message quotes it, every forbidden character escaped, at most 80 characters."""
    return visible(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))[:80]


def duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    """`json.loads` object hook: a repeated key is recorded under a marker the checks report."""
    result: dict = {}
    repeated = []
    for key, value in pairs:
        if key in result:
            repeated.append(key)
        result[key] = value
    if repeated:
        result[DUPLICATE] = repeated
    return result


DUPLICATE = "\x00duplicate"


def depth(value: object) -> int:
    """How deep the JSON value nests (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break
        children = item.values() if isinstance(item, dict) else item if isinstance(
            item, list) else ()
        stack.extend((child, level + 1) for child in children)
    return deepest


def too_large(reason: str, reason_en: str) -> Problem:
    return problem("descriptor-too-large", DESCRIPTOR, DESCRIPTOR=DESCRIPTOR, reason=reason,
                   reason_en=reason_en)


def _walk(value: object, where: str, allowed: dict[str, set[str]], kind: str):
    """(where, key) for every unknown property of `value`, an object of kind `kind`."""
    if not isinstance(value, dict):
        return
    for key in value:
        if key == DUPLICATE:
            continue
        if key not in allowed[kind]:
            yield where, key


def descriptor_problems(descriptor: dict) -> list[Problem]:
    """Duplicate keys, unknown properties, remote references, a foreign dialect, names that are
    not identifiers and forbidden characters in any text of a well-shaped descriptor."""
    problems = []
    for where, text in strings(descriptor):
        if DUPLICATE in where or text == DUPLICATE:
            continue
        char = forbidden(text)
        if char:
            kind, kind_en = describe(char)
            problems.append(problem("text-forbidden-char", DESCRIPTOR, where=f"{where} ",
                                    code=code_point(char), kind=kind, kind_en=kind_en))
    problems += [problem("descriptor-duplicate-key", DESCRIPTOR, where=where, key=show(key))
                 for where, key in _duplicates(descriptor, "数据包")]
    allowed = {"package": PACKAGE, "resource": RESOURCE, "schema": SCHEMA, "field": FIELD,
               "constraints": CONSTRAINTS, "license": LICENSE, "foreignKey": FOREIGN_KEY,
               "reference": REFERENCE}
    places: list[tuple[str, object, str]] = [("数据包", descriptor, "package")]
    for i, license in enumerate(descriptor.get("licenses") or []):
        places.append((f"许可 licenses[{i}]", license, "license"))
    if not is_identifier(descriptor.get("name")) and descriptor.get("name") is not None:
        problems.append(problem("name-not-identifier", DESCRIPTOR, where="数据包名称(name)",
                                value=show(descriptor["name"])))
    _remote(descriptor, "数据包", "profile", problems)
    for resource in descriptor["resources"]:
        name = resource["name"]
        here = f"资源 {show(name)}"
        if not is_identifier(name):
            problems.append(problem("name-not-identifier", DESCRIPTOR, where="资源名称(name)",
                                    value=show(name)))
        schema = resource["schema"]
        places += [(here, resource, "resource"), (f"{here} 的表结构", schema, "schema")]
        for field in schema["fields"]:
            places.append((f"{here} 的字段 {show(field['name'])}", field, "field"))
            places.append((f"{here} 的字段 {show(field['name'])} 的约束",
                           field.get("constraints"), "constraints"))
        for i, key in enumerate(schema.get("foreignKeys") or []):
            places.append((f"{here} 的外键 {i + 1}", key, "foreignKey"))
            if isinstance(key, dict):
                places.append((f"{here} 的外键 {i + 1} 的 reference", key.get("reference"),
                               "reference"))
                _remote(key.get("reference"), f"{here} 的外键 {i + 1} 的 reference",
                        "resource", problems)
        _remote(resource, here, "profile", problems)
        _remote(resource, here, "dialect", problems)
        _remote(resource, here, "schema", problems)
        problems += _dialect(resource.get("dialect"), here)
    for where, value, kind in places:
        problems += [problem("descriptor-unknown-property", DESCRIPTOR, where=place, key=show(key))
                     for place, key in _walk(value, where, allowed, kind)]
    return problems


def _duplicates(value: object, where: str):
    stack = [(value, where)]
    while stack:
        item, place = stack.pop()
        if isinstance(item, dict):
            for key in item.get(DUPLICATE, []):
                yield place, key
            stack.extend((child, f"{place}.{key}") for key, child in item.items()
                         if key != DUPLICATE)
        elif isinstance(item, list):
            stack.extend((child, f"{place}[{i}]") for i, child in enumerate(item))


def _remote(entry: object, where: str, key: str, problems: list[Problem]) -> None:
    value = entry.get(key) if isinstance(entry, dict) else None
    if isinstance(value, str) and (URL.match(value) or key != "resource" and value not in PROFILES):
        problems.append(problem("descriptor-remote", DESCRIPTOR, where=f"{where} 的 {key}",
                                value=show(value)))


def _dialect(dialect: object, where: str) -> list[Problem]:
    if dialect is None or isinstance(dialect, str):
        return []  # a URL or a file name: reported as remote
    if not isinstance(dialect, dict):
        return [problem("descriptor-dialect", DESCRIPTOR, where=where, key="本身",
                        value=show(dialect), expected="应为对象")]
    found = []
    for key, value in dialect.items():
        if key == DUPLICATE:
            continue
        if key not in DIALECT or value != DIALECT[key]:
            expected = (f"本项目的 CSV 只用 {show(DIALECT[key])}" if key in DIALECT
                        else "本项目的 CSV 不用这一项")
            found.append(problem("descriptor-dialect", DESCRIPTOR, where=where,
                                 key=show(key), value=show(value), expected=expected))
    return found
