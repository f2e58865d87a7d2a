"""What people type, made readable: misspelt common words fixed, "!!" read, sentences split."""

import re

from rapidfuzz import process
from rapidfuzz.distance import OSA

# Short or slangy words a fuzzy match would get wrong ("sundae" is not "sunday").
SPELLING = {
    "ad": "add", "addd": "add", "tommorow": "tomorrow", "tomorow": "tomorrow",
    "tommorrow": "tomorrow", "tmrw": "tomorrow", "tmr": "tomorrow", "2moro": "tomorrow",
    "2day": "today", "tday": "today", "tonite": "tonight", "wed": "wednesday",
    "weds": "wednesday", "thurs": "thursday", "thur": "thursday", "tues": "tuesday",
    "firday": "friday", "fri": "friday", "pls": "please", "plz": "please", "u": "you",
    "prio": "priority", "pri": "priority", "hi": "hi", "compete": "complete",
    "mon": "monday", "sat": "saturday", "sun": "sunday", "nxt": "next", "wk": "week",
    "remeber": "remember", "remmeber": "remember", "wensday": "wednesday",
    "wendsday": "wednesday", "wednsday": "wednesday", "wedensday": "wednesday",
    "frday": "friday", "fridy": "friday", "delte": "delete", "dleete": "delete",
    "mrak": "mark", "amrk": "mark", "tomrrow": "tomorrow", "todya": "today",
    "wat": "what", "wut": "what", "wht": "what", "ur": "your",
    "delet": "delete", "remvoe": "remove", "reomve": "remove", "remov": "remove",
    "rmeove": "remove", "cmplete": "complete", "resched": "reschedule", "evry": "every",
    "evrey": "every", "mornin": "morning",
}  # fmt: skip
# Longer words are matched by edit distance (a swap of two letters is one edit).
VOCABULARY = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "tomorrow",
    "tonight", "priority", "important", "complete", "delete", "remove", "remember",
    "finished", "reschedule", "postpone", "january", "february", "september", "october",
    "november", "december", "weekend", "urgent", "rename", "schedule", "tagged",
)  # fmt: skip
# How people soften a request, before its verb: "could you please", "i'd like you to".
PLEASE = (
    r"^(?:(?:please|pls|can you|could you|would you|will you|can i|could i|let me know|let me|"
    r"kindly|just|maybe|perhaps|possibly|quickly|if you could|"
    r"go ahead and|"
    r"i'?d like (?:you )?to|i want (?:you )?to)\s+)*"
)
# "would you mind deleting the gym task": the request is "delete the gym task"
MIND_DOING = re.compile(
    r"^(?:please\s+)?(?:(?:would|do|could|will)\s+you\s+(?:please\s+)?)?mind\s+"
    r"(?P<verb>[a-z]+?)ing\b",
    re.I,
)
# "would it be possible to …", "if you could …", "be a dear and …": the request follows
POLITE_OPENER = re.compile(
    r"^(?:(?:would|will)\s+it\s+be\s+possible\s+to|is\s+it\s+possible\s+to|"
    r"i'?d\s+(?:really\s+)?appreciate\s+it\s+if\s+you\s+(?:could|would)|"
    r"if\s+you\s+(?:could|would|can)|be\s+a\s+(?:dear|star|love)\s+and)\s+",
    re.I,
)
# "show me what's high priority", "let me know what's due": the question asked
ASKED_WITHIN = re.compile(
    r"^(?:show|tell|let)\s+(?:me|us)\s+(?:know\s+)?(?=(?:what|what's|whats|which|how\s+many|"
    r"when)\b)",
    re.I,
)
# "the report is finally done", "the slides are really important": the state, said plainly
DEGREE = re.compile(
    r"\b(?:finally|really|totally|completely|officially|properly|actually)\s+(?=(?:done|"
    r"finished|complete|completed|sorted|paid|sent|important|urgent|needed)\b)",
    re.I,
)
# Stems whose verb ends in a silent "e" ("deleting" → "delete"); other stems are the verb, or
# double their last letter ("putting" → "put").
SILENT_E_STEMS = frozenset({
    "delet", "remov", "mov", "renam", "complet", "reschedul", "postpon", "chang", "updat",
    "creat", "eras", "clos", "schedul", "prioritis", "prioritiz", "tak", "mak",
})  # fmt: skip
MIN_FUZZY_LENGTH = 7  # "remote" and "sundae" are words, not typos of "remove" and "sunday"
TWO_EDITS_LENGTH = 9
WORD = re.compile(r"[A-Za-z]+")
# Pictographs, dingbats and their joiners: tone, not words ("buy milk 🥛", "done ✅")
EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\ufe0f\u200d]+")
# Sentence ends: ". ", "? ", "! " and new lines (not "no. 2", "incl. done" or "9.30").
SENTENCE_END = re.compile(
    r"(?<!\bno\.)(?<!\bincl\.)(?<!\be\.g\.)(?<!\bi\.e\.)(?<=[.?!])\s+(?=\S)|\s*\n+\s*", re.I
)
# A trailing remark after a comma, opened by a subject or a reason: "…, I did it yesterday",
# "…, it's urgent", "…, because the shop shuts". It explains a request and is not part of it.
REMARK = re.compile(
    r"\s*,\s*(?=(?:i|i'm|im|i've|ive|i'd|it|it's|its|that|that's|thats|they|they're|we|we're|"
    r"he|she|he's|she's|her|his|their|there's|because|cause|cos|coz|cuz|bc|since|already|"
    r"no\s+need|not\s+needed|"
    r"don'?t|doesn'?t)\b)",
    re.I,
)


def _corrected(word: str) -> str:
    lower = word.lower()
    if lower in SPELLING:
        return SPELLING[lower]
    if len(lower) < MIN_FUZZY_LENGTH or lower.endswith("s"):
        return word
    edits = 2 if len(lower) >= TWO_EDITS_LENGTH else 1
    match = process.extractOne(lower, VOCABULARY, scorer=OSA.distance, score_cutoff=edits)
    # An inflection ("deleted", "tagged") is a word of its own; a typo keeps the first letter.
    if match is None or lower.startswith(match[0]) or match[0][0] != lower[0]:
        return word
    return str(match[0])


def correct_spelling(text: str) -> str:
    """Common misspellings and slang fixed ("tommorow", "wensday", "ad task"); "!!" is urgent;
    emoji dropped."""
    text = re.sub(r"!{2,}", " !high ", EMOJI.sub(" ", text))
    text = re.sub(r"(?<!\S)@\s*(?=\d)", "at ", text)  # "tmrw @ 3"
    return WORD.sub(lambda match: _corrected(match.group(0)), text)


def _base_form(stem: str) -> str:
    if stem.lower() in SILENT_E_STEMS:
        return stem + "e"
    if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1].lower() in "ptgnm":
        return stem[:-1]
    return stem


def plain_request(sentence: str) -> str:
    """ "Would you mind marking the laundry done", "would it be possible to mark the laundry
    done", "show me what's due", "it's finally done" as the request they are: "mark the
    laundry done", "what's due", "it's done"."""
    sentence = DEGREE.sub("", ASKED_WITHIN.sub("", POLITE_OPENER.sub("", sentence)))
    return MIND_DOING.sub(lambda match: _base_form(match["verb"]), sentence)


def sentences(text: str) -> list[str]:
    """The sentences of a message, each tidied of surrounding spaces."""
    return [part.strip() for part in SENTENCE_END.split(text) if part.strip()]


def split_remark(sentence: str) -> tuple[str, str]:
    """A sentence without its trailing remark ("scratch the dry cleaning, I did it"); the remark
    ("I did it"), empty when there is none."""
    match = REMARK.search(sentence)
    if match is None:
        return sentence, ""
    return sentence[: match.start()], sentence[match.end() :]


# British and American spellings of the same word: a title written one way is found the other
SPELLINGS = dict(
    pair
    for british, american in (
        ("mum", "mom"), ("mummy", "mommy"), ("colour", "color"), ("favourite", "favorite"),
        ("organise", "organize"), ("theatre", "theater"), ("centre", "center"),
        ("programme", "program"), ("grey", "gray"), ("licence", "license"),
        ("jewellery", "jewelry"), ("catalogue", "catalog"), ("cosy", "cozy"),
        ("neighbour", "neighbor"), ("harbour", "harbor"), ("defence", "defense"),
    )
    for pair in ((british, american), (american, british))
)  # fmt: skip


def other_spelling(text: str) -> str:
    """`text` with each word spelt the other way (British ↔ American): "call mum" → "call mom"."""
    return WORD.sub(lambda match: _respelt(match.group(0)), text)


def _respelt(word: str) -> str:
    other = SPELLINGS.get(word.lower())
    if other is None:
        return word
    return other.capitalize() if word[:1].isupper() else other
