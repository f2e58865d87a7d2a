"""Chat providers, and the factory choosing one from settings."""

from backend.chat.providers.base import ChatProvider
from backend.chat.providers.local import LocalEngine
from backend.config import Settings


def build_provider(settings: Settings) -> ChatProvider:
    """The provider `CHAT_PROVIDER` names, configured from settings."""
    if settings.chat_provider == "openai":
        # Imported only when chosen: the SDK is one of the app's slowest imports.
        from backend.chat.providers.agents_sdk import AgentsProvider

        return AgentsProvider(settings)
    return LocalEngine()
