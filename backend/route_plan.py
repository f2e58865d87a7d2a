"""A route's parameters solved by a plan built once, instead of FastAPI's per-request solver.

FastAPI solves a route's dependencies afresh on every request (one recursive call per
dependency, each with its cache key, scopes and a `Response` for headers): about a sixth of the
CPU of reading one task. A route whose dependencies are plain async functions of the request and
of path and query parameters, and whose function returns a `Response` itself, needs none of
that: `RoutePlan` takes the same steps in the same order (each dependency's own dependencies
first, depth first; a dependency whose parameters fail is not called; then the route's own
parameters), validating parameters with FastAPI's own `request_params_to_args`, so values and
422s are FastAPI's. Any other route, or any request while dependency overrides are set (tests),
is FastAPI's.
"""

import inspect
from collections.abc import Callable, Coroutine
from typing import Any, NamedTuple, get_type_hints

from fastapi import Request, Response
from fastapi._compat import ModelField
from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import request_params_to_args
from fastapi.exceptions import RequestValidationError

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class RoutePlan(NamedTuple):
    """How to call one function of a route's dependency tree: its dependencies' plans, then
    its own parameters."""

    call: Callable[..., Coroutine[Any, Any, Any]]
    name: str | None
    request_name: str | None
    path_params: list[ModelField]
    query_params: list[ModelField]
    dependencies: "tuple[RoutePlan, ...]"

    async def solve(self, request: Request, errors: list[Any]) -> dict[str, Any]:
        """The keyword arguments of `call` for `request`; failures are added to `errors`."""
        values: dict[str, Any] = {}
        for dependency in self.dependencies:
            failed = len(errors)
            arguments = await dependency.solve(request, errors)
            if len(errors) == failed:
                solved = await dependency.call(**arguments)
                if dependency.name is not None:
                    values[dependency.name] = solved
        if self.path_params:
            _validate(self.path_params, request.path_params, values, errors)
        if self.query_params:  # parsed only when the function has some
            _validate(self.query_params, request.query_params, values, errors)
        if self.request_name is not None:
            values[self.request_name] = request
        return values


def _validate(
    fields: list[ModelField], received: Any, values: dict[str, Any], errors: list[Any]
) -> None:
    params, failures = request_params_to_args(fields, received)
    values.update(params)
    errors.extend(failures)


def route_plan(dependant: Dependant) -> RoutePlan | None:
    """The plan of a route's function, or None if the route needs FastAPI's solver."""
    if dependant.call is None or not _returns_response(dependant.call):
        return None
    plan = _plan(dependant)
    return plan if plan is not None and _called_once(plan) else None


def planned_handler(plan: RoutePlan, fallback: Handler) -> Handler:
    """A route handler that follows `plan`, or `fallback` (FastAPI's) while the app has
    dependency overrides."""

    async def handle(request: Request) -> Response:
        if request.app.dependency_overrides:
            return await fallback(request)
        errors: list[Any] = []
        values = await plan.solve(request, errors)
        if errors:
            raise RequestValidationError(errors)
        response: Response = await plan.call(**values)
        return response

    return handle


def _plan(dependant: Dependant) -> RoutePlan | None:
    call = dependant.call
    needs_fastapi = (
        dependant.header_params,
        dependant.cookie_params,
        dependant.body_params,
        dependant.http_connection_param_name,
        dependant.websocket_param_name,
        dependant.response_param_name,
        dependant.background_tasks_param_name,
        dependant.security_scopes_param_name,
        dependant.own_oauth_scopes,
        dependant.concurrency,
        not dependant.use_cache,
    )
    if call is None or any(needs_fastapi) or not _is_async_function(call):
        return None
    dependencies = [_plan(dependency) for dependency in dependant.dependencies]
    if any(dependency is None for dependency in dependencies):
        return None
    return RoutePlan(
        call=call,
        name=dependant.name,
        request_name=dependant.request_param_name,
        path_params=dependant.path_params,
        query_params=dependant.query_params,
        dependencies=tuple(dependency for dependency in dependencies if dependency is not None),
    )


def _is_async_function(call: Callable[..., Any]) -> bool:
    # A coroutine function, or an instance whose `__call__` is one (a security scheme); never a
    # generator (a dependency with `yield`), which FastAPI runs around the route, nor a class,
    # which FastAPI instantiates (synchronously) whatever its `__call__`.
    if inspect.isclass(call):
        return False
    function = call if inspect.isfunction(call) else getattr(call, "__call__", None)  # noqa: B004
    return inspect.iscoroutinefunction(function)


def _returns_response(call: Callable[..., Any]) -> bool:
    returned = get_type_hints(call).get("return")
    return inspect.isclass(returned) and issubclass(returned, Response)


def _called_once(plan: RoutePlan) -> bool:
    # FastAPI calls a dependency used twice in one tree once, and hands both users its value.
    calls: list[Any] = []
    pending = list(plan.dependencies)
    while pending:
        dependency = pending.pop()
        calls.append(dependency.call)
        pending.extend(dependency.dependencies)
    return len(calls) == len({id(call) for call in calls})
