"""Rate limits on the credential endpoints, per client IP and per email; Redis shares them.

An email has two budgets: a small one per client address and a much larger one across all
addresses. Attempts refused by the first do not spend the second, so someone guessing from one
address cannot lock the owner out: the owner's login from another address still goes through.
"""

import hashlib
import ipaddress
import logging
import math
import time
from collections.abc import Awaitable, Callable
from typing import Annotated

import limits
from fastapi import Depends, Request
from limits.errors import StorageError
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from starlette.concurrency import run_in_threadpool

from backend.config import Settings
from backend.errors import ServiceUnavailableError, TooManyRequestsError

logger = logging.getLogger(__name__)

STORAGE_TIMEOUT_SECONDS = 2


def _is_trusted(address: str, trusted: list[str]) -> bool:
    if "*" in trusted:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for entry in trusted:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_ip(peer: str | None, forwarded_for: str | None, trusted: list[str]) -> str:
    """The client's address: `X-Forwarded-For` counts only when the peer is a trusted proxy."""
    if peer is None:
        return "unknown"
    if not forwarded_for or not _is_trusted(peer, trusted):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    # Walk back from the nearest hop: the first untrusted address is the one a proxy saw.
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            return hop
    return hops[0] if hops else peer


class AuthRateLimiter:
    """Moving-window budgets for credential attempts, in memory or in shared storage."""

    def __init__(self, settings: Settings) -> None:
        if settings.rate_limit_storage_url:
            storage = storage_from_string(
                settings.rate_limit_storage_url,
                wrap_exceptions=True,
                socket_connect_timeout=STORAGE_TIMEOUT_SECONDS,
                socket_timeout=STORAGE_TIMEOUT_SECONDS,
            )
        else:
            storage = storage_from_string("memory://", wrap_exceptions=True)
        self._limiter = MovingWindowRateLimiter(storage)
        self.shared = settings.rate_limit_storage_url is not None
        self._per_ip = limits.parse(settings.rate_limit_auth_ip)
        self._per_email_ip = limits.parse(settings.rate_limit_auth_email_ip)
        self._per_email = limits.parse(settings.rate_limit_auth_email)

    def hit(self, *, ip: str, email: str | None = None) -> None:
        """Spend one attempt from the IP's budget, then the email's from this IP, then the
        email's overall; 429 at the first one exhausted (the later ones are not spent)."""
        checks = [(self._per_ip, "ip", ip)]
        if email is not None:
            # Hashed so that email addresses never sit in the shared store.
            checks.append((self._per_email_ip, "email_ip", _digest(f"{email}\n{ip}")))
            checks.append((self._per_email, "email", _digest(email)))
        try:
            for item, scope, key in checks:
                if not self._limiter.hit(item, "auth", scope, key):
                    reset_time, _ = self._limiter.get_window_stats(item, "auth", scope, key)
                    raise TooManyRequestsError(
                        "Too many attempts; please retry later",
                        retry_after=math.ceil(reset_time - time.time()),
                    )
        except StorageError as exc:
            logger.warning("rate limit storage unavailable: %s", type(exc.storage_error).__name__)
            raise ServiceUnavailableError() from exc


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


RateLimit = Callable[..., Awaitable[None]]


async def _no_limit(**_: str | None) -> None:
    return None


async def auth_rate_limit(request: Request) -> RateLimit:
    """A check bound to this request's client IP: await it with the email, if any, before work.

    Counting in memory is instant; a shared store (Redis) is asked from a worker thread, off the
    event loop, its waits bounded by `STORAGE_TIMEOUT_SECONDS`.
    """
    settings: Settings = request.app.state.settings
    limiter: AuthRateLimiter | None = request.app.state.auth_rate_limiter
    if limiter is None:
        return _no_limit
    ip = client_ip(
        request.client.host if request.client else None,
        request.headers.get("x-forwarded-for"),
        settings.forwarded_allow_ips,
    )

    async def check(*, email: str | None = None) -> None:
        if limiter.shared:
            await run_in_threadpool(limiter.hit, ip=ip, email=email)
        else:
            limiter.hit(ip=ip, email=email)

    return check


AuthRateLimit = Annotated[RateLimit, Depends(auth_rate_limit)]
