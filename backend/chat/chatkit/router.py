"""`POST /api/chatkit`: the ChatKit server protocol, with our bearer auth and error format."""

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import Field, ValidationError

from backend.auth.deps import AppSettings, CurrentUser
from backend.chat.agent import BUSY_MESSAGE
from backend.chat.chatkit.items import message_text
from backend.chat.chatkit.server import TodoChatKitServer
from backend.chat.chatkit.store import ChatKitContext
from backend.chat.deps import ProviderDep, TurnGateDep
from backend.chat.models import ChatRequest, ThreadTitle
from backend.chat.streaming import EVENT_STREAM
from backend.db import SessionDep
from backend.error_docs import ErrorCase, error_responses, invalid, not_found
from backend.jsonbody import JSONRoute
from chatkit.server import NonStreamingResult
from chatkit.types import (
    ItemsFeedbackReq,
    ItemsListReq,
    ThreadsAddUserMessageReq,
    ThreadsCreateReq,
    ThreadsDeleteReq,
    ThreadsGetByIdReq,
    ThreadsListReq,
    ThreadsUpdateReq,
    UserMessageInput,
)

# The requests this server serves, by `type` (the others need attachments, transcription, client
# tools, widgets or retries, which it does not have): another `type` is 422, as a bad field is.
ChatKitRequest = Annotated[
    ThreadsCreateReq
    | ThreadsAddUserMessageReq
    | ThreadsGetByIdReq
    | ThreadsListReq
    | ThreadsUpdateReq
    | ThreadsDeleteReq
    | ItemsListReq
    | ItemsFeedbackReq,
    Field(discriminator="type"),
]
MESSAGE_LOCATION = ("body", "params", "input", "content")
JSON_TYPE = b"application/json"


class AnyContentTypeRoute(JSONRoute):
    """A route that reads its body as JSON whatever its `Content-Type` says: ChatKit.js posts
    JSON through the frontend's own `fetch`, which may send none or `text/plain`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            headers = [(k, v) for k, v in request.scope["headers"] if k != b"content-type"]
            scope = {**request.scope, "headers": [*headers, (b"content-type", JSON_TYPE)]}
            return await handler(Request(scope, request.receive))

        return handle


router = APIRouter(tags=["chat"], route_class=AnyContentTypeRoute)
server = TodoChatKitServer()  # stateless: the store reads and writes the database only


def refused(exc: ValidationError, location: tuple[str, ...]) -> list[dict[str, Any]]:
    """A model's validation errors, located in the request body."""
    return [{**error, "loc": location} for error in exc.errors()]


def checked_title(title: str) -> None:
    """A new title must be one a conversation can have (1-200 characters, not blank, no NUL);
    422 otherwise, before anything is stored."""
    try:
        ThreadTitle(title=title)
    except ValidationError as exc:
        raise RequestValidationError(refused(exc, ("body", "params", "title"))) from None


def checked_message(message: UserMessageInput) -> None:
    """A new message must be one our chat takes (1-4000 characters, not blank, no NUL) and
    carry no attachment (this server stores none); 422 otherwise, before anything is stored."""
    errors: list[dict[str, Any]] = []
    if message.attachments:
        errors.append(
            {
                "type": "attachments_unsupported",
                "loc": (*MESSAGE_LOCATION[:-1], "attachments"),
                "msg": "Attachments are not supported",
            }
        )
    try:
        ChatRequest(message=message_text(message.content))
    except ValidationError as exc:
        errors += refused(exc, MESSAGE_LOCATION)
    if errors:
        raise RequestValidationError(errors)


CHATKIT_EXAMPLES: dict[str, Any] = {
    "create": {
        "summary": "Start a thread with a message (streamed)",
        "value": {
            "type": "threads.create",
            "params": {
                "input": {
                    "content": [{"type": "input_text", "text": "add buy milk tomorrow"}],
                    "attachments": [],
                    "inference_options": {},
                }
            },
        },
    },
    "list": {
        "summary": "List your threads",
        "value": {"type": "threads.list", "params": {"limit": 20, "order": "desc"}},
    },
}
# One Server-Sent Event of a streamed answer (OpenAPI 3.2's reading of an event stream's schema).
STREAM_EVENT_SCHEMA = {
    "type": "object",
    "description": "One Server-Sent Event: `data` is a ChatKit `ThreadStreamEvent` as JSON.",
    "properties": {"data": {"type": "string", "contentMediaType": "application/json"}},
    "required": ["data"],
}
CHATKIT_ERRORS = error_responses(
    401,
    not_found("Thread", "`thread_id` names no thread of yours."),
    ErrorCase(
        409,
        "A new message for a thread whose previous message is still being answered; nothing "
        "was stored: send it again after `Retry-After` seconds.",
        BUSY_MESSAGE,
        ("Retry-After",),
    ),
    413,
    invalid(
        (
            ("body",),
            "union_tag_invalid",
            "Input tag 'threads.retry_after_item' found using 'type' does not match any of the "
            "expected tags: 'threads.create', 'threads.add_user_message', …",
        )
    ),
    503,
)


@router.post(
    "/chatkit",
    summary="ChatKit server protocol",
    response_model=None,
    responses={
        **CHATKIT_ERRORS,
        200: {
            "description": "JSON for the other requests; Server-Sent Events for new messages.",
            "content": {
                "application/json": {"schema": {"type": "object"}},
                EVENT_STREAM: {"schema": STREAM_EVENT_SCHEMA},
            },
        },
    },
)
async def chatkit(
    chatkit_request: Annotated[
        ChatKitRequest,
        Body(
            description="A ChatKit request: `{type, params}` (the `openai-chatkit` protocol).",
            openapi_examples=CHATKIT_EXAMPLES,
        ),
    ],
    user: CurrentUser,
    session: SessionDep,
    provider: ProviderDep,
    gate: TurnGateDep,
    settings: AppSettings,
    request: Request,
) -> Response:
    """The backend of an OpenAI ChatKit frontend (`useChatKit` with a custom `api.url`), over
    the same conversations as `/chat`: threads are your conversations, items their messages
    (an assistant message's tool calls shown as a workflow). The body is read as JSON whatever
    its `Content-Type`. Served: `threads.create` and `threads.add_user_message` (one chat turn
    each: your message is stored before anything is streamed, so a busy thread is 409 with
    `Retry-After` and a database outage 503, nothing stored; then Server-Sent Events:
    `thread.created` for a new thread (titled after the message), your message's item, the
    reply's items added, their text deltas and workflow tasks, `thread.item.done`; a failing AI
    provider (your message kept, as with `/chat`) is an `error` event without retry; a client
    that leaves does not stop the turn), `threads.get_by_id`, `threads.list`, `threads.update`
    (rename: 1-200 characters, not blank), `threads.delete`, `items.list` and `items.feedback`
    (JSON). Another user's thread is 404."""
    if isinstance(chatkit_request, ThreadsCreateReq | ThreadsAddUserMessageReq):
        checked_message(chatkit_request.params.input)
    if isinstance(chatkit_request, ThreadsUpdateReq):
        checked_title(chatkit_request.params.title)
    # Authentication was this session's only work: end its transaction (SQLite's write lock, a
    # pooled connection) before the server's own sessions start and a turn queues at the gate.
    await session.commit()
    context = ChatKitContext(
        user_id=user.id,
        engine=request.app.state.engine,
        provider=provider,
        gate=gate,
        settings=settings,
    )
    if isinstance(chatkit_request, ThreadsCreateReq | ThreadsAddUserMessageReq):
        return await server.open_turn(chatkit_request, context)
    result = await server.process(await request.body(), context)
    assert isinstance(result, NonStreamingResult)  # new messages are streamed by `open_turn`
    return Response(result.json, media_type="application/json")
