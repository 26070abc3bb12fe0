"""File rules: checked before any cell is read (descriptor, resource paths, encoding, header).

Each rule's message templates live here; `generator.validate.read` fills them.
"""

from generator.validate.rules.base import declare

SOURCE = "Frictionless 表格数据包规范(Tabular Data Package);本工具的安全读取要求"
SAVE_AS_UTF8 = (
    "请在 Excel 中“文件 → 另存为”,保存类型选“CSV UTF-8(逗号分隔)(*.csv)”;"
    "或运行 azx import 转换。"
)
FIX = "请从仓库恢复该文件或改正这一处。"
SHAPE_EN = "the descriptor lacks resources, names, paths or schema fields"

declare("descriptor-invalid-json", "error", "描述文件不是有效的 JSON", SOURCE,
        "datapackage.json 必须是 UTF-8 编码的 JSON 对象。", "file",
        "{file} 不是有效的 JSON:{hint}。请从仓库恢复该文件,或用 JSON 检查工具找出语法错误。",
        "{file} is not valid JSON")
declare("descriptor-invalid", "error", "描述文件结构不符合规范", SOURCE,
        "datapackage.json 必须列出资源(resources),每个资源有名称、路径和表结构,"
        "并通过 Frictionless 的元数据校验。", "file", variants={
            "not-object": ("{file} 应为 JSON 对象({{...}})。", SHAPE_EN),
            "no-resources": ("{file} 没有列出任何资源(resources),请从仓库恢复该文件。", SHAPE_EN),
            "no-name": ("{file} 的第 {number} 个资源没有名称(name)。", SHAPE_EN),
            "no-fields": ("资源 {name} 没有表结构字段(schema.fields)。", SHAPE_EN),
            "frictionless": ("{file} 不符合数据包规范:{message}。" + FIX, "{message}"),
            "foreign-keys": ("{file} 中资源 {name} 的外键(foreignKeys)应为列表,每一项有 "
                             "fields 和 reference 对象,reference 中的 resource 是资源名。" + FIX,
                             "{name}: foreignKeys must be a list of objects with a reference"),
            "bound": ("{file} 中资源 {name} 的字段 {field} 的约束 {constraint} 的值 {value!r} 不是 "
                      "{type} 类型的值。" + FIX,
                      "{name}.{field}: {constraint} {value!r} is not a {type_en}"),
            "pattern": ("{file} 中资源 {name} 的字段 {field} 的约束 pattern 的值 {value!r} "
                        "不是有效的正则表达式。" + FIX,
                        "{name}.{field}: pattern {value!r} does not compile"),
        })
declare("resource-path-unsafe", "error", "资源路径不安全", SOURCE,
        "资源路径必须是数据目录内的相对路径:不能是绝对路径、不能含 ..、不能是网址;"
        "这样的路径不会被读取或下载。", "file",
        "资源 {name} 的路径 {path} 不安全:{reason}。"
        "请把 CSV 文件放进数据目录,路径只写文件名(如 coverage.csv)。",
        "resource {name}: path {path} is refused ({reason})", variants={
            "unreadable": ("资源 {name} 的文件 {path} 不能读取:{reason}。",
                           "resource {name}: {path} is refused ({reason})"),
        })
declare("file-missing", "error", "文件不存在", SOURCE,
        "描述文件列出的每个 CSV 文件都必须存在。", "file",
        "找不到文件 {path}(资源 {name})。请把文件放进数据目录,文件名与描述文件一致。",
        "{path} does not exist")
declare("file-empty", "error", "文件为空", SOURCE,
        "CSV 文件至少要有一行列名。", "file",
        "{file} 是空文件。请恢复该文件,至少保留第一行列名。", "{file} is empty")
declare("file-not-text", "error", "文件不是 CSV 文本", SOURCE,
        "CSV 文件必须是文本;Excel 工作簿(.xlsx/.xls)等二进制文件需先另存为 CSV UTF-8。", "file",
        "{file} 含二进制内容,不是 CSV 文本。请确认文件没有放错,"
        "并用 Excel 另存为“CSV UTF-8(逗号分隔)”。", "{file} is binary, not CSV", variants={
            "workbook": ("{file} 是 Excel 工作簿而不是 CSV 文本。" + SAVE_AS_UTF8,
                         "{file} is an Excel workbook, not CSV text"),
        })
declare("encoding-not-utf8", "error", "文件不是 UTF-8 编码", SOURCE,
        "CSV 文件必须是 UTF-8 编码(可带 BOM)。Excel 默认保存的“CSV(逗号分隔)”是 GBK/GB18030 编码,"
        "请另存为“CSV UTF-8(逗号分隔)”,或用 azx import 转换。", "file",
        "{file} 不是 UTF-8 编码,看起来是 {name}。" + SAVE_AS_UTF8,
        "{file} is not UTF-8 (looks like {encoding}); save it as CSV UTF-8 or run azx import",
        variants={
            "utf16": ("{file} 是 UTF-16(Excel“Unicode 文本”)编码。" + SAVE_AS_UTF8,
                      "{file} is UTF-16; save it as CSV UTF-8"),
        })
declare("missing-label", "error", "缺少列", SOURCE,
        "表头必须包含表结构中的每一列。", "file",
        "缺少“{name}”({title})列。请按表结构补上这一列。", "column {name} is missing")
declare("extra-label", "error", "多出的列", SOURCE,
        "表头不能有表结构以外的列。", "file",
        "多出了“{label}”列,表结构中没有这一列。请删除它。",
        "column {label!r} is not in the schema")
declare("incorrect-label", "error", "列名或列顺序不对", SOURCE,
        "表头的列名和顺序必须与表结构一致。", "file",
        "列的顺序不对,应为:{names}。", "columns are out of order; expected {names}", variants={
            "renamed": ("列名“{label}”不对,应为“{name}”({title})。请改正表头。",
                        "column {label!r} should be {name!r}"),
        })
declare("duplicate-label", "error", "列名重复", SOURCE,
        "同一个列名只能出现一次。", "file",
        "列名“{label}”出现了不止一次,请删除重复的列。", "column {label} appears more than once")
