"""The Chinese names of Table Schema types and rule severities (one table each), and a
resource's primary key as a list."""

from __future__ import annotations

TYPE_NAMES = {"string": "文字", "integer": "整数", "number": "数字", "date": "日期(YYYY-MM-DD)",
              "boolean": "是/否值", "year": "年份"}
SEVERITY_NAMES = {"error": "错误", "warning": "警告"}


def primary_key(resource: dict) -> list[str]:
    """The primary key of a resource as a list (Table Schema allows one field name alone)."""
    schema = resource.get("schema")
    key = schema.get("primaryKey") if isinstance(schema, dict) else None
    return [key] if isinstance(key, str) else list(key or [])
