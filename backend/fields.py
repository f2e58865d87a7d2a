"""Field rules every feature shares: no string with a NUL byte gets past validation, and no
id beyond what the database can store."""

from typing import Annotated, Any

from pydantic import BeforeValidator

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
