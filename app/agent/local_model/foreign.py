"""Requests in Spanish and Urdu (Roman and Nastaliq): the same intents as English, read with the
language's vocabulary file. Dates and times are turned into English phrases the English date
reader already knows, so every date rule lives in one place; titles keep the user's own words.
"""

from __future__ import annotations

import re

from .clock import Now
from .fields import Fields, extract_fields
from .intents import ADD, COMPLETE, DELETE, DELETE_ALL, LIST, UPDATE, Intent
from .languages import Lexicon, lexicon, normalize_digits
from .listing import parse_list_query
from .text import squash

_FLAGS = re.IGNORECASE | re.UNICODE
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_ENGLISH_WHEN_TEXT = """
    today tomorrow tonight morning afternoon evening night week this next last day after the at on
    monday tuesday wednesday thursday friday saturday sunday
"""
_ENGLISH_WHEN = frozenset(_ENGLISH_WHEN_TEXT.split())


def _hour24(hour: int, minute: int, daypart: str | None) -> str:
    """24-hour time; as in English, a bare 1 to 6 o'clock ("5 baje", "a las 5") is taken as afternoon."""
    evening = daypart in ("pm", "night") and hour < 12 and not (daypart == "night" and hour < 4)
    if evening or (daypart in ("noon", None) and 1 <= hour <= 6):
        hour += 12
    elif daypart in ("am", "night") and hour == 12:
        hour = 0
    return f"{hour % 24:02d}:{minute:02d}"


def to_english_when(text: str, lex: Lexicon) -> str:
    """The text with its clock times, date words and weekdays written as English phrases."""
    for pattern in lex.time_patterns:

        def clock(m: re.Match[str]) -> str:
            word = (m.group("dp") or "").lower()
            minute = int(m.group("m") or 0)
            return f" at {_hour24(int(m.group('h')), minute, lex.dayparts.get(word))} "

        text = pattern.sub(clock, text)
    for pattern, english in lex.date_words:
        text = pattern.sub(f" {english} ", text)
    for pattern, english in lex.weekdays:
        text = pattern.sub(f" {english} ", text)
    return squash(text)


def _find_command(text: str, lex: Lexicon, kinds: tuple[str, ...]) -> tuple[str, re.Match[str]] | None:
    best: tuple[str, re.Match[str]] | None = None
    for kind in kinds:
        for phrase in lex.commands.get(kind, []):
            m = re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, _FLAGS)
            if m and (best is None or len(m.group(0)) > len(best[1].group(0))):
                best = (kind, m)
        if best is not None:
            return best
    return None


def _opens_with(text: str, lex: Lexicon, kind: str) -> bool:
    """Whether the text begins with one of the language's phrases of that kind of command."""
    found = _find_command(text, lex, (kind,))
    return found is not None and not text[: found[1].start()].strip()


def _trim(text: str, lex: Lexicon) -> str:
    tokens = text.split()
    while tokens and tokens[-1].lower().strip(",.;:!?¿¡") in lex.title_trim:
        tokens.pop()
    while tokens and tokens[0].lower().strip(",.;:!?¿¡") in lex.title_trim:
        tokens.pop(0)
    return squash(" ".join(tokens)).strip(" ,.;:!?¿¡")


def _target(text: str, lex: Lexicon) -> str:
    """A task reference: the words that can name a task, or "it" for a pronoun."""
    words = [w for w in _WORD.findall(text)]
    kept = [w for w in words if w.lower() not in lex.stopwords and w.lower() not in lex.pronouns]
    if not kept:
        return "it"
    if len(kept) == 1 and kept[0].lower() in lex.ordinals:  # "borra la segunda": a position in the list shown
        return f"the {lex.ordinals[kept[0].lower()]} one"
    return " ".join(kept)


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with those spans (they may overlap) blanked out, each character by a space."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _cut(text: str, spans: list[tuple[int, int]]) -> str:
    """The text without those spans."""
    return squash(_blank(text, spans))


def _priority(text: str, lex: Lexicon) -> tuple[str | None, str, bool]:
    """The priority the text gives, the text without it, and whether it was said as a fact about a task:
    denied ("ya no es urgente", "zaroori nahi": a denied high is low) or stated ("es urgente")."""
    for pattern in (lex.priority_negation, lex.priority_statement):
        m = pattern.search(text) if pattern is not None else None
        if m is not None:
            level: str | None = lex.priority_words.get(m.group("word").lower())
            if pattern is lex.priority_negation:
                level = "low" if level == "high" else None
            return level, _cut(text, [m.span()]), True
    for phrase in sorted(lex.priority_words, key=len, reverse=True):
        found = re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, _FLAGS)
        if found:
            return lex.priority_words[phrase], text[: found.start()] + " " + text[found.end() :], False
    return None, text, False


def _fields(text: str, lex: Lexicon, now: Now) -> tuple[Fields, str, bool]:
    """The fields the text gives, the words left, and whether its priority was said as a fact (see `_priority`)."""
    priority, text, stated = _priority(text, lex)
    found, rest = extract_fields(to_english_when(text, lex), now, description=False)
    if priority:
        found.priority = priority
    leftover = [w for w in rest.split() if w.lower() not in _ENGLISH_WHEN]
    return found, " ".join(leftover), stated


def _list_phrases(text: str, lex: Lexicon) -> tuple[list[str], str]:
    """The English of the language's list phrases in the text ("con la etiqueta casa": "tagged casa"), and the
    text without them."""
    english: list[str] = []
    spans: list[tuple[int, int]] = []
    for pattern, meaning in lex.list_phrases:
        for m in pattern.finditer(_blank(text, spans)):
            english.append(m.expand(meaning).lower())
            spans.append(m.span())
    return english, _cut(text, spans) if spans else text


def _asks_for_list(bare: str, lex: Lexicon, question: bool, first: str) -> bool:
    """Whether a message with a list phrase ("¿qué he terminado?", "las tareas con la etiqueta casa") is a list
    request: no other command is left beside the phrase, and it is a question or has nothing else to say."""
    english, rest = _list_phrases(bare, lex)
    if not english or _find_command(rest, lex, ("add", "update", "delete", "complete")) is not None:
        return False
    if question or first in lex.question_words:
        return True
    words = _WORD.findall(to_english_when(rest.lower(), lex))
    return all(w in lex.stopwords or w in lex.list_words or w in _ENGLISH_WHEN for w in words)


def _list_query(text: str, lex: Lexicon, now: Now, code: str) -> Intent:
    kept, text = _list_phrases(text.lower(), lex)
    english = to_english_when(text, lex)
    for word in re.findall(r"[^\W_]+", english):
        if word in lex.list_words:
            kept.append(lex.list_words[word])
        elif word in _ENGLISH_WHEN or word == "overdue":
            kept.append(word)
    return Intent(kind=LIST, query=parse_list_query("show tasks " + " ".join(kept), now), lang=code)


def _means_all(text: str, lex: Lexicon) -> bool:
    """Whether the words are nothing but "all" and stop words ("todas mis tareas", "saare kaam")."""
    words = [w.lower() for w in _WORD.findall(text)]
    return any(w in lex.all_words for w in words) and all(w in lex.all_words or w in lex.stopwords for w in words)


def _phrase_spans(text: str, phrases: list[str]) -> list[tuple[int, int]]:
    return [m.span() for phrase in phrases for m in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, _FLAGS)]


def _shift(text: str, lex: Lexicon, command: re.Match[str] | None) -> Intent | None:
    """A move by an amount of time ("retrasa X una hora", "adelanta X media hora", "X do ghante baad kar do"):
    the amount with a word that says later or earlier (the last one said wins); None without both."""
    amount = lex.shift_amount.search(text) if lex.shift_amount is not None else None
    if amount is None:
        return None
    later = [s for s in _phrase_spans(text, lex.shift_later) if s[1] <= amount.start() or s[0] >= amount.end()]
    earlier = [s for s in _phrase_spans(text, lex.shift_earlier) if s[1] <= amount.start() or s[0] >= amount.end()]
    if not later and not earlier:
        return None
    sign = 1 if max((s[0] for s in later), default=-1) > max((s[0] for s in earlier), default=-1) else -1
    number = amount.group("n").lower()
    value = lex.numbers[number] if number in lex.numbers else float(number.replace(",", "."))
    if amount.group("half"):
        value += 0.5
    minutes = sign * round(value * lex.units[amount.group("unit").lower()])
    spans = [amount.span(), *later, *earlier, *([command.span()] if command is not None else [])]
    target = _target(_cut(text, spans), lex)
    if minutes % (24 * 60) == 0:
        return Intent(kind=UPDATE, target=target, shift_days=minutes // (24 * 60), lang=lex.code)
    return Intent(kind=UPDATE, target=target, shift_minutes=minutes, lang=lex.code)


def parse_foreign(message: str, code: str, now: Now) -> Intent | None:
    """Read a message in that language; None when it is not a task request."""
    lex = lexicon(code)
    text = normalize_digits(message).strip()
    bare = text.strip(" ¿?¡!.")
    question = "?" in text or "؟" in text
    first = (_WORD.findall(bare.lower()) or [""])[0]
    cleared = _find_command(bare, lex, ("clear_date", "clear_time"))  # before "quita": "quítale la fecha a X"
    if cleared is not None:
        phrase = cleared[1]
        fields = ["due_time"] if cleared[0] == "clear_time" else ["due_date", "due_time"]
        target = _target(bare[: phrase.start()] + " " + bare[phrase.end() :], lex)
        return Intent(kind=UPDATE, target=target, clear=fields, lang=code)
    if _asks_for_list(bare, lex, question, first):
        return _list_query(bare, lex, now, code)
    if first in lex.statement_adds and not question and (planned := _planned(bare[len(first):], lex, now)):
        return planned
    command = _find_command(bare, lex, ("complete", "delete"))
    said_done = first not in lex.question_words and any(p.match(bare) for p in lex.done_patterns)  # not "qué ..."
    if command is None and not question and said_done:
        return Intent(kind=COMPLETE, target=_target(bare, lex), lang=code)
    opens_with_add = _opens_with(bare, lex, "add")  # "tengo que ..." adds; "tengo algo ...?" asks
    if command is None and (question or (first in lex.question_words and not opens_with_add)):
        return _list_query(bare, lex, now, code)
    if command is None:
        command = _find_command(bare, lex, ("add", "update", "list"))
    kind, m = command if command else ("", None)
    rest = bare if m is None else bare[: m.start()] + " " + bare[m.end() :]
    if kind == "list":
        return _list_query(bare, lex, now, code)
    if kind == "delete" and _means_all(rest, lex):  # "borra todas mis tareas": everything, after a confirmation
        return Intent(kind=DELETE_ALL, lang=code)
    if kind in ("complete", "delete"):
        target = _target(rest, lex)
        return Intent(kind=COMPLETE if kind == "complete" else DELETE, target=target, lang=code)
    if kind in ("update", "") and not question and (shift := _shift(bare, lex, m)) is not None:
        return shift
    found, leftover, stated = _fields(rest, lex, now)
    if kind == "update":
        if not found.priority and m is not None:  # "sube la prioridad de X": the command says the level
            found.priority = _priority(m.group(0), lex)[0]
        if not found.any():
            return None
        return Intent(kind=UPDATE, target=_target(leftover, lex), fields=found, lang=code)
    if not kind and stated and found.priority and not (found.due_date or found.due_time or found.recurrence):
        return Intent(kind=UPDATE, target=_target(leftover, lex), fields=found, lang=code)  # "X ya no es urgente"
    endings = lex.add_endings
    statement = bool(endings) and bare.split()[-1].lower() in endings if bare.split() else False
    if kind == "add" or statement or (found.due_date is not None and not question):
        title = _trim(leftover, lex)
        if not title:
            return Intent(kind=ADD, lang=code)
        return Intent(kind=ADD, title=title[:200], fields=found, lang=code)
    return None


def _planned(text: str, lex: Lexicon, now: Now) -> Intent | None:
    """A dated statement of a plan ("tengo cita con el médico el 15") as a task; None without a date or a
    title that is not a list word ("tengo algo mañana" stays a question)."""
    found, leftover, _stated = _fields(text, lex, now)
    title = _trim(leftover, lex)
    words = _WORD.findall(title.lower())
    if not (found.due_date or found.due_time) or not words or set(words) <= set(lex.list_words) | _VAGUE:
        return None
    return Intent(kind=ADD, title=title[:200], fields=found, lang=lex.code)


_VAGUE = frozenset({"algo", "nada", "mucho", "tareas", "tarea", "pendiente", "pendientes", "planes", "plan", "que",
                    "hacer", "qué", "libre", "tiempo"})


def _own_request(piece: str, lex: Lexicon, now: Now) -> bool:
    """Whether a piece reads as a request of its own: a command, the language's mark of one, or a date of its own
    with a statement's ending ("kal subah 11 baje school ki meeting hai")."""
    bare = piece.strip(" ,.;:!?¿¡")
    if _find_command(bare, lex, ("add",)) is not None:
        return True
    starts = lex.request_start is not None and lex.request_start.search(bare) is not None
    ends = lex.request_end is not None and lex.request_end.search(bare) is not None
    if starts or ends:
        return True
    words = bare.split()
    if not words or words[-1].lower() not in lex.add_endings:
        return False
    found, _leftover, _stated = _fields(bare, lex, now)
    return bool(found.due_date or found.due_time)


def split_foreign(message: str, code: str, now: Now) -> list[Intent] | None:
    """Several things to add in one message ("añade pasear al perro y comprar croquetas"), or None.

    The message is cut at the language's joiners and at commas, and only where the piece after it reads as a
    request of its own (see `_own_request`), so "comprar pan y leche" stays one task. A piece
    without a command of its own takes the first piece's ("añade").
    """
    lex = lexicon(code)
    if not lex.joiners:
        return None
    text = normalize_digits(message).strip()
    joiner = "|".join(re.escape(j) for j in lex.joiners)
    parts = re.split(rf"(\s*,?\s+(?:{joiner})\s+|\s*,\s*)", text, flags=_FLAGS)
    pieces = [parts[0]]
    for index in range(1, len(parts) - 1, 2):
        joined, part = parts[index], parts[index + 1]
        if _own_request(part, lex, now) and (lex.request_end is None or _own_request(pieces[-1], lex, now)):
            pieces.append(part)
        else:
            pieces[-1] += joined + part
    if len(pieces) < 2:
        return None
    first = _find_command(pieces[0], lex, ("add",))
    intents = []
    for piece in pieces:
        intent = parse_foreign(piece, code, now)
        if (intent is None or intent.kind != ADD) and first is not None:
            intent = parse_foreign(f"{first[1].group(0)} {piece}", code, now)
        if intent is None or intent.kind != ADD or not intent.title:
            return None
        intents.append(intent)
    return intents
