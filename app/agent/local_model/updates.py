"""Requests about an existing task: complete, reopen, delete, or change some of its fields."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .clock import Now
from .fields import Fields, extract_fields
from .indirect import parse_indirect
from .references import parse_reference
from .text import IRREGULAR, squash

_I = re.IGNORECASE
_QUESTION = re.compile(
    r"^(?:what|what's|whats|which|how|when|where|who|why|do\s+i|did\s+i|have\s+i|are\s+there|is\s+there"
    r"|show|list|display|find|search|any)\b",
    _I,
)
_DONE_WORDS = (
    r"(?:done|complete|completed|finished|checked(?:\s+off)?|ticked(?:\s+off)?|resolved|closed"
    r"|taken\s+care\s+of|sorted|handled|dealt\s+with|over\s+with|accomplished)"
)
_UNDONE_WORDS = (
    r"(?:not\s+(?:yet\s+)?(?:done|complete|completed|finished)|undone|incomplete|uncompleted|unfinished"
    r"|pending|open|active|to-?do|not\s+started|unchecked|outstanding)"
)
_LIST_TAIL = r"(?:\s+(?:from|off|on)\s+(?:my|the)\s+(?:to-?do\s+|todo\s+|task\s+)?list)?"

REOPEN_PATTERNS = (
    re.compile(
        r"^(?:reopen|re-open|unmark|uncheck|untick|uncomplete|un-complete|restore|revive|resurrect|undo|un-do)\s+(.+?)(?:\s+as\s+"
        + _DONE_WORDS
        + r")?$",
        _I,
    ),
    re.compile(
        r"^(?:put|add|bring)\s+(.+?)\s+back\s+(?:on|onto|in|into|to)\s+(?:my|the)\s+(?:to-?do\s+|todo\s+|task\s+)?list"
        r"(?:\s*[,;]\s*(?:it|that|this)\s+.+)?$",
        _I,
    ),
    re.compile(
        r"^(?:mark|set|flag|put|move|change)\s+(.+?)\s+(?:as\s+|to\s+|back\s+to\s+)?(?:back\s+)?"
        + _UNDONE_WORDS
        + r"(?:\s+again)?$",
        _I,
    ),
    re.compile(
        r"^(.+?)\s+(?:is\s+not|isn't|wasn't|was\s+not|is\s+n't|aren't|are\s+not)\s+(?:actually\s+|really\s+)?(?:done|finished|complete|completed)(?:\s+(?:yet|after\s+all))?$",
        _I,
    ),
    re.compile(
        r"^i\s+(?:didn't|did\s+not|haven't|have\s+not|never)\s+(?:actually\s+|really\s+)?(?:finish(?:ed)?|complete(?:d)?|do|done)\s+(.+?)(?:\s+(?:yet|after\s+all))?$",
        _I,
    ),
)
COMPLETE_PATTERNS = (
    re.compile(r"^(?:done|finished|completed|\u2705|\u2714\ufe0f?|\u2611\ufe0f?)\s*[:\-\u2013]\s*(.+)$", _I),
    re.compile(r"^(.+?)\s*[:\-\u2013]\s*(?:done|finished|completed|sorted|complete|\u2705|\u2714\ufe0f?|\u2611\ufe0f?)"
               r"(?:\s+(?:now|already|actually))?$", _I),
    re.compile(r"^(?:\u2705|\u2714\ufe0f?|\u2611\ufe0f?)\s*(.+)$", _I),
    re.compile(r"^(?:mark|set|flag)\s+(.+?)\s+(?:as\s+)?" + _DONE_WORDS + r"$", _I),
    re.compile(r"^(?:mark|check|tick|cross|strike)\s+off\s+(.+?)" + _LIST_TAIL + r"$", _I),
    re.compile(r"^(?:check|tick|cross|strike)\s+(.+?)\s+off" + _LIST_TAIL + r"$", _I),
    re.compile(r"^(?:complete|finish|close|resolve|cross\s+out|wrap\s+up)\s+(.+)$", _I),
    re.compile(r"^(?:strike|cross|line)\s+(?:through|out)\s+(.+?)" + _LIST_TAIL + r"$", _I),
    re.compile(
        r"^(?:(?:i|we)(?:'ve|\s+have|\s+just|\s+already|\s+finally|\s+also|\s+actually)*\s+)?"
        r"(?:(?:just|already|finally)\s+)?(?:finished|completed|accomplished|wrapped\s+up|took\s+care\s+of"
        r"|knocked\s+(?:out|off)|polished\s+off|got\s+through|powered\s+through|nailed|smashed"
        r"|taken\s+care\s+of|handled|dealt\s+with|did|done)\s+(?:with\s+)?(.+)$",
        _I,
    ),
    re.compile(
        r"^(?:i'?m|i\s+am|we'?re|we\s+are)\s+(?:all\s+|now\s+|finally\s+)?(?:done|finished|through)\s+with\s+(.+)$", _I
    ),
    re.compile(r"^(?:all\s+)?(?:done|finished)\s+with\s+(.+)$", _I),
    re.compile(
        r"^(.+?)(?:\s+(?:is|are|was|were|has\s+been|have\s+been)|\s*'s)\s+(?:now\s+|all\s+|both\s+|finally\s+|already\s+"
        r"|actually\s+|totally\s+|completely\s+|also\s+)*"
        + _DONE_WORDS
        + r"(?:\s+(?:now|actually|too|as\s+well|already|finally))?$",
        _I,
    ),
    re.compile(r"^(.+?)\s+(?:done|finished|completed|complete)$", _I),
    re.compile(
        r"^(?:the\s+)?(.+?)(?:\s+(?:is|are|was|were|has\s+been|have\s+been|got|has\s+got(?:ten)?)|\s*'s)"
        r"\s+(?:now\s+|all\s+|both\s+|finally\s+|already\s+)*"
        r"(?!(?:scheduled|rescheduled|postponed|delayed|moved|planned|due|overdue|needed|required|expected|supposed|booked\s+for"
        r"|cancell?ed|scrapped|dropped|deleted|removed|pushed|shifted|bumped|changed|renamed|updated|tagged|flagged"
        r"|assigned|added|created|reopened|booked|cancel+ed)\b)"
        r"((?:[a-z]+ed|paid|sent|bought|built|sold|fed|made|taken|written|given|brought|kept|put|set|met|read|cut|sorted))"
        r"(?:\s+(?:yesterday|today|this\s+(?:morning|afternoon|evening)|last\s+night|earlier(?:\s+today)?|at\s+last"
        r"|finally|already))?$",
        _I,
    ),
)
_PAST = re.compile(
    r"^(?:(?:i|we)(?:'ve|\s+have|\s+just|\s+already|\s+finally|\s+also|\s+actually)*\s+"
    r"|(?:just|already|finally)\s+)(?P<verb>[a-z]+)\s+(?P<rest>.+)$",
    _I,
)
_NOT_PAST_TEXT = """
    need feed seed speed bleed breed proceed succeed exceed shred embed shed bred
"""
_NOT_PAST = frozenset(_NOT_PAST_TEXT.split())
DELETE_PATTERNS = (
    re.compile(
        r"^(?:delete|remove|erase|drop|trash|discard|scrap|bin|ditch|nuke|nix|kill|cancel|get\s+rid\s+of|throw\s+(?:away|out)|forget(?:\s+about)?|take\s+off|strike|axe|scratch|eliminate|clear)\s+(.+?)"
        + _LIST_TAIL
        + r"$",
        _I,
    ),
    re.compile(r"^(?:take|get|knock|cross|strike)\s+(.+?)\s+off\s+(?:of\s+)?(?:my|the)\s+(?:to-?do\s+|todo\s+|task\s+)?list$",
               _I),
    re.compile(r"^(?:(?:we|i)(?:'re|'m|\s+are|\s+am)|(?:we|i)\s+(?:won'?t|will\s+not)\s+be)\s+not\s+(?:doing|going\s+to(?:\s+do)?)\s+"
               r"(.+?)(?:\s+(?:anymore|any\s+more|after\s+all))?(?:\s*,?\s*(?:so\s+)?(?:take|get)\s+it\s+off(?:\s+(?:the|my)\s+list)?"
               r"|\s*,?\s*(?:so\s+)?(?:remove|delete|drop|bin)\s+it)?$", _I),
    re.compile(
        r"^(.+?)\s+(?:(?:is|are)\s+(?:no\s+longer\s+(?:needed|necessary|happening|relevant)|not\s+(?:needed|necessary|happening|relevant)(?:\s+(?:anymore|any\s+more))?|cancell?ed|off|obsolete|pointless)"
        r"|(?:isn'?t|aren'?t)\s+(?:needed|necessary|happening|relevant)(?:\s+(?:anymore|any\s+more))?"
        r"|(?:can|could)\s+(?:go|be\s+(?:dropped|deleted|removed|binned|scrapped|cancell?ed))"
        r"|(?:got|was|were|has\s+been|have\s+been)\s+cancell?ed|(?:fell|has\s+fallen)\s+through)"
        r"(?:\s+(?:now|then))?$",
        _I,
    ),
    re.compile(r"^(?:i\s+)?(?:no\s+longer|don'?t|do\s+not)\s+need\s+(?:to\s+)?(.+?)\s+(?:anymore|any\s+more)$", _I),
)
_FIELD = (
    r"(?P<f>due\s+dates?|dates?|deadlines?|due\s+times?|times?|priority|priorities|description|notes?|details"
    r"|recurrence|repeat|repetition|schedule|tags|labels|all\s+tags)"
)
CLEAR_PATTERNS = (
    re.compile(
        r"^(?:remove|delete|clear|drop|unset|take\s+off|take\s+away|get\s+rid\s+of|erase|reset|strip)\s+(?:all\s+)?(?:of\s+)?(?:the\s+)?"
        + _FIELD
        + r"\s+(?:from|of|on|for|in|off)\s+(?:of\s+)?(?P<t>.+)$",
        _I,
    ),
    re.compile(r"^(?:make|set|leave)\s+(?P<t>.+?)\s+(?:to\s+)?(?:have\s+|with\s+)?no\s+" + _FIELD + r"$", _I),
    re.compile(
        r"^(?P<t>.+?)\s+(?:has|have|should\s+have|needs|doesn'?t\s+need|does\s+not\s+need)\s+(?:no|a|any)\s+"
        + _FIELD
        + r"(?:\s+anymore)?$",
        _I,
    ),
    re.compile(
        r"^(?:stop\s+repeating|don'?t\s+repeat|no\s+longer\s+repeat|stop\s+(?:the\s+)?(?:recurrence|repetition)\s+(?:of|for|on))\s+(?P<t>.+)$()",
        _I,
    ),
    re.compile(
        r"^make\s+(?P<t>.+?)\s+(?:not\s+repeat|non-?recurring|one-?(?:time|off)(?:\s+(?:task|thing))?|stop\s+repeating)()$",
        _I,
    ),
    re.compile(r"^(?P<t>.+?)\s+(?:should|does)\s+(?:not|n't)\s+(?:repeat|recur)(?:\s+anymore)?()$", _I),
    re.compile(r"^(?P<t>.+?)\s+(?:isn'?t|is\s+not|is\s+no\s+longer|aren'?t|are\s+not|are\s+no\s+longer)\s+(?:a\s+|an\s+)?"
               r"(?:weekly|daily|monthly|yearly|annual|recurring|repeating|regular|every\s*day)"
               r"(?:\s+(?:thing|task|one|event|job|chore))?(?:\s+(?:anymore|any\s+more))?()$", _I),
)
_TAG_NAMES = r"(?P<tags>#?[\w-]+(?:\s*(?:,|and|&)\s*#?[\w-]+)*)"
TAG_PATTERNS = (
    (
        re.compile(
            r"^(?:add|put|attach|apply|give|set)\s+(?:the\s+|a\s+)?(?:tags?|labels?)\s+"
            + _TAG_NAMES
            + r"\s+(?:to|on|onto|for)\s+(?P<t>.+)$",
            _I,
        ),
        False,
    ),
    (re.compile(r"^(?:add|put|attach|apply|give)\s+(?P<tags>#[\w-]+)\s+(?:to|on|onto)\s+(?P<t>.+)$", _I), False),
    (
        re.compile(
            r"^(?:tag|label)\s+(?P<t>.+?)\s+(?:as|with|under)\s+(?:the\s+)?(?:tags?\s+)?" + _TAG_NAMES + r"$", _I
        ),
        False,
    ),
    (re.compile(r"^(?:tag|label)\s+(?P<t>it|this|that|task\s+#?\d+|#\d+|(?:all\s+|both\s+)?(?:of\s+)?(?:them|those|these)"
                r"(?:\s+(?:all|both))?|both)\s+" + _TAG_NAMES + r"$", _I), False),
    (re.compile(r"^(?:tag|label)\s+(?P<t>(?:the|my|that|this)\s+.+?)\s+(?:as\s+)?(?P<tags>#?[\w-]+)$", _I), False),
    (
        re.compile(
            r"^(?:remove|delete|drop|take\s+off|take\s+away|clear)\s+(?:the\s+)?(?:tags?|labels?)\s+"
            + _TAG_NAMES
            + r"\s+(?:from|off|on)\s+(?P<t>.+)$",
            _I,
        ),
        True,
    ),
    (
        re.compile(
            r"^(?:remove|delete|drop|take|clear|strip|get\s+rid\s+of)\s+(?:the\s+|that\s+)?" + _TAG_NAMES
            + r"\s+(?:tags?|labels?)\s+(?:off\s+of|off|from|on)\s+(?P<t>.+)$",
            _I,
        ),
        True,
    ),
    (re.compile(r"^(?:untag|unlabel)\s+(?P<t>.+?)\s+(?:from\s+|as\s+)?" + _TAG_NAMES + r"$", _I), True),
    (re.compile(r"^(?:remove|delete|drop)\s+(?P<tags>#[\w-]+)\s+(?:from|off|on)\s+(?P<t>.+)$", _I), True),
)
RENAME_PATTERNS = (
    re.compile(r"^(?:rename|retitle|re-title|re-name)\s+(?P<t>.+?)\s+(?:to|as|into)\s+(?P<n>.+)$", _I),
    re.compile(
        r"^(?:change|update|edit|set|modify)\s+(?:the\s+)?(?:title|name|text|wording)\s+(?:of|for|on)\s+(?P<t>.+?)\s+to\s+(?:say\s+)?(?P<n>.+)$",
        _I,
    ),
    re.compile(r"^(?:change|update|edit|modify)\s+(?P<t>.+?)(?:'s)?\s+(?:title|name)\s+to\s+(?P<n>.+)$", _I),
    re.compile(r"^(?:change|update|edit|modify)\s+(?P<t>.+?)\s+to\s+(?:say|read)\s+(?P<n>.+)$", _I),
    re.compile(r"^(?:call|name|title)\s+(?P<t>it|that|this|that\s+one|this\s+one)\s+(?P<n>['\"].+['\"])"
               r"(?:\s*,?\s*instead)?$", _I),
)
_GIVE_FIELD = re.compile(
    r"^(?:give|set|put)\s+(?P<t>.+?)\s+(?:a|an|the)\s+(?:new\s+)?(?:deadline|due\s+date|date|due\s+time|time)"
    r"\s+(?:of|on|for|at)?\s*(?P<v>.+)$",
    _I,
)
"""A field given to a task: "give the kitchen quote a deadline of the 14th"."""
DATE_CHANGE = re.compile(
    r"^(?:change|update|set|move|push|shift|make|edit)\s+(?:the\s+)?(?:due\s+)?(?:date|deadline|due|time|due\s+time|priority|recurrence|schedule)\s+(?:of|for|on)\s+(?P<t>.+)\s+(?:to|for|as|into|at)\s+(?P<v>.+)$",
    _I,
)
_UPDATE_VERB = re.compile(
    r"^(?P<verb>move|reschedule|re-schedule|postpone|push(?:\s+back)?|delay|defer|bump(?:\s+up)?|shift|put\s+off|change|update|edit|modify|set|make|mark|flag|prioriti[sz]e|deprioriti[sz]e|de-prioriti[sz]e|change|switch|turn|raise|lower|drop|upgrade|downgrade)\s+(?P<rest>.+)$",
    _I,
)
_IT_IS = re.compile(
    r"^(?P<t>.+?)(?:\s+(?:should\s+be|is\s+now|is|needs\s+to\s+be|has\s+to\s+be|must\s+be|will\s+be|are"
    r"|(?:just\s+|has\s+|suddenly\s+)?(?:became|become|turned)|got|gets)|'s)\s+(?P<v>(?:now\s+)?(?:due|urgent|important|critical|crucial|pressing|top|very|really|super|high|low|medium|not\s+(?:very\s+)?(?:urgent|important)|a\s+(?:high|low|medium)|on|for|tagged|every|repeat|recurring).*)$",
    _I,
)
_RENAME_VERBS = frozenset({"change", "update", "edit", "modify", "switch"})
_SOFT_VERBS = frozenset(["make", "set", "mark", "flag", "turn", "switch"])


@dataclass
class Change:
    """An action on an existing task."""

    kind: str
    """"complete", "reopen", "delete" or "update"."""
    target: str
    """How the task was named."""
    fields: Fields = field(default_factory=Fields)
    """Fields to set (update)."""
    title: str = ""
    """A new title (update), or ""."""
    clear: list[str] = field(default_factory=list)
    """Fields to clear (update)."""
    untag: list[str] = field(default_factory=list)
    """Tags to take off (update)."""
    shift_days: int = 0
    """Days to move the due date by (update)."""
    shift_minutes: int = 0
    """Minutes to move the due time by (update)."""


def clean_target(text: str) -> str:
    """Trim connectors left at the ends of a task reference."""
    text = squash(text)
    for _ in range(3):
        before = text
        text = re.sub(
            r"\s+(?:to|as|for|on|at|by|due|until|till|with|into|be|is|so\s+it'?s|so\s+that\s+it|so\s+it|and|it'?s|should\s+be|now|again|priority|a|an|instead|actually|back|already|too|as\s+well|also|please|pls|thanks"
            r"|,?\s*(?:so|and)\s+(?:that|this)\s+one)$",
            "",
            text,
            flags=_I,
        )
        text = re.sub(
            r"^(?:the\s+)?(?:task\s+(?=called|named|titled)|called\s+|named\s+|titled\s+)", "", text, flags=_I
        )
        text = text.strip(" ,;:.!?\"'")
        if text == before:
            break
    return text


def _tags(text: str) -> list[str]:
    return [t.lstrip("#").lower() for t in re.split(r"\s*(?:,|\band\b|&)\s*", text) if t.strip("# ")]


def _is_concrete(target: str) -> bool:
    ref = parse_reference(target)
    return ref.task_id is not None or ref.position is not None or ref.pronoun


def _clear_fields(name: str) -> tuple[list[str], Fields]:
    name = name.lower()
    if not name:
        return ["recurrence"], Fields()
    if "time" in name:
        return ["due_time"], Fields()
    if "date" in name or "deadline" in name or "schedule" in name:
        return ["due_date", "due_time"], Fields()
    if "priorit" in name:
        return [], Fields(priority="none")
    if "tag" in name or "label" in name:
        return ["tags"], Fields()
    if "repe" in name or "recurr" in name:
        return ["recurrence"], Fields()
    return ["description"], Fields()


def _simple(kind: str, patterns: tuple[re.Pattern[str], ...], text: str) -> Change | None:
    for pattern in patterns:
        m = pattern.match(text)
        if m:
            target = clean_target(m.group(1))
            if target:
                return Change(kind=kind, target=target)
    return None


_BARE_PAST = re.compile(
    r"^(?P<verb>[a-z]+)\s+(?P<rest>(?:the|my|a|an|our|his|her|their|that|this|those|these)\s+.+)$", _I
)
"""A past tense with no "I" ("paid the water bill"); only before a determiner, so "used car inspection" stays."""
_WHEN_DONE = re.compile(
    r"(?:\s*,?\s+(?:already|today|yesterday|this\s+(?:morning|afternoon|evening)|last\s+night|earlier(?:\s+today)?"
    r"|just\s+now|finally|at\s+last|too|as\s+well))+$",
    _I,
)
_REPORTED = re.compile(
    r"^(?:(?:i|we)(?:'ve|\s+have|\s+just|\s+already|\s+finally)*\s+)?(?:just\s+|already\s+|finally\s+)?"
    r"(?:[a-z]+ed|did|took|got|knocked|wrapped|polished|nailed|smashed|sent|paid|bought|made)\b", _I)
"""A completion told in the past tense, whose time words say when it was done."""
_GOT_DONE = re.compile(
    r"^(?P<t>.+?)\s+(?:done|finished|sorted(?:\s+out)?|fixed|taken\s+care\s+of|out\s+of\s+the\s+way)$", _I
)


def _past_tense_completion(text: str, now: Now) -> Change | None:
    text = _WHEN_DONE.sub("", text)
    m = _PAST.match(text)
    if m is None:
        m = _BARE_PAST.match(text)
        if m is None or extract_fields(m.group("rest"), now, description=False)[0].due_date:
            return None  # "baked a cake for saturday" is a plan, not a report
    verb = m.group("verb").lower()
    got = _GOT_DONE.match(m.group("rest")) if verb in ("got", "had") else None
    if got:  # "got the haircut done today"
        return Change(kind="complete", target=clean_target(got.group("t")))
    if verb in _NOT_PAST or not ((verb in IRREGULAR and IRREGULAR[verb] != verb) or verb.endswith("ed")):
        return None
    return Change(kind="complete", target=clean_target(f"{verb} {m.group('rest')}"))


def _update(rest: str, verb: str, now: Now) -> Change | None:
    found, leftover = extract_fields(rest, now, description=False)
    verb = verb.lower()
    if verb.startswith(("prioriti", "deprioriti", "de-prioriti")) and not found.priority:
        found.priority = "high" if verb.startswith("prioriti") else "low"
    target = clean_target(leftover) or "it"
    if not found.any():
        return None
    only_when = not (found.priority or found.recurrence or found.tags)
    evidence = re.search(r"\b(?:due|instead)\b", rest, _I)
    if only_when and verb in _SOFT_VERBS and not _is_concrete(target) and not evidence:
        return None
    return Change(kind="update", target=target, fields=found)


def parse_change(text: str, now: Now) -> Change | None:
    """Read a complete/reopen/delete/update request; None when the text is none of those."""
    text = text.strip(" .!?")
    if _QUESTION.match(text):
        return None
    indirect = parse_indirect(text, now)
    if indirect is not None:
        target = clean_target(indirect.target)
        if target:
            return Change(
                kind="update",
                target=target,
                fields=indirect.fields,
                title=indirect.title,
                clear=indirect.clear,
                shift_days=indirect.shift_days,
                shift_minutes=indirect.shift_minutes,
                untag=indirect.untag,
            )
    for pattern in CLEAR_PATTERNS:
        m = pattern.match(text)
        if m:
            clear, found = _clear_fields(m.groupdict().get("f") or "")
            return Change(kind="update", target=clean_target(m.group("t")), fields=found, clear=clear)
    for pattern, removing in TAG_PATTERNS:
        m = pattern.match(text)
        if m:
            tags = _tags(m.group("tags"))
            return Change(
                kind="update",
                target=clean_target(m.group("t")),
                fields=Fields(tags=[] if removing else tags),
                untag=tags if removing else [],
            )
    for pattern in RENAME_PATTERNS:
        m = pattern.match(text)
        if m:
            return Change(kind="update", target=clean_target(m.group("t")), title=m.group("n").strip(" \"'.!"))
    m = DATE_CHANGE.match(text) or _GIVE_FIELD.match(text)
    if m:
        value = m.group("v") if m.re is DATE_CHANGE else f"on {m.group('v')}"  # "a deadline of the 14th"
        found, _rest = extract_fields(value, now, description=False)
        if found.any():
            return Change(kind="update", target=clean_target(m.group("t")), fields=found)
    mark = re.match(
        r"^(?:mark|flag|set)\s+(.+?)\s+(?:as\s+)?((?:very\s+)?(?:urgent|important|high\s+priority|low\s+priority|medium\s+priority|not\s+(?:very\s+)?(?:urgent|important)|a\s+priority))$",
        text,
        _I,
    )
    if mark:
        found, _rest = extract_fields(mark.group(2), now, description=False)
        return Change(kind="update", target=clean_target(mark.group(1)), fields=found)
    change = _simple("reopen", REOPEN_PATTERNS, text) or _simple("complete", COMPLETE_PATTERNS, text)
    if change and change.kind == "complete":
        vague_finish = re.match(r"^(?:finish|wrap\s+up|close)\b", text, _I) and not _is_concrete(change.target)
        if _REPORTED.match(text):  # "knocked out X this morning": when it was done, not when it is due
            change.target = clean_target(_WHEN_DONE.sub("", change.target))
        if vague_finish or extract_fields(change.target, now, description=False)[0].due_date:
            change = None
    change = change or _past_tense_completion(text, now) or _simple("delete", DELETE_PATTERNS, text)
    if change:
        return change
    m = _UPDATE_VERB.match(text)
    if m:
        verb = m.group("verb")
        rest = m.group("rest")
        to_title = re.match(r"^(?P<t>.+?)\s+to\s+(?:say\s+|read\s+)?(?P<n>.+)$", rest, _I)
        if to_title and verb.lower() in _RENAME_VERBS:
            found, leftover = extract_fields(to_title.group("n"), now, description=False)
            title = clean_target(leftover)
            if title and not re.fullmatch(r"(?:be\s+)?(?:due|priority|the|a|an)?", title, _I):
                return Change(kind="update", target=clean_target(to_title.group("t")), title=title, fields=found)
        updated = _update(rest, verb, now)
        if updated is not None:
            return updated
    m = _IT_IS.match(text)
    if m:
        updated = _update(m.group("v"), "set", now)
        if updated is not None:
            updated.target = clean_target(m.group("t"))
            return updated
    return None
