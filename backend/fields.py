"""Field rules every feature shares: no string with a NUL byte gets past validation, no id
beyond what the database can store, and JSON schemas that say where `null` is accepted."""

from collections.abc import Callable, Sequence
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator

NUL = "\x00"
MAX_INT_ID = 2**31 - 1  # the Postgres `integer` range: a larger id is a 422, not a 500


def contains_nul(value: str) -> bool:
    """Whether `value` holds a NUL byte (Postgres text cannot store one)."""
    return NUL in value


def reject_nul(value: Any) -> Any:
    """Refuse strings holding NUL bytes: Postgres cannot store them, so they are a 422 here."""
    if isinstance(value, str) and contains_nul(value):
        raise ValueError("must not contain NUL bytes")
    return value


# A string without NUL bytes; add length or other constraints on top where a field needs them.
SafeStr = Annotated[str, BeforeValidator(reject_nul)]


SCHEMA_NOTES = ("title", "description", "default", "examples")


def accept_null(schema: dict[str, Any]) -> None:
    """A property's JSON schema, widened to also accept `null` (which then means the default)."""
    kept = {key: schema.pop(key) for key in SCHEMA_NOTES if key in schema}
    options = schema.pop("anyOf", None) or [dict(schema)]
    schema.clear()
    schema.update(kept, anyOf=[*options, {"type": "null"}])


def refuse_null(schema: dict[str, Any]) -> None:
    """A property's JSON schema without `null`: the field may be left out, not sent as null."""
    options = [option for option in schema.pop("anyOf", []) if option != {"type": "null"}]
    if len(options) == 1 and isinstance(options[0], dict):
        schema.update(options[0])
    elif options:
        schema["anyOf"] = options
    schema.pop("default", None)


def nullability(
    *, accepted: Sequence[str] = (), refused: Sequence[str] = (), examples: list[dict[str, Any]]
) -> Callable[[dict[str, Any], type[BaseModel]], None]:
    """A model's `json_schema_extra`: its examples, and the fields whose `null` it accepts or
    refuses against what their types say (a model validator decides; the schema must agree)."""

    def extra(schema: dict[str, Any], model: type[BaseModel]) -> None:
        schema["examples"] = examples
        properties = schema["properties"]
        for names, rule in ((accepted, accept_null), (refused, refuse_null)):
            for name in names:
                rule(properties[model.model_fields[name].alias or name])

    return extra
