"""Checking JSON output against diglot's one result schema (``diglot.schema``)."""

from __future__ import annotations

from typing import Any

import jsonschema

from diglot.schema import RESULT_SCHEMA

_VALIDATOR = jsonschema.Draft202012Validator(RESULT_SCHEMA)


def valid_result(data: Any) -> dict[str, Any]:
    """``data`` itself, once it is shown to be one object of the result schema (else the test fails)."""
    errors = sorted(_VALIDATOR.iter_errors(data), key=lambda e: list(e.path))
    assert not errors, "; ".join(f"{'/'.join(map(str, e.path)) or '(top)'}: {e.message}" for e in errors)
    return data
