"""The Chinese names of Table Schema types and rule severities (one table each), and a
resource's primary key as a list."""

from __future__ import annotations

TYPE_NAMES = {"string": "文本", "integer": "整数", "number": "数值", "date": "日期",
              "boolean": "是/否", "year": "年份"}
SEVERITY_NAMES = {"error": "错误", "warning": "警告"}


def primary_key(resource: dict) -> list[str]:
    """The primary key of a resource as a list (Table Schema allows one field name alone)."""
    schema = resource.get("schema")
    key = schema.get("primaryKey") if isinstance(schema, dict) else None
    return [key] if isinstance(key, str) else list(key or [])
