"""Chat routes: one stateless turn, and the user's conversations."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response, status

from backend.auth.deps import AppSettings, CurrentUser, ReadSession
from backend.chat import service
from backend.chat.agent import BUSY_MESSAGE, run_turn, turn_lease
from backend.chat.models import (
    ChatRequest,
    ChatResponse,
    Conversation,
    ConversationDetail,
    ConversationPublic,
)
from backend.chat.providers.base import ChatProvider
from backend.db import SessionDep, run_on_loop
from backend.errors import ErrorCase, error_responses, invalid, invalid_id, not_found
from backend.fields import MAX_INT_ID
from backend.paging import (
    MAX_OFFSET,
    MAX_PAGE_SIZE,
    PAGE_TOO_LARGE,
    TOTAL_COUNT_HEADER,
    total_count_response,
)

router = APIRouter(tags=["chat"])

ConversationId = Annotated[
    int, Path(ge=1, le=MAX_INT_ID, description="Conversation id.", examples=[12])
]
Limit = Annotated[
    int, Query(ge=1, le=MAX_PAGE_SIZE, description="Page size (1-100).", examples=[20])
]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip.", examples=[0])]


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


async def conversation_id_path(conversation_id: ConversationId) -> int:
    """The path's conversation id. A dependency, not a parameter, so that OpenAPI lists it after
    `user_id` (the path's order, which generated clients follow)."""
    return conversation_id


ConversationIdPath = Annotated[int, Depends(conversation_id_path)]


def get_owned_conversation(
    conversation_id: ConversationId, user: CurrentUser, session: SessionDep
) -> Conversation:
    """The path's conversation if the current user owns it; 404 otherwise."""
    return service.get_conversation(
        session=session, owner_id=user.id, conversation_id=conversation_id
    )


async def get_chat_provider(request: Request) -> ChatProvider:
    """The app's chat provider (built from settings by `create_app`; no I/O, so `async`)."""
    provider: ChatProvider = request.app.state.chat_provider
    return provider


OwnedConversation = Annotated[Conversation, Depends(get_owned_conversation)]
ProviderDep = Annotated[ChatProvider, Depends(get_chat_provider)]


@router.post(
    "/chat",
    summary="Send a message to the assistant",
    responses=CHAT_ERRORS,
)
def chat(
    chat_in: Annotated[ChatRequest, Body(openapi_examples=CHAT_EXAMPLES)],
    user: CurrentUser,
    session: SessionDep,
    provider: ProviderDep,
    settings: AppSettings,
) -> ChatResponse:
    """One stateless turn: the conversation's recent history is read from the database, your
    message is stored, the assistant acts on your tasks through its tools, and its answer is
    stored with the tool calls it made. Omit `conversation_id` to start a conversation. If the
    AI provider fails, the answer is 502 and your message stays stored. One turn at a time per
    conversation: while an earlier message of it is still being answered, another is refused
    with 409 and `Retry-After`, and nothing is stored."""
    return run_turn(
        session=session,
        owner_id=user.id,
        chat_in=chat_in,
        provider=provider,
        history_limit=settings.chat_history_limit,
        lease=turn_lease(settings),
    )


@router.get(
    "/conversations",
    summary="List your conversations",
    responses={
        **error_responses(401, 403, PAGE_TOO_LARGE, 503),
        200: total_count_response("How many conversations there are, across all pages."),
    },
)
async def list_conversations(
    reads: ReadSession,
    user: CurrentUser,
    response: Response,
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[ConversationPublic]:
    """Your conversations, the most recently active first; `X-Total-Count` gives the total."""
    conversations, total = await run_on_loop(
        reads, service.conversation_views, owner_id=user.id, limit=limit, offset=offset
    )
    response.headers[TOTAL_COUNT_HEADER] = str(total)
    return conversations


@router.get(
    "/conversations/{conversation_id}",
    summary="Get a conversation with its messages",
    responses={
        **error_responses(401, 403, CONVERSATION_NOT_FOUND, PAGE_TOO_LARGE, 503),
        200: total_count_response("How many messages there are, across all pages."),
    },
)
async def get_conversation(
    conversation_id: ConversationIdPath,
    reads: ReadSession,
    user: CurrentUser,
    response: Response,
    limit: Limit = 50,
    offset: Offset = 0,
) -> ConversationDetail:
    """The conversation and one page of its messages, oldest first, each assistant message with
    the tool calls it made; `X-Total-Count` and `message_count` give the number of messages."""
    detail = await run_on_loop(
        reads,
        service.conversation_detail,
        owner_id=user.id,
        conversation_id=conversation_id,
        limit=limit,
        offset=offset,
    )
    response.headers[TOTAL_COUNT_HEADER] = str(detail.message_count)
    return detail


@router.delete(
    "/conversations/{conversation_id}",
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
def delete_conversation(conversation: OwnedConversation, session: SessionDep) -> None:
    """Delete the conversation and all its messages. Your tasks are not touched."""
    service.delete_conversation(session=session, conversation=conversation)
