"""How change rules are written: (pattern, builder) pairs compiled ignoring case, and the guard
that keeps a question ("is the report done?") from reading as a change."""

import re

from backend.chat.providers.changes import Build

Rule = tuple[re.Pattern[str], Build]

NOT_A_QUESTION = (
    r"^(?!(?:what|which|who|when|where|why|how|is|are|did|do|does|have|anything|something|"
    r"everything|nothing)\b)"
)

# "…from my list", "…off the todo list": where a task is, not a task
MY_LIST = r"(?:my|the|your)\s+(?:[\w-]+\s+)?(?:list|tasks|todos?|to-?dos?)"


def compile_rules(*rules: tuple[str, Build]) -> tuple[Rule, ...]:
    """Each (pattern, builder) pair with its pattern compiled, ignoring case."""
    return tuple((re.compile(pattern, re.I), build) for pattern, build in rules)
