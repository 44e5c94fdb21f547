"""JSON-Schema validation of YAML inputs, reported at the offending line."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from .errors import BuildError
from .yamlio import line_of


@cache
def _validator(schema_path: Path, ref: str | None = None) -> jsonschema.Draft202012Validator:
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    if ref:  # validate against one of the schema's $defs
        schema = {**schema, "$ref": f"#/$defs/{ref}"}
    return jsonschema.Draft202012Validator(schema)


def check(data: Any, schema_path: Path, path: Path | str, what: str, ref: str | None = None) -> None:
    """Raise BuildError for the first (in document order) schema violation."""
    validator = _validator(schema_path, ref)
    errors = list(validator.iter_errors(data))
    if not errors:
        return
    errors.sort(key=lambda e: (line_of(data, list(e.absolute_path)) or 0, list(map(str, e.absolute_path))))
    err = errors[0]
    field = "/".join(str(p) for p in err.absolute_path) or what
    if err.validator == "additionalProperties":
        allowed = sorted(err.schema.get("properties", {}))
        extra = sorted(set(err.instance) - set(allowed))
        line = line_of(data, list(err.absolute_path) + extra[:1])
        if ref:
            hint = f"; allowed: {', '.join(allowed)}" if allowed else ""
            raise BuildError(path, line, f"unknown field {extra[0]!r} in {what}{hint}")
        line = line_of(data, list(err.absolute_path) + extra[:1])
        raise BuildError(path, line, f"unknown field {extra[0]!r} in {what}")
    line = line_of(data, list(err.absolute_path))
    raise BuildError(path, line, f"{what} field {field!r}: {err.message}")
