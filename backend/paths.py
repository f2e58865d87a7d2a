"""Path segments: ids are canonical integers, and `{user_id}` is never one of our route names.

Registered as Starlette convertors, so a segment that cannot be what its place expects makes the
path match no route (404) instead of being read leniently (`/tasks/1_0` as task 10) or
misleadingly (`/api/tasks/tags` as the tags of a user called "tasks": 403).
"""

from typing import Annotated, Any

from pydantic import BeforeValidator, Field
from starlette.convertors import Convertor, register_url_convertor

from backend.fields import MAX_INT_ID

# Words a client may put after `/api/` that are our routes or an API version, never a user id.
NOT_USER_IDS = ("api", "auth", "chat", "conversations", "health", "mcp", "tags", "tasks", r"v\d+")


class DigitsConvertor(Convertor[str]):
    """A segment of decimal digits, kept as text for the id's validator (`PathId`)."""

    regex = "[0-9]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


class UserSegmentConvertor(DigitsConvertor):
    """The `{user_id}` segment: any one segment except the words in `NOT_USER_IDS`."""

    regex = rf"(?!(?:{'|'.join(NOT_USER_IDS)})(?:/|$))[^/]+"


register_url_convertor("digits", DigitsConvertor())
register_url_convertor("user", UserSegmentConvertor())


def canonical_id(value: Any) -> Any:
    """Refuse an id with leading zeros (`01`): one id, one spelling."""
    if isinstance(value, str) and len(value) > 1 and value.startswith("0"):
        raise ValueError("must not have leading zeros")
    return value


# A `{name:digits}` path id: a canonical positive integer (leading zeros, 0 or too large: 422).
# The bounds sit in `Field`, not in the route's `Path(...)`: beside a validator, FastAPI would
# document those as `ge`/`le` instead of JSON Schema's `minimum`/`maximum`.
PathId = Annotated[int, Field(ge=1, le=MAX_INT_ID), BeforeValidator(canonical_id)]
USER_PREFIX = "/api/{user_id:user}"
