"""Chat dependencies: the path's conversation id, page parameters, the app's provider and its
turn gate."""

from typing import Annotated

from fastapi import Depends, Path, Query, Request

from backend.chat.gate import TurnGate
from backend.chat.providers.base import ChatProvider
from backend.paging import MAX_OFFSET, MAX_PAGE_SIZE
from backend.paths import PathId

ConversationIdPath = Annotated[PathId, Path(description="Conversation id.", examples=[12])]
Limit = Annotated[
    int, Query(ge=1, le=MAX_PAGE_SIZE, description="Page size (1-100).", examples=[20])
]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip.", examples=[0])]


async def get_chat_provider(request: Request) -> ChatProvider:
    """The app's chat provider (built from settings by `create_app`)."""
    provider: ChatProvider = request.app.state.chat_provider
    return provider


ProviderDep = Annotated[ChatProvider, Depends(get_chat_provider)]


async def get_turn_gate(request: Request) -> TurnGate:
    """The app's turn gate, sized by `CHAT_TURN_CONCURRENCY`."""
    gate: TurnGate = request.app.state.turn_gate
    return gate


TurnGateDep = Annotated[TurnGate, Depends(get_turn_gate)]
