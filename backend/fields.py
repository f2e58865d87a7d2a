"""Field rules every feature shares: no string the database cannot store (a NUL byte, an unpaired
surrogate) gets past validation, and no id beyond what the database can store."""

import re
from typing import Annotated, Any

from pydantic import BeforeValidator

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
