"""The one JSON-body reader: every route's JSON body, parsed with a nesting limit.

Python's `json` recurses once per level: a 2 KB body of nested arrays raised RecursionError (a
500, before the rate limiter), and a body that is not UTF-8 failed outside the JSON parser (a
400). Here every body goes through pydantic-core's parser, which refuses nesting deeper than
about 200 levels (its recursion limit; it recurses in Rust, with a fixed bound), invalid UTF-8
and unpaired surrogate escapes as malformed JSON: FastAPI's usual 422, the same for routes that
read their body by hand (`await request.json()`).
"""

import json
from collections.abc import Callable, Coroutine
from typing import Any

import pydantic_core
from fastapi import Request, Response
from fastapi.routing import APIRoute

from backend.route_plan import planned_handler, route_plan


def parse_json(body: bytes) -> Any:
    """The JSON document in `body`; `json.JSONDecodeError` (a ValueError) if it is not one."""
    try:
        return pydantic_core.from_json(body)
    except ValueError as exc:  # the parser's message names the line and column
        raise json.JSONDecodeError(str(exc), "", 0) from None


class JSONRequest(Request):
    """A request whose `json()` is `parse_json`."""

    async def json(self) -> Any:
        """The body as JSON, parsed once."""
        if not hasattr(self, "_json"):
            self._json = parse_json(await self.body())
        return self._json


class JSONRoute(APIRoute):
    """A route whose handler and dependencies see a `JSONRequest` (set as a router's
    `route_class`), its parameters solved by a `RoutePlan` where one serves.

    The plan is built from the route's own signature: a router mounted with `dependencies=` of
    its own would add some the plan does not see, so ours are mounted without.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if (plan := route_plan(self.dependant)) is not None:
            handler = planned_handler(plan, handler)

        async def handle(request: Request) -> Response:
            if not isinstance(request, JSONRequest):  # a subclass's handler may have made it
                request = JSONRequest(request.scope, request.receive)
            return await handler(request)

        return handle
