"""The rules: file, schema and business rules, each with id, severity, title and source.

Importing this package registers the file and schema rules, which reading a package and mapping
Frictionless's errors need (without pandas); `generator.validate.rules.catalog` registers the
business rules too and lists them all.
"""

from generator.validate.rules import contract, descriptor, files, schema, texts  # noqa: F401  (importing registers rules)
