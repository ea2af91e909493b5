"""Content files in YAML (`course.yml`, `glossar.yml`): read safely, checked by a schema."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import yaml

SCHEMAS = Path(__file__).parent / "schemas"


class Unreadable(ValueError):
    """The file is no YAML that can be read (message for authors, English)."""


def load_schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text("utf-8"))


def read_mapping(path: Path, what: str, shape: str) -> dict[str, Any]:
    """The mapping in `path` (plain YAML types only). Unreadable names the line when it can,
    and says `shape` when the file holds something other than a mapping."""
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except yaml.MarkedYAMLError as error:
        line = f" at line {error.problem_mark.line + 1}" if error.problem_mark else ""
        raise Unreadable(f"not valid YAML{line}: {error.problem or error.context}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise Unreadable(f"cannot read {what}: {error}") from None
    if not isinstance(data, dict):
        raise Unreadable(shape)
    return data


def schema_errors(schema: dict[str, Any], data: Any) -> Iterator[tuple[list[Any], str]]:
    """(where, message) of every way `data` breaks the schema."""
    for error in jsonschema.Draft202012Validator(schema).iter_errors(data):
        yield list(error.absolute_path), error.message
