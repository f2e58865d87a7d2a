"""`POST /api/chatkit`: the ChatKit server protocol, with our bearer auth and error format."""

import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any

import anyio
from chatkit.server import NonStreamingResult, StreamingResult
from chatkit.types import (
    ErrorEvent,
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
from fastapi import APIRouter, Body, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import StreamingResponse
from pydantic import Field, ValidationError
from starlette.requests import ClientDisconnect
from starlette.types import Receive, Scope, Send

from backend.auth.deps import AppSettings, CurrentUser
from backend.chat.chatkit_items import message_text
from backend.chat.chatkit_server import TodoChatKitServer
from backend.chat.chatkit_store import ChatKitContext
from backend.chat.deps import ProviderDep
from backend.chat.models import ChatRequest
from backend.chat.streaming import EVENT_STREAM, STREAM_HEADERS, error_data
from backend.db import SessionDep
from backend.errors import error_responses, invalid, not_found
from backend.jsonbody import JSONRoute

logger = logging.getLogger(__name__)

router = APIRouter(tags=["chat"], route_class=JSONRoute)
server = TodoChatKitServer()  # stateless: the store reads and writes the database only

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
        errors += [{**error, "loc": MESSAGE_LOCATION} for error in exc.errors()]
    if errors:
        raise RequestValidationError(errors)


def event_frame(event: ErrorEvent) -> bytes:
    """One event as ChatKit's server frames it."""
    return b"data: " + event.model_dump_json(exclude_none=True).encode() + b"\n\n"


class ChatKitStream(StreamingResponse):
    """A streamed ChatKit result, its first event already read (`open`). Its turn runs in the
    task group this response holds until the turn ends, so a client that leaves stops nothing."""

    def __init__(self, first: bytes, rest: AsyncIterator[bytes], context: ChatKitContext) -> None:
        super().__init__(self._events(first, rest), media_type=EVENT_STREAM, headers=STREAM_HEADERS)
        self._context = context

    @classmethod
    async def open(cls, result: StreamingResult, context: ChatKitContext) -> "ChatKitStream":
        """The response, once its first event is read: what fails before it (another user's
        thread is 404) is a plain HTTP error."""
        events = aiter(result)
        return cls(await anext(events), events, context)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async with anyio.create_task_group() as turns:
            self._context.turns = turns
            try:
                await super().__call__(scope, receive, send)
            except ClientDisconnect:
                logger.info("chatkit client left; the turn goes on")

    @staticmethod
    async def _events(first: bytes, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
        yield first
        try:
            async for chunk in rest:
                yield chunk
        except Exception as exc:  # e.g. the database lost between two events
            yield event_frame(ErrorEvent(message=error_data(exc)["message"]))


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
    settings: AppSettings,
    request: Request,
) -> Response:
    """The backend of an OpenAI ChatKit frontend (`useChatKit` with a custom `api.url`), over
    the same conversations as `/chat`: threads are your conversations, items their messages
    (an assistant message's tool calls shown as a workflow). Served: `threads.create` and
    `threads.add_user_message` (one chat turn each, streamed as Server-Sent Events:
    `thread.created`, the items added, their text deltas and workflow tasks, `thread.item.done`;
    a busy thread (nothing stored) or a failing AI provider (your message kept, as with `/chat`)
    is an `error` event; a client that leaves does not stop the turn),
    `threads.get_by_id`, `threads.list`, `threads.update` (rename), `threads.delete`,
    `items.list` and `items.feedback` (JSON). Another user's thread is 404."""
    if isinstance(chatkit_request, ThreadsCreateReq | ThreadsAddUserMessageReq):
        checked_message(chatkit_request.params.input)
    # Authentication was this session's only work: end its transaction (SQLite's write lock, a
    # pooled connection) before the store's own sessions start.
    await session.commit()
    context = ChatKitContext(
        user_id=user.id, engine=request.app.state.engine, provider=provider, settings=settings
    )
    result = await server.process(await request.body(), context)
    if isinstance(result, NonStreamingResult):
        return Response(result.json, media_type="application/json")
    return await ChatKitStream.open(result, context)
