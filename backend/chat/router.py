"""Chat routes: one stateless turn, and the user's conversations."""

from collections.abc import Callable, Coroutine
from contextlib import suppress
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request, Response, status
from starlette.requests import ClientDisconnect

from backend.auth.deps import AppSettings, CurrentUser
from backend.chat import service
from backend.chat.agent import BUSY_MESSAGE, answer_turn, start_turn, turn_lease
from backend.chat.deps import (
    ConversationIdPath,
    Limit,
    Offset,
    ProviderDep,
    TurnGateDep,
)
from backend.chat.models import (
    ChatRequest,
    ChatResponse,
    ConversationDetail,
    ConversationPublic,
)
from backend.chat.streaming import EVENT_STREAM, TurnStream, wants_event_stream
from backend.db import SessionDep
from backend.error_docs import ErrorCase, error_responses, invalid, invalid_id, not_found
from backend.jsonbody import JSONRequest, JSONRoute
from backend.paging import PAGE_TOO_LARGE, TOTAL_COUNT_HEADER, total_count_response


class TurnRoute(JSONRoute):
    """A chat turn's route: its request waits for a place at the turn gate (`backend.chat.gate`)
    before anything else runs, authentication included (the user's row is read on a pooled
    connection, and no turn may wait for a place holding one); its body is read first, so a slow
    upload holds no place. The place is held until the route returns."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            request = JSONRequest(request.scope, request.receive)
            with suppress(ClientDisconnect):  # the handler meets it again, and answers as usual
                await request.body()
            async with request.app.state.turn_gate.place():
                return await handler(request)

        return handle


router = APIRouter(tags=["chat"], route_class=JSONRoute)
# `/chat` alone is a turn; included below, after it is defined, where its place in the document is.
turn_router = APIRouter(route_class=TurnRoute)

CONVERSATION_NOT_FOUND = not_found("Conversation", "No conversation with this id is yours.")
CHAT_ERRORS = error_responses(
    401,
    403,
    not_found("Conversation", "`conversation_id` names no conversation of yours."),
    ErrorCase(
        409,
        "An earlier message of this conversation is still being answered; nothing was stored: "
        "send it again after `Retry-After` seconds.",
        BUSY_MESSAGE,
        ("Retry-After",),
    ),
    413,
    invalid((("body", "message"), "string_too_short", "String should have at least 1 character")),
    ErrorCase(
        502,
        "The AI provider failed or ran out of retries; your message is stored: send it again.",
        "Error code: 503 - provider overloaded; your message was saved, please try again",
    ),
    503,
)


CHAT_EXAMPLES: dict[str, Any] = {
    "add": {
        "summary": "Add a task",
        "value": {"message": "Add buy milk tomorrow at 5pm #errands high priority"},
    },
    "list": {"summary": "List tasks", "value": {"message": "What's overdue?"}},
    "continue": {
        "summary": "Continue a conversation",
        "value": {"message": "Mark it as done", "conversation_id": 12},
    },
}


STREAM_DESCRIPTION = (
    "With `Accept: text/event-stream`: Server-Sent Events `delta` ({text}), `tool_call` "
    "({tool, arguments, result}) as they happen, then `done` (this JSON body) or `error` (an "
    "error body with its `status`)."
)


@turn_router.post(
    "/chat",
    summary="Send a message to the assistant",
    response_model=ChatResponse,
    responses={
        **CHAT_ERRORS,
        200: {
            "content": {
                EVENT_STREAM: {"schema": {"type": "string", "description": STREAM_DESCRIPTION}}
            }
        },
    },
)
async def chat(
    chat_in: Annotated[ChatRequest, Body(openapi_examples=CHAT_EXAMPLES)],
    user: CurrentUser,
    session: SessionDep,
    provider: ProviderDep,
    gate: TurnGateDep,
    settings: AppSettings,
    request: Request,
) -> ChatResponse | TurnStream:
    """One stateless turn: the conversation's recent history is read from the database, your
    message is stored, the assistant acts on your tasks through its tools, and its answer is
    stored with the tool calls it made. Omit `conversation_id` to start a conversation. If the
    AI provider fails, the answer is 502 and your message stays stored. One turn at a time per
    conversation: while an earlier message of it is still being answered, another is refused
    with 409 and `Retry-After`, and nothing is stored. Send `Accept: text/event-stream` to
    receive the answer as Server-Sent Events as it is produced; the final `done` event carries
    this JSON body, and a client that leaves early does not stop the turn."""
    turn = await start_turn(
        session,
        owner_id=user.id,
        chat_in=chat_in,
        history_limit=settings.chat_history_limit,
        lease=turn_lease(settings),
    )
    if wants_event_stream(request.headers.get("accept", "")):
        return TurnStream(turn, engine=request.app.state.engine, provider=provider, gate=gate)
    return await answer_turn(session, turn, provider=provider)


router.include_router(turn_router)


@router.get(
    "/conversations",
    summary="List your conversations",
    responses={
        **error_responses(401, 403, PAGE_TOO_LARGE, 503),
        200: total_count_response("How many conversations there are, across all pages."),
    },
)
async def list_conversations(
    user: CurrentUser,
    session: SessionDep,
    response: Response,
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[ConversationPublic]:
    """Your conversations, the most recently active first; `X-Total-Count` gives the total."""
    conversations, total = await service.conversation_views(
        session, owner_id=user.id, limit=limit, offset=offset
    )
    response.headers[TOTAL_COUNT_HEADER] = str(total)
    return conversations


@router.get(
    "/conversations/{conversation_id:digits}",
    summary="Get a conversation with its messages",
    responses={
        **error_responses(401, 403, CONVERSATION_NOT_FOUND, PAGE_TOO_LARGE, 503),
        200: total_count_response("How many messages there are, across all pages."),
    },
)
async def get_conversation(
    conversation_id: ConversationIdPath,
    user: CurrentUser,
    session: SessionDep,
    response: Response,
    limit: Limit = 50,
    offset: Offset = 0,
) -> ConversationDetail:
    """The conversation and one page of its messages, oldest first, each assistant message with
    the tool calls it made; `X-Total-Count` and `message_count` give the number of messages."""
    detail = await service.conversation_detail(
        session,
        owner_id=user.id,
        conversation_id=conversation_id,
        limit=limit,
        offset=offset,
    )
    response.headers[TOTAL_COUNT_HEADER] = str(detail.message_count)
    return detail


@router.delete(
    "/conversations/{conversation_id:digits}",
    summary="Delete a conversation",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(
        401,
        403,
        CONVERSATION_NOT_FOUND,
        invalid_id("conversation_id"),
        503,
    ),
)
async def delete_conversation(
    conversation_id: ConversationIdPath, user: CurrentUser, session: SessionDep
) -> None:
    """Delete the conversation and all its messages. Your tasks are not touched."""
    await service.delete_conversation(session, owner_id=user.id, conversation_id=conversation_id)
