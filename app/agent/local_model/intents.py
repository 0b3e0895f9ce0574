"""What a user message asks for: the intent and its parts (title, fields, target, query)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from .clock import Now
from .english import TASK_VERBS as _TASK_VERBS
from .fields import Fields, extract_fields
from .listing import ListQuery, parse_list_query
from .text import normalize, squash
from .typos import fix_typing
from .updates import parse_change

_I = re.IGNORECASE

ADD, LIST, COMPLETE, REOPEN, DELETE, UPDATE = "add", "list", "complete", "reopen", "delete", "update"
CLEAR_COMPLETED, DELETE_ALL, GREET, THANKS, BYE, HELP, UNKNOWN = (
    "clear_completed", "delete_all", "greet", "thanks", "bye", "help", "unknown",
)  # fmt: skip


@dataclass
class Intent:
    """An understood request."""

    kind: str
    """One of the kind constants above."""
    title: str = ""
    """For add: the task title; for update: a new title, if renamed."""
    fields: Fields = field(default_factory=Fields)
    """For add: the new task's fields; for update: the fields to set."""
    target: str = ""
    """For complete/reopen/delete/update: how the user named the task."""
    clear: list[str] = field(default_factory=list)
    """For update: fields to clear (set to null)."""
    untag: list[str] = field(default_factory=list)
    """For update: tags to take off."""
    query: ListQuery | None = None
    """For list: the query."""
    shift_days: int = 0
    """For update: days to move the due date by."""
    shift_minutes: int = 0
    """For update: minutes to move the due time by."""
    lang: str = "en"
    """The language the message was written in ("en", "es", "ur")."""


_FILLER = re.compile(
    r"^(?:(?:hey|hi|hello|ok|okay|so|um+|uh+|er+|please|pls|plz|actually|also|and|then|now|oh|"
    r"well|alright|all\s+right|great|cool|perfect|thanks|thank\s+you|oops|sorry|wait|hmm+|"
    r"assistant|one\s+more\s+thing|by\s+the\s+way|btw|hang\s+on|hold\s+on|one\s+sec(?:ond)?)\b[,!.:]?\s+)+",
    _I,
)
_POLITE = re.compile(
    r"^(?:(?:can|could|would|will)\s+you\s+(?:please\s+|kindly\s+)?|please\s+|kindly\s+|"
    r"i(?:'d|\s+would)\s+like\s+(?:you\s+)?to\s+|i\s+want\s+you\s+to\s+|i\s+need\s+you\s+to\s+|"
    r"let's\s+|lets\s+|go\s+ahead\s+and\s+|help\s+me\s+|just\s+|quickly\s+|(?:i\s+)?want\s+to\s+(?=add|delete|remove|mark|complete|see|list|rename|change|update|move)|"
    r"i\s+(?:want|would\s+like|wanna)\s+to\s+(?=add|delete|remove|mark|complete|see|list|rename|change|update|move))+",
    _I,
)
_TRAIL = re.compile(r"(?:\s*,?\s*\b(?:please|pls|thanks|thank\s+you|thx|for\s+me|ok\??)\b)+[.!?]*\s*$", _I)

_GREET = re.compile(
    r"^(?:hi|hello|hey|howdy|yo|hiya|heya|greetings|sup|what'?s\s+up|good\s+(?:morning|afternoon|evening|day))(?:\s+(?:there|assistant|bot|friend|buddy|all|everyone))?[\s!.,?]*$",
    _I,
)
_THANKS = re.compile(
    r"^(?:thanks|thank\s+you|thx|ty|cheers|great|awesome|perfect|cool|nice|ok|okay|got\s+it|sounds\s+good|good\s+job|well\s+done|appreciate\s+it|excellent|wonderful|brilliant|lovely|fantastic|amazing|super|good|fine|alright)(?:\s+(?:a\s+lot|so\s+much|very\s+much|again|man|mate|buddy))?[\s!.,:)]*$",
    _I,
)
_BYE = re.compile(
    r"^(?:bye|goodbye|good\s+bye|see\s+you|see\s+ya|later|good\s+night|night|cya|that'?s\s+all|that\s+is\s+all|nothing|never\s*mind|nvm)(?:\s+(?:for\s+now|then|later))?[\s!.,]*$",
    _I,
)
_HELP = re.compile(
    r"^(?:help|\?+|menu|commands|options|what\s+can\s+(?:you|i)\s+(?:do|say|ask)(?:\s+(?:you|for\s+me|here))?"
    r"|what\s+(?:can|could)\s+you\s+help\s+(?:me\s+)?with|what\s+are\s+you\s+able\s+to\s+do|what\s+do\s+you\s+know|how\s+(?:does\s+this|do\s+you|do\s+i\s+use\s+(?:this|you)|can\s+you\s+help)(?:\s+work)?|"
    r"what\s+(?:are|do)\s+you(?:\s+do)?|who\s+are\s+you|what\s+is\s+this|how\s+does\s+(?:it|this)\s+work|what\s+are\s+your\s+(?:features|capabilities|commands)|"
    r"(?:can\s+you\s+|please\s+)?help\s+me|i\s+need\s+help|show\s+(?:me\s+)?(?:the\s+)?help|how\s+do\s+i\s+\w+(?:\s+\w+)?\s+(?:a\s+)?tasks?)[\s?!.]*$",
    _I,
)
_YES = re.compile(
    r"^(?:y|yes|yess|yep|yeah|yea|yah|yup|ya|k|kk|sure|ok|okay|confirm(?:ed)?|s[ií]|claro|vale|adelante|hazlo|dale"
    r"|haan|han|ji|ji\s+haan|jee|theek\s+hai|ٹھیک\s+ہے|ہاں|جی|جی\s+ہاں|i\s+confirm|do\s+it|go\s+ahead|go\s+for\s+it|please\s+do|absolutely|affirmative|correct|proceed|definitely|of\s+course|that'?s\s+right|right|i'?m\s+sure|yes\s+i'?m\s+sure)\b(?:[\s,!.]+(?:please|do\s+it|go\s+ahead|go(?:\s+on)?|do\s+so|i'?m\s+(?:sure|certain|positive)|thing|thang|yes|yeah|certain|positive|(?:delete|remove|scrap|bin|clear|wipe|trash|nuke|get\s+rid\s+of|ditch)\s+(?:them|it|all|everything|the\s+lot)(?:\s+\w+)*|clear\s+(?:them|it)|sure|confirm(?:ed)?))*[\s!.]*$",
    _I,
)
_NO = re.compile(
    r"^(?:n|no|nope|nah|nay|cancel|stop|don'?t|do\s+not|never\s*mind|nvm|abort|forget\s+(?:it|that|about\s+it)|not\s+now"
    r"|mejor\s+no|d[ée]jalo|cancela|nahi|nahin|mat\s+karo|rehne\s+do|نہیں|رہنے\s+دو"
    r"|no\s+thanks|keep\s+(?:them|it|everything|all|those)|leave\s+(?:them|it|everything|those|all)|hold\s+on|wait"
    r"|(?:i\s+)?changed\s+my\s+mind|actually\s+no|on\s+second\s+thought|not\s+really|scratch\s+that"
    r"|(?:(?:i'?d|i\s+would|we'?d)\s+)?(?:better|rather)\s+not|let'?s\s+not|no\s+way|maybe\s+not)\b"
    r"(?![\s,]+(?:yes|go\s+ahead|do\s+it|delete|clear)\b).*$",
    _I,
)

_HESITATION = re.compile(r"^(?:(?:hmm+|h+m+|um+|uh+|erm*|well|oh|ah+|hm+)[\s,.!]+)+", _I)
"""Hesitation before an answer ("hmm, better not")."""

_CLEAR_COMPLETED = re.compile(
    r"^(?:clear|delete|remove|purge|clean\s+(?:up|out)|get\s+rid\s+of|wipe|erase|archive|trash|empty|drop)\s+(?:out\s+)?(?:all\s+)?(?:of\s+)?(?:the\s+|my\s+)?(?:completed|finished|done|checked(?:[\s-]+off)?|ticked(?:[\s-]+off)?|old\s+completed)\s*(?:tasks|todos|to-?dos|items|ones|stuff)?$"
    r"|^(?:clear|clean\s+up)\s+(?:the\s+)?(?:completed|done|finished)$"
    r"|^(?:clear|delete|remove|purge|clean\s+(?:up|out)|get\s+rid\s+of|wipe|erase|trash|drop|throw\s+out|bin)\s+(?:out\s+)?"
    r"(?:all\s+)?(?:of\s+)?(?:everything|all|(?:the|every|each|any)\s+(?:tasks?|ones?|items?|todos?|stuff|things?)|tasks|ones|items|what"
    r"|those)\s+"
    r"(?:that(?:\s+(?:is|are|was|were|i'?ve|i\s+have)|'s)\s+|which\s+(?:is|are)\s+|(?:i'?ve|i\s+have|i'?d|i\s+had|i)\s+)?"
    r"(?:already\s+|been\s+|marked\s+(?:as\s+)?)?(?:completed|finished|done|checked\s+off|ticked\s+off|crossed\s+off)"
    r"(?:\s+already)?$",
    _I,
)
_DELETE_ALL = re.compile(
    r"^(?:(?:let'?s\s+)?start\s+(?:over|fresh|from\s+scratch)[\s,]+(?:and\s+)?)?"
    r"(?:delete|remove|clear|wipe|erase|get\s+rid\s+of|drop|purge|trash|bin|nuke|empty|reset|cancel|scrap)\s+(?:out\s+)?"
    r"(?:(?:all|every|each|everything|the\s+whole|the\s+entire|my\s+whole|my\s+entire)\b\s*(?:of\s+)?(?:my\s+|the\s+)?(?:single\s+)?(?:tasks?|todos?|to[\s-]?dos?|items?|list|things|lot)?|(?:my|the)\s+(?:whole\s+|entire\s+)?(?:to[\s-]?do\s+|task\s+)?list|the\s+lot)(?:\s+(?:(?:in|on|from)\s+)?(?:the|my)\s+(?:to[\s-]?do\s+|task\s+)?list)?(?:\s+clean)?"
    r"(?:\s*,?\s*(?:every|each|all)\s+(?:single\s+)?(?:one|tasks?|todos?|to[\s-]?dos?|items?|of\s+(?:them|it)))?$"
    r"|^start\s+(?:over|fresh|from\s+scratch)$",
    _I,
)
_ADD_LEADS = (
    re.compile(
        r"^(?:add|create|insert|enter|log|record|jot\s+down|write\s+down|note\s+down|save|include)\b\s*(?:(?:a|an|the|another|one\s+more|new|this|following|quick)\s+)*(?:note\s+to\s+(?:my)?self\b|(?:task|todo|to-?do|item|reminder|entry|note)s?\b)?\s*(?:(?:to|for|called|named|titled|saying|that\s+says|about|of|:)(?:\s+|$)|[:\-]\s*)?",
        _I,
    ),
    re.compile(
        r"^(?:make|set|set\s+up|create|schedule|put\s+in|give\s+me|start)\s+(?:a|an|one)\s+(?:new\s+)?(?:task|todo|to-?do|reminder|note|entry)s?\b\s*(?:(?:to|for|called|named|titled|saying|about|:)(?:\s+|$)|[:\-]\s*)?",
        _I,
    ),
    re.compile(
        r"^(?:new|another|one\s+more)\s+(?:task|todo|to-?do|item|reminder|entry)s?\b\s*(?:(?:to|for|called|named|titled|saying|about|:)(?:\s+|$)|[:\-]\s*)?",
        _I,
    ),
    re.compile(r"^(?:task|todo|to-?do|reminder|note(?:\s+to\s+self)?)\s*[:\-]\s*", _I),
    re.compile(
        r"^(?:remind|ping|nudge|alert|notify|buzz|text|poke|prompt)\s+me\s+(?:to\s+|that\s+|about\s+|of\s+|re:?\s+)?"
        r"|^(?:give\s+me\s+a\s+(?:heads[\s-]up|nudge|shout|ping)|send\s+me\s+a\s+reminder)\s+(?:to\s+|about\s+|of\s+|that\s+)?",
        _I,
    ),
    re.compile(
        r"^(?:(?:i|we)\s+)?(?:really\s+|also\s+|still\s+)?(?:need\s+to|needs\s+to|have\s+to|has\s+to|got\s+to|gotta|must|should|ought\s+to|(?:will|'ll|shall)\s+(?:need\s+to|have\s+to)|am\s+going\s+to|'m\s+going\s+to|plan\s+to|am\s+supposed\s+to|'m\s+supposed\s+to|'d\s+better|had\s+better|want\s+to|wanna)\s+",
        _I,
    ),
    re.compile(r"^(?:please\s+)?(?:don'?t|do\s+not)\s+(?:let\s+me\s+)?forget\s+(?:to\s+|about\s+|that\s+)?", _I),
    re.compile(
        r"^(?:make\s+sure\s+(?:that\s+)?i\s+(?:remember\s+to\s+)?|i\s+(?:must|should|have\s+to|need\s+to)\s+remember\s+to\s+|remember\s+to\s+|note\s+to\s+self\s*:?\s*)",
        _I,
    ),
)
_PUT = re.compile(r"^(?:put|stick|throw|pop|get)\s+(?!.*\bback\s+(?:on|onto|in|into|to)\s+(?:my|the)\b)"
                  r"(?=.+\b(?:on|onto|in|to)\s+(?:my|the)\s+(?:[\w-]+\s+)?list\b)", _I)
_LIST_MENTION = re.compile(
    r"\s*\b(?:to|on|onto|in|into)\s+(?:my|the)\s+(?:to-?do\s+|todo\s+|task\s+|tasks\s+)?list\b", _I
)
_STRONG_LIST = re.compile(
    r"^(?:list|show|display|view|see|give\s+me|get\s+me|tell\s+me|read|print|pull\s+up|bring\s+up|let\s+me\s+see"
    r"|find|search|look\s+for|look\s+up|lookup|locate|check\s+my|review\s+my|go\s+over|when\s+(?:is|are|was|do\s+i)"
    r"|my\s+(?:tasks|todos|to-?dos|list|agenda)"
    r"|(?:pending|overdue|completed|open|upcoming|all|today'?s|tomorrow'?s|high\s+priority)\s+(?:tasks|todos|items)"
    r"|(?:tasks|todos|to-?dos|agenda|overdue|pending|completed)\b)",
    _I,
)
_WEAK_QUESTION = re.compile(
    r"^(?:what|what's|whats|what're|which|how\s+many|how\s+much|do\s+i|have\s+i|did\s+i|are\s+there|is\s+there"
    r"|any|anything|when|where|am\s+i|is\s+anything|remind\s+me\s+what)\b",
    _I,
)
_LIST_WORDS = re.compile(
    r"\b(?:tasks?|todos?|to-?dos?|list|due|pending|overdue|late|done|complete|completed|finished|plate|agenda|left"
    r"|remaining|upcoming|coming\s+up|behind|need\s+to|have\s+to|got|scheduled|today|tonight|tomorrow|week|month|next"
    r"|priority|urgent|important|tagged|about|open|outstanding|busy|free|do|planned|plans|lined\s+up|weekend"
    r"|deadlines?|past\s+(?:its|their|the)\s+(?:deadline|due\s+date)|tags?|labels?|marked|dates?)\b|#\w",
    _I,
)


def clean_title(text: str) -> str:
    """Trim connectors, quotes and punctuation left around a title."""
    text = squash(text)
    for _ in range(4):
        before = text
        text = re.sub(r"^(?:to|that|about|and|then|also|:|-|,)\s+", "", text, flags=_I)
        text = re.sub(r"\s+(?:at|on|by|due|for|from|until|till|and|with|please|as|which|that)$", "", text, flags=_I)
        text = text.strip(" \t,;:-.!?")
        if len(text) > 1 and text[0] == text[-1] and text[0] in "\"'":
            text = text[1:-1].strip()
        if text == before:
            break
    return text


def strip_filler(text: str) -> str:
    """The message without the interjections it opens with ("hang on, ...", "ok so ...")."""
    return _FILLER.sub("", text)


def _strip_lead(text: str) -> str:
    for _ in range(3):
        before = text
        text = _FILLER.sub("", text)
        text = _POLITE.sub("", text)
        if text == before:
            break
    return text


def _parse_add(text: str, now: Now) -> Intent | None:
    """A new task: title and fields, when the message reads as one."""
    quoted = re.search(r"(?:^|(?<=\s))(?:\"([^\"]+)\"|'([^']{2,})')(?!\w)", text)
    if quoted:
        outside = text[: quoted.start()] + " " + text[quoted.end() :]
        found, _rest = extract_fields(outside, now)
        title = clean_title(quoted.group(1) or quoted.group(2))
    else:
        put = _PUT.match(text)
        found, rest = extract_fields(text[put.end() :] if put else text, now)
        rest = squash(rest)
        for lead in _ADD_LEADS:
            m = lead.match(rest)
            if m:
                rest = rest[m.end() :]
                break
        title = clean_title(_LIST_MENTION.sub(" ", rest))
    if found.description and re.fullmatch(r"(?:(?:a|an|the|new|quick)\s*)*", title, _I):
        title, found.description = clean_title(found.description), None  # "add a note: call mom" is the task
    if not title:
        return None
    return Intent(kind=ADD, title=title, fields=found)


def starts_with_add(message: str) -> bool:
    """Whether a message opens with an add command ("add", "remind me to", "new task:")."""
    core = _strip_lead(normalize(message))
    if re.match(r"^add\s+(?:the\s+|a\s+)?(?:tags?|labels?|description|note|priority)\b", core, _I):
        return False
    return any(lead.match(core) for lead in (*_ADD_LEADS, _PUT))


def _looks_like_add(core: str, now: Now) -> bool:
    for lead in (*_ADD_LEADS, _PUT):
        if lead.match(core):
            return True
    first = core.split()[0].lower() if core.split() else ""
    if first in _TASK_VERBS:
        return True
    found, _rest = extract_fields(core, now, description=False)
    return bool(found.due_date or found.recurrence or found.priority or found.tags) and "?" not in core


_URDU_ENDING = re.compile(
    r"\s(?:kar|karo|hata|nikal|badal|mita|likh|de)\s+(?:do|dein|den|dijiye|dena)\s*[.!?]*$|\skardo\s*[.!?]*$", _I)
"""A Roman Urdu command ending ("... ki priority high kar do"): no English message ends so, whatever English
words come before it."""


def parse_intent(message: str, now: Now) -> Intent:
    """Understand one user message, in English, Spanish or Urdu."""
    intent = parse_english(message, now)
    corrected = fix_typing(message).split()[:1] != message.split()[:1]
    urdu_ending = _URDU_ENDING.search(message) is not None
    if intent.kind != UNKNOWN and message.isascii() and not corrected and not urdu_ending:
        return intent
    from .foreign import parse_foreign
    from .languages import ENGLISH, detect_language

    understood = intent.kind != UNKNOWN and not corrected and not urdu_ending
    lang = detect_language(message, english_understood=understood)
    if lang == ENGLISH:
        return intent
    return parse_foreign(message, lang, now) or Intent(kind=UNKNOWN, lang=lang)


def parse_english(message: str, now: Now) -> Intent:
    """Understand one user message in English.

    The model is stateless, so every step of a turn reads the turn's message again, and splitting a message
    into requests reads it whole too: the answer is kept for the last messages read (the intents are
    mutable, so each caller gets its own copy)."""
    return _copy(_understood(message, now))


def _copy(intent: Intent) -> Intent:
    """A copy of an intent that shares nothing mutable with it (faster than `copy.deepcopy`: its parts are
    dataclasses of immutable values and lists of strings)."""
    return replace(intent, fields=replace(intent.fields, tags=list(intent.fields.tags)), clear=list(intent.clear),
                   untag=list(intent.untag), query=None if intent.query is None else replace(intent.query))


@lru_cache(maxsize=128)
def _understood(message: str, now: Now) -> Intent:
    text = normalize(fix_typing(message))
    core = _TRAIL.sub("", _strip_lead(text)).strip()
    bare = core.strip(" !.?,")
    if not bare:
        return Intent(kind=GREET if _GREET.match(text) else THANKS if _THANKS.match(text) else HELP)
    for pattern, kind in ((_GREET, GREET), (_THANKS, THANKS), (_BYE, BYE), (_HELP, HELP)):
        if pattern.match(text) or pattern.match(core):
            return Intent(kind=kind)
    if (corrected := _correction(text, now)) is not None:
        return corrected
    if _CLEAR_COMPLETED.match(bare):
        return Intent(kind=CLEAR_COMPLETED)
    if _DELETE_ALL.match(bare):
        return Intent(kind=DELETE_ALL)
    for lead in (*_ADD_LEADS, _PUT):
        m = lead.match(core)
        if m and not re.match(r"^add\s+(?:the\s+|a\s+)?(?:tags?|labels?|description|note|priority)\b", core, _I):
            return _parse_add(core, now) or Intent(kind=ADD)
    change = parse_change(bare, now)
    if change is not None:
        return Intent(
            kind=change.kind,
            target=change.target,
            fields=change.fields,
            title=change.title,
            clear=change.clear,
            untag=change.untag,
            shift_days=change.shift_days,
            shift_minutes=change.shift_minutes,
        )
    if _STRONG_LIST.match(bare) or ((_WEAK_QUESTION.match(bare) or core.endswith("?")) and _LIST_WORDS.search(bare)):
        return Intent(kind=LIST, query=parse_list_query(bare, now))
    if _looks_like_add(core, now):
        added = _parse_add(core, now)
        if added and added.title and _INSTEAD.search(core):
            return _instead(added)
        if added and (change_of := _as_change(added)) is not None:
            return change_of
        if added:
            return added
    return Intent(kind=UNKNOWN)


_CORRECTION = re.compile(
    r"^(?:(?:no|nope|wait|hold\s+on|sorry|oops|whoops|actually|i\s+meant|i\s+mean|scratch\s+that|correction|my\s+bad"
    r"|make\s+(?:that|it)|change\s+(?:that|it)\s+to|rather|not\s+\S+\s+but)\b[\s,.:;!-]*)+(?P<rest>.+)$", _I)
_LEFT_OVER = re.compile(r"^(?:(?:instead|then|please|pls|at|on|for|by|the|it|is|it'?s|should\s+be|to)\b[\s,.!]*)*$", _I)


def _correction(text: str, now: Now) -> Intent | None:
    """A correction of what was just said, by a new date, time or priority alone ("no wait, 5pm", "sorry, I
    meant friday", "oops, saturday at 10am"): a change to the task just spoken of, never a new task."""
    m = _CORRECTION.match(text.strip(" .!"))
    if m is None:
        return None
    found, rest = extract_fields(m.group("rest"), now, description=False)
    if not (found.due_date or found.due_time or found.priority) or not _LEFT_OVER.match(squash(rest)):
        return None
    return Intent(kind=UPDATE, target="it", fields=found)


_INSTEAD = re.compile(r"\binstead\b", _I)
_INSTEAD_WORDS = re.compile(
    r"^(?:let'?s\s+|we'?ll\s+|i'?ll\s+)?(?:do|make|have|hold|move|book)\s+|\s*,?\s*\binstead\b", _I
)


def _instead(added: Intent) -> Intent:
    """ "let's do the cake pickup on the 23rd instead" is not a new task but a change to the one it names
    (never an explicit "add ... instead", which keeps its command)."""
    target = squash(_INSTEAD_WORDS.sub(" ", added.title)).strip(" ,.")
    if not target or not added.fields.any():
        return added
    return Intent(kind=UPDATE, target=target, fields=added.fields, lang=added.lang)


_POINTER = (r"(?:it|that(?:\s+one)?|this(?:\s+one)?|them|those"
            r"|the\s+(?:last|first|second|third|\d+(?:st|nd|rd|th))\s+one)")
_CHANGED_COMMAND = re.compile(
    r"^(?:put|move|push|bring|pull|shift|set|make|give|change|switch|bump|reschedule|postpone|tag|mark)\s+"
    r"(?:(?P<pointer>" + _POINTER + r")(?:\s+(?:forward|back|up|ahead|out|over))?"
    r"(?:\s+(?:to|till|until|for|on|at|by|as|with|the|a|an|into))*"
    r"|(?P<target>.+?)\s+(?:(?:forward|back|up|ahead|out)\s+)?(?:to|till|until))$", _I)
_CHANGED_FACT = re.compile(
    r"^(?P<target>.+?)\s+(?:(?:has|have)\s+)?(?:(?:got|gets|been|was|were|is|are)\s+)?(?:pushed|moved|bumped|shifted|"
    r"changed|rescheduled|postponed|delayed|brought|pulled|slipped|slid)(?:\s+(?:back|forward|up|out|"
    r"ahead))?(?:\s+(?:to|till|until|for|by))?$|^(?P<subject>.+?)\s+(?:is|are)(?:\s+now)?$", _I)


def _as_change(added: Intent) -> Intent | None:
    """ "put that one on monday", "give it the tag home", "team dinner got pushed back to 8:30pm", "the
    passport renewal is top priority now": what would be left as the title of a new task is a change said
    about a task (a pointer to one, or a name followed by a change verb left dangling), so it updates that
    task. A real task that starts with such a verb ("put the bins out on monday") names no pointer and
    leaves no dangling "to"."""
    if not added.fields.any():
        return None
    m = _CHANGED_COMMAND.match(added.title) or _CHANGED_FACT.match(added.title)
    if m is None:
        return None
    target = next(g for g in m.groups() if g)
    return Intent(kind=UPDATE, target=target.strip(" ,."), fields=added.fields, lang=added.lang)


def is_yes(message: str) -> bool:
    """Whether the message is a plain yes."""
    return _YES.match(_HESITATION.sub("", normalize(message).strip())) is not None


def is_no(message: str) -> bool:
    """Whether the message is a plain no."""
    return _NO.match(_HESITATION.sub("", normalize(message).strip())) is not None
