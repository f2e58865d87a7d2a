"""The local engine's understanding: a message → the requests in it (pure functions).

normalise (spelling, "!!") → sentences → openers dropped ("ok", "actually", "sorry") →
requests split where a new verb starts ("add X and mark Y done") → each request read by the
first family that recognises it: help, undo, correction, status question, addition, change,
list question. What no family recognises is "unknown" and changes nothing.

Here a message is split into requests and statements are tied to the "it" after them; each
request is read in `request`, and what is said around it is in `small_talk`.
"""

import re
from dataclasses import replace
from datetime import datetime
from typing import TypeGuard

from backend.chat.providers.actions import ChangeTask, Intent, Mention, SmallTalk, TaskRef
from backend.chat.providers.normalise import correct_spelling, sentences
from backend.chat.providers.request import Piece, parse_request, understood

# Where a new request may start inside a sentence: a connective, then a verb that starts one.
REQUEST_VERBS = (
    r"add|create|remind|mark|complete|finish|check|tick|cross|delete|remove|erase|scratch|"
    r"move|reschedule|postpone|push|delay|rename|show|list|set|make|tag|untag|change|update|"
    r"reopen|uncheck|undo|put|prioriti[sz]e|bump|lower|raise|clear|what|what's|whats|find|"
    r"wipe|purge|nuke|toss|ditch"
)
JOIN = re.compile(
    r"(?:\s*,\s*|\s+)(?:(?:and|then|also|but|plus|after that)\s*,?\s+)+"
    rf"(?=(?:(?:please|can you|could you)\s+)?(?:{REQUEST_VERBS})\b)"
    rf"|\s*,\s*(?=(?:(?:please|can you|could you)\s+)?(?:{REQUEST_VERBS})\b)",
    re.I,
)


def _requests(sentence: str, now: datetime) -> list[Piece]:
    """The requests of one sentence, split where a new one starts and both sides make sense.

    A side that makes no sense before a request ("I'm swamped, can you add …") is dropped.
    """
    for join in JOIN.finditer(sentence):
        rest = _requests(sentence[join.end() :], now)
        if not understood(rest):
            continue
        head = parse_request(sentence[: join.start()], now)
        return [*head, *rest] if understood(head) else rest
    return parse_request(sentence, now)


def _resolve_mentions(intents: list[Piece]) -> list[Intent]:
    """Statements tied to the "it" after them: "I've submitted the report, check it off"."""
    resolved: list[Intent] = []
    for index, intent in enumerate(intents):
        if isinstance(intent, Mention):
            following = intents[index + 1] if index + 1 < len(intents) else None
            if intent.done and not _means_it(following):  # "I paid the rent": done
                resolved.append(
                    ChangeTask("complete_task", TaskRef(words=intent.words), {"completed": True})
                )
            continue
        previous = intents[index - 1] if index else None
        if isinstance(previous, Mention) and _means_it(intent):
            intent = replace(intent, ref=TaskRef(words=previous.words))
        resolved.append(intent)
    return resolved


def _means_it(piece: Piece | None) -> TypeGuard[ChangeTask]:
    """Whether a piece is a change of "it" (no id, words, position or filter)."""
    return isinstance(piece, ChangeTask) and piece.ref == TaskRef()


def parse_message(text: str, now: datetime) -> list[Intent]:
    """Every request in a user's message, in order; one small-talk intent if there is none."""
    found: list[Piece] = []
    for sentence in sentences(correct_spelling(text)):
        found.extend(_requests(sentence, now))
    acts: list[Intent] = [i for i in _resolve_mentions(found) if not isinstance(i, SmallTalk)]
    if acts:
        return acts
    talk = [i for i in found if isinstance(i, SmallTalk) and i.kind != "unknown"]
    return [talk[0] if talk else SmallTalk("unknown")]
