"""What is said around a request or instead of one: greetings, thanks and fillers before it,
politeness after it, a call for help, "never mind"."""

import re

from backend.chat.providers.actions import TalkKind

GREETING = (
    r"hi|hello|hey|hiya|howdy|yo|good (?:morning|afternoon|evening)|"
    # "morning!", "you there?": alone or before a comma ("morning run" is a chore)
    r"(?:morning|afternoon|evening|(?:are\s+)?you\s+there|anyone\s+there)(?=\s*[,!.?]|$)"
)
THANKS = (
    r"thanks|thank you|thx|ty|cheers|great|perfect|awesome|ok|okay|cool|alright|nice|gotcha|"
    r"sweet|got it(?=\s*[,!.]|$)|"
    # praise is thanks: "that's great", "you're awesome", "good job", "much appreciated"
    r"that'?s (?:great|perfect|awesome|amazing|brilliant|helpful|lovely|wonderful|fantastic)|"
    r"you'?re (?:awesome|amazing|the best|great|a star|brilliant|a lifesaver)|good job|"
    r"nice one|well done|love it|much appreciated|appreciate it|thank u|tysm|many thanks|"
    r"(?:ta|brilliant|lovely|ace|champion|legend)(?=\s*[,!.]|\s+(?:thanks|thank|cheers|mate)\b|$)"
)
FILLER = (
    r"now|also|and|then|so|actually|wait|oops|whoops|sorry|oh|hmm+|um+|uh+|well|"
    r"no(?!\s+(?:rush|hurry|need|longer|deadline|due\s+date|more\s+(?:deadline|due))\b)|nope|ah|"
    r"btw|by the way|right|one more thing|one last thing|plus|oh and|hang on|ugh+|argh+|oof|"
    r"omg|welp|meh|lol|ok so|okay so|so yeah"
)
# Words that may follow an opener without asking for anything: "thanks a lot", "hi there".
OPENER_FILLER = r"(?:\s+(?:there|a lot|so much|very much|again|all|everyone|mate|pal|buddy|love))*"
OPENERS: tuple[tuple[re.Pattern[str], TalkKind], ...] = (
    (re.compile(rf"^(?:{GREETING}){OPENER_FILLER}\b[\s,!.?:;-]*", re.I), "greeting"),
    (re.compile(rf"^(?:{THANKS}){OPENER_FILLER}\b[\s,!.?:;-]*", re.I), "thanks"),
    # "now show my tasks", "actually, make it high": connectives and second thoughts
    (re.compile(rf"^(?:{FILLER})\b[\s,!.:;-]*", re.I), "unknown"),
)
HELP = re.compile(
    r"^(?:help|\?|what can you do|how does this work|what do you do|commands|"
    r"what do you understand|what can i say|examples?|who are you|what are you|"
    r"i'?m (?:confused|lost|stuck)|i don'?t (?:understand|get it)|"
    # "how do I add a task with a due date?": how to use the assistant
    r"how (?:do|can|should) i (?:add|create|make|use|set|mark|complete|delete|remove|tag|"
    r"rename|change|edit|move|see|list)\b.*)"
    r"(?:\s+(?:me|please|for you)|\s+(?:with|on|about)\s+.*)?\W*$",
    re.I,
)
# "help me add buy bread", "can you help me to finish the report": the rest is the request
HELP_ME = re.compile(r"^(?:can you\s+|could you\s+|please\s+)?help me(?:\s+to)?\s+(?=\S)", re.I)
# "never mind", "that's all": nothing more to do
DISMISS = re.compile(
    r"^(?:never\s*mind|nvm|forget (?:it|about it)|no worries|nothing(?: else)?|"
    r"that'?s (?:all|it)(?: for (?:now|today))?|all good|ignore me|"
    r"i'?m good(?: for now)?)$",
    re.I,
)
# "bye", "good night", "see you tomorrow": the end of the conversation
FAREWELL = re.compile(
    r"^(?:bye(?: bye)?|goodbye|good ?night|night|see (?:you|ya)(?: later| tomorrow| soon)?|"
    r"cya|later|ttyl|talk (?:to you )?(?:later|soon)|have a (?:good|nice|great) (?:day|night|"
    r"evening|one|weekend))$",
    re.I,
)
# "…, thanks", "… pls thx", "… too", "…, sorry", "… lol": said after a request, not part of it
TRAILING_FILLER = re.compile(
    r"(?:[\s,]+(?:please|pls|thanks|thank you|thx|ty|for me|actually|sorry|my bad|then|"
    # "…, the done ones too": that "too" is what widens the list
    r"(?<!done ones )(?<!finished ones )(?<!completed ones )(?:too|as well)|"
    r"lol|haha+|lmao|:\)|:d|that'?d be (?:great|nice|lovely|awesome)|that would be (?:great|nice)|"
    r"if (?:possible|you can)|when you (?:can|get a chance)|thanks in advance))+[\s!.]*$",
    re.I,
)


def strip_openers(sentence: str) -> tuple[str, TalkKind]:
    """Drop leading "ok", "thanks,", "hey", "actually"…; what is left and the first kind."""
    first: TalkKind = "unknown"
    stripped = True
    while stripped and sentence:
        stripped = False
        for pattern, kind in OPENERS:
            if match := pattern.match(sentence):
                first = kind if first == "unknown" else first
                sentence, stripped = sentence[match.end() :], True
                break
    return sentence, first
