"""File rules: checked before any cell is read (descriptor, resource paths, encoding, header)."""

from generator.validate.rules.base import declare

SOURCE = "Frictionless 表格数据包规范(Tabular Data Package);本工具的安全读取要求"

declare("descriptor-invalid-json", "error", "描述文件不是有效的 JSON", SOURCE,
        "datapackage.json 必须是 UTF-8 编码的 JSON 对象。", "file")
declare("descriptor-invalid", "error", "描述文件结构不符合规范", SOURCE,
        "datapackage.json 必须列出资源(resources),每个资源有名称、路径和表结构,"
        "并通过 Frictionless 的元数据校验。", "file")
declare("resource-path-unsafe", "error", "资源路径不安全", SOURCE,
        "资源路径必须是数据目录内的相对路径:不能是绝对路径、不能含 ..、不能是网址;"
        "这样的路径不会被读取或下载。", "file")
declare("file-missing", "error", "文件不存在", SOURCE,
        "描述文件列出的每个 CSV 文件都必须存在。", "file")
declare("file-empty", "error", "文件为空", SOURCE,
        "CSV 文件至少要有一行列名。", "file")
declare("file-not-text", "error", "文件不是 CSV 文本", SOURCE,
        "CSV 文件必须是文本;Excel 工作簿(.xlsx/.xls)等二进制文件需先另存为 CSV UTF-8。", "file")
declare("encoding-not-utf8", "error", "文件不是 UTF-8 编码", SOURCE,
        "CSV 文件必须是 UTF-8 编码(可带 BOM)。Excel 默认保存的“CSV(逗号分隔)”是 GBK/GB18030 编码,"
        "请另存为“CSV UTF-8(逗号分隔)”,或用 azx import 转换。", "file")
declare("missing-label", "error", "缺少列", SOURCE,
        "表头必须包含表结构中的每一列。", "file")
declare("extra-label", "error", "多出的列", SOURCE,
        "表头不能有表结构以外的列。", "file")
declare("incorrect-label", "error", "列名或列顺序不对", SOURCE,
        "表头的列名和顺序必须与表结构一致。", "file")
declare("duplicate-label", "error", "列名重复", SOURCE,
        "同一个列名只能出现一次。", "file")
