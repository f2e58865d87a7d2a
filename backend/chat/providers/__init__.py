"""Chat providers, and the factory choosing one from settings."""

from backend.chat.providers.base import ChatProvider
from backend.chat.providers.local import LocalEngine
from backend.chat.providers.openai_compat import OpenAICompatProvider
from backend.config import Settings


def build_provider(settings: Settings) -> ChatProvider:
    """The provider `CHAT_PROVIDER` names, configured from settings."""
    if settings.chat_provider == "openai":
        return OpenAICompatProvider(settings)
    return LocalEngine()
