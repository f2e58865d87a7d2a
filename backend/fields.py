"""Field rules every feature shares: no string the database cannot store (a NUL byte, an unpaired
surrogate) gets past validation, no id beyond what the database can store, and JSON schemas
that say where `null` is accepted."""

import re
from collections.abc import Callable, Sequence
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator

MAX_INT_ID = 2**31 - 1  # the Postgres `integer` range: a larger id is a 422, not a 500
# NUL: Postgres text cannot hold it. A lone surrogate (JSON's "\ud800") has no UTF-8 form, so
# encoding it (to hash a token, or to send it to the database) would raise.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def is_storable(value: str) -> bool:
    """Whether `value` is text every layer can encode and store (no NUL, no lone surrogate)."""
    return UNSTORABLE.search(value) is None


def reject_unstorable(value: Any) -> Any:
    """Refuse strings holding a NUL byte or an unpaired surrogate: a 422, never a 500 later."""
    if isinstance(value, str) and not is_storable(value):
        raise ValueError("must not contain NUL bytes or unpaired surrogates")
    return value


# A string every layer can store; add length or other constraints on top where a field needs them.
SafeStr = Annotated[str, BeforeValidator(reject_unstorable)]


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
