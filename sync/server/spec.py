"""The contract (`central-api.yaml`, shipped as package data) as JSON-schema validators.

The server validates request bodies against the very schemas of the YAML, so the two cannot
drift; a test compares the app's routes with the YAML's paths.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from importlib import resources
from typing import Any

import yaml
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_URN = "urn:kiosk:central-api"
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


@cache
def spec() -> dict[str, Any]:
    """The parsed `central-api.yaml` shipped with the package."""
    text = resources.files("sync.server").joinpath("central-api.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


_formats = FormatChecker()


@_formats.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.match(value):
        return False
    dt.datetime.fromisoformat(value.replace("z", "Z").replace("t", "T"))
    return True


def _absolute_refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: (SPEC_URN + v if k == "$ref" and isinstance(v, str) and v.startswith("#") else _absolute_refs(v))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_absolute_refs(v) for v in node]
    return node


@cache
def _registry() -> Registry:  # type: ignore[type-arg]
    registry: Registry = Registry().with_resource(  # type: ignore[type-arg]
        SPEC_URN, Resource.from_contents(spec(), default_specification=DRAFT202012))
    return registry


def validator_for(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(_absolute_refs(schema), registry=_registry(), format_checker=_formats)


@cache
def request_validator(path: str, method: str = "post") -> Draft202012Validator:
    """The validator of an operation's JSON request body."""
    op = spec()["paths"][path][method]
    return validator_for(op["requestBody"]["content"]["application/json"]["schema"])


@cache
def component_validator(name: str) -> Draft202012Validator:
    return validator_for({"$ref": f"#/components/schemas/{name}"})


def first_problem(validator: Draft202012Validator, data: Any) -> str | None:
    """A one-line description of the first validation error (field path: reason), or None."""
    error = next(iter(sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))), None)
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path) or "(body)"
    # jsonschema's own messages quote the offending value, which may be a citizen id or a phone
    # number: describe the rule instead, never the value.
    if error.validator in ("required", "additionalProperties"):
        reason = error.message
    elif error.validator == "$ref":
        reason = "does not match its schema"
    else:
        rule = repr(error.validator_value)
        reason = f"must satisfy {error.validator} {rule if len(rule) < 100 else rule[:97] + '...'}"
    return f"{where}: {reason}"
