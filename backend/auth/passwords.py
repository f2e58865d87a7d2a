"""Password rules and bcrypt hashing (on a few low-priority threads, awaited from the loop)."""

import asyncio
import contextlib
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, TypeVar

import bcrypt
from pydantic import AfterValidator, Field

from backend.fields import SafeStr

BCRYPT_MAX_BYTES = 72
MIN_PASSWORD_CHARACTERS = 8

BCRYPT_NICENESS = 10
T = TypeVar("T")


def _lower_priority() -> None:
    # Linux schedules threads individually: a niced hashing thread yields the CPU to the event
    # loop (and every other request) whenever they are runnable.
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, 0, BCRYPT_NICENESS)


# bcrypt releases the GIL but saturates a core per call. A login storm on as many threads as
# requests would starve the event loop of CPU, so hashing runs on a few low-priority threads
# that leave one core free; callers await their result on the loop.
_bcrypt_pool = ThreadPoolExecutor(
    max_workers=max(1, (os.cpu_count() or 2) - 1),
    thread_name_prefix="bcrypt",
    initializer=_lower_priority,
)


def _check_password(value: str, *, min_characters: int) -> str:
    # At least so many characters, as people count them and as the schema says; at most 72
    # bytes, the most bcrypt reads.
    if len(value) < min_characters:
        raise ValueError(f"Password must be at least {min_characters} characters")
    if len(value.encode()) > BCRYPT_MAX_BYTES:
        # bcrypt only reads 72 bytes (bcrypt 5 raises): a longer one would be silently cut.
        raise ValueError(f"Password must be at most {BCRYPT_MAX_BYTES} bytes in UTF-8")
    return value


def check_new_password(value: str) -> str:
    """A password fit to be set: at least 8 characters, at most 72 bytes of UTF-8 (NUL is refused
    by `SafeStr`)."""
    return _check_password(value, min_characters=MIN_PASSWORD_CHARACTERS)


def check_login_password(value: str) -> str:
    """A password fit to be checked: 1 character to 72 bytes of UTF-8 (NUL is refused by
    `SafeStr`)."""
    return _check_password(value, min_characters=1)


# `maxLength` counts characters, the rule bytes: every password it refuses is refused here too.
NewPassword = Annotated[
    SafeStr,
    AfterValidator(check_new_password),
    Field(json_schema_extra={"minLength": MIN_PASSWORD_CHARACTERS, "maxLength": BCRYPT_MAX_BYTES}),
]
LoginPassword = Annotated[
    SafeStr,
    AfterValidator(check_login_password),
    Field(json_schema_extra={"minLength": 1, "maxLength": BCRYPT_MAX_BYTES}),
]


async def _on_bcrypt_threads(work: Callable[[bytes, bytes], T], password: str, other: bytes) -> T:
    return await asyncio.get_running_loop().run_in_executor(
        _bcrypt_pool, work, password.encode(), other
    )


async def hash_password(password: str, *, rounds: int) -> str:
    """The bcrypt hash of a password at the given cost."""
    hashed = await _on_bcrypt_threads(bcrypt.hashpw, password, bcrypt.gensalt(rounds=rounds))
    return hashed.decode()


_dummy_hashes: dict[int, bytes] = {}  # per cost: a constant, computed once


async def _dummy_hash(rounds: int) -> bytes:
    if rounds not in _dummy_hashes:
        salt = bcrypt.gensalt(rounds=rounds)
        _dummy_hashes[rounds] = await _on_bcrypt_threads(bcrypt.hashpw, "timing-equaliser", salt)
    return _dummy_hashes[rounds]


async def verify_password(password: str, password_hash: str | None, *, rounds: int) -> bool:
    """Whether the password matches; without a hash, burns the same time and answers False."""
    # Unknown email or passwordless account: same bcrypt cost, so timing reveals nothing.
    expected = await _dummy_hash(rounds) if password_hash is None else password_hash.encode()
    matches = await _on_bcrypt_threads(bcrypt.checkpw, password, expected)
    return matches and password_hash is not None
