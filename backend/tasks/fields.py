"""Task field types: lenient on input (any-case enums, naive or date-only due dates)."""

import re
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, WithJsonSchema

from backend.fields import reject_unstorable

MAX_TAGS = 10
MAX_TAG_LENGTH = 30
DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
END_OF_DAY = time(23, 59, 59, tzinfo=UTC)
START_OF_DAY = time(0, 0, tzinfo=UTC)


class Priority(StrEnum):
    """How important a task is."""

    low = "low"
    medium = "medium"
    high = "high"


class Recurrence(StrEnum):
    """How often a task repeats once completed."""

    none = "none"
    daily = "daily"
    weekly = "weekly"
    monthly = "monthly"


def lower_enum(value: Any) -> Any:
    """Accept enum values in any case and surrounding spaces (`High`, ` HIGH `)."""
    return reject_unstorable(value).strip().lower() if isinstance(value, str) else value


def to_utc(value: datetime) -> datetime:
    """A naive datetime is taken as UTC; an aware one is converted to UTC."""
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00+05:00 has no UTC equivalent
        raise ValueError("date is out of range") from None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _date_at(value: Any, moment: time) -> Any:
    # A date alone (a string or a `date`) becomes that day at `moment`; anything else passes,
    # but a number: pydantic would read `123` or "123" as seconds since 1970.
    if isinstance(value, int | float) or (isinstance(value, str) and _is_number(value)):
        raise ValueError("must be an ISO 8601 date or datetime, not a number")
    if isinstance(value, str):
        value = reject_unstorable(value).strip()
        if DATE_ONLY.match(value):
            value = date.fromisoformat(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, moment)
    return value


def date_as_end_of_day(value: Any) -> Any:
    """A date alone (`2026-12-01`) means the end of that day, 23:59:59 UTC."""
    return _date_at(value, END_OF_DAY)


def date_as_start_of_day(value: Any) -> Any:
    """A date alone (`2026-12-01`) means the start of that day, 00:00:00 UTC."""
    return _date_at(value, START_OF_DAY)


def normalize_tags(value: Any) -> Any:
    """Tags as a list or a comma-separated string; trimmed, lower-cased, deduplicated in order.

    A tag in the list may also be an object with a `name` (`{"name": "work", "color": …}`, as
    frontends with coloured tags send): its name is the tag, the rest is ignored.
    """
    if value is None:
        return value
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    if not isinstance(value, list | tuple):
        return value
    if len(value) > MAX_TAGS:  # counted as sent, as the schema's `maxItems` does
        raise ValueError(f"at most {MAX_TAGS} tags")
    seen: dict[str, None] = {}
    for item in value:
        name = item.get("name") if isinstance(item, dict) else item
        if not isinstance(name, str):
            raise ValueError("tags must be strings or objects with a string `name`")
        seen[reject_unstorable(name).strip().lower()] = None
    return list(seen)


# Characters that render as nothing: Unicode's control and (BMP) format characters and its
# separators (zero-width space, joiners, BOM, soft hyphen...), and the letters fonts draw blank.
# One character class, so the JSON schema states exactly the rule the app applies.
INVISIBLE = (
    "\x00-\x20\x7f-\xa0\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160"
    "\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u2066-\u206f\u2800\u3000\u3164"
    "\ufeff\uffa0\ufff9-\ufffb"
)
VISIBLE_PATTERN = f"[^{INVISIBLE}]"  # unanchored: somewhere, one character that shows
VISIBLE = re.compile(VISIBLE_PATTERN)


def require_visible(value: str) -> str:
    """Refuse text made only of invisible characters (a title of one zero-width space)."""
    if VISIBLE.search(value) is None:
        raise ValueError("must contain a visible character")
    return value


def strip_text(value: Any) -> Any:
    """Refuse unstorable text (NUL, lone surrogates), then trim surrounding whitespace."""
    return reject_unstorable(value).strip() if isinstance(value, str) else value


# Trimmed in a before-validator: combined with SQLModel's Field, `strip_whitespace` ran after
# the length check, letting a blank title through.
# Constraints stand before the validator so pydantic checks them natively on the cleaned string
# ("at most 200 characters"), not as a generic "items after validation" check.
Title = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200),
    BeforeValidator(strip_text),
    AfterValidator(require_visible),
    Field(json_schema_extra={"pattern": VISIBLE_PATTERN}),
]
Description = Annotated[str, StringConstraints(max_length=2000), BeforeValidator(reject_unstorable)]
TagName = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TAG_LENGTH)]
TAG_STRING_PATTERN = (
    rf"^[^,]{{0,{MAX_TAG_LENGTH}}}(?:,[^,]{{0,{MAX_TAG_LENGTH}}}){{0,{MAX_TAGS - 1}}}$"
)
TAG_NAME_SCHEMA: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": MAX_TAG_LENGTH}
# What a request may send: a list (of names, or of objects with a `name`), or the same tags as
# one comma-separated string.
TAGS_INPUT_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {
            "type": "array",
            "items": {
                "anyOf": [
                    TAG_NAME_SCHEMA,
                    {
                        "type": "object",
                        "properties": {"name": TAG_NAME_SCHEMA},
                        "required": ["name"],
                    },
                ]
            },
            "maxItems": MAX_TAGS,
        },
        {"type": "string", "pattern": TAG_STRING_PATTERN},
    ]
}
TagList = Annotated[
    list[TagName],
    BeforeValidator(normalize_tags),
    Field(max_length=MAX_TAGS),
    WithJsonSchema(TAGS_INPUT_SCHEMA, mode="validation"),
]
LenientPriority = Annotated[Priority, BeforeValidator(lower_enum)]
LenientRecurrence = Annotated[Recurrence, BeforeValidator(lower_enum)]
# What a due date may be sent as: a date and time, or a date alone.
DATE_OR_DATETIME: dict[str, Any] = {
    "anyOf": [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}]
}
DueDate = Annotated[
    datetime,
    BeforeValidator(date_as_end_of_day),
    AfterValidator(to_utc),
    WithJsonSchema(DATE_OR_DATETIME, mode="validation"),
]
# A lower bound: `due_after=2026-12-01` includes the tasks due on that day.
DueAfter = Annotated[datetime, BeforeValidator(date_as_start_of_day), AfterValidator(to_utc)]
SearchText = Annotated[str, StringConstraints(max_length=200), BeforeValidator(reject_unstorable)]
