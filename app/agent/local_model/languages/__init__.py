"""Languages besides English: which one a message is in, and each language's vocabulary file.

A language's vocabulary (command words, date words, stop words, replies) lives in one JSON file
per language beside this module and is read the first time a message in that language (or one
the English grammar could not read) needs it, never at start-up. Weekday and month names come
from dateparser's own language data. The statistical detector is langdetect, loaded with only
the profiles of the languages spoken here.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

ENGLISH, SPANISH, URDU = "en", "es", "ur"
FOREIGN = (SPANISH, URDU)
_HERE = os.path.dirname(__file__)
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_SPANISH_LETTERS = re.compile(r"[ñáéíóú¿¡]", re.IGNORECASE)
_URDU_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass
class Lexicon:
    """One language's vocabulary, as read from its data file."""

    code: str
    """ISO 639-1 code."""
    markers: frozenset[str]
    """Common words that show a message is in this language."""
    commands: dict[str, list[str]]
    """Intent kind to its command phrases, longest first."""
    stopwords: frozenset[str]
    """Words that never name a task."""
    title_trim: frozenset[str]
    """Words trimmed from the ends of a title."""
    pronouns: frozenset[str]
    """Words that point at the task last spoken about."""
    question_words: frozenset[str]
    """Words that start or mark a question."""
    add_endings: frozenset[str]
    """Sentence endings that make a statement a thing to do ("... karna hai")."""
    dayparts: dict[str, str]
    """Part-of-day word to "am", "pm", "noon" or "night"."""
    time_patterns: list[re.Pattern[str]]
    """Clock-time phrases with groups h, m and dp (part of day)."""
    date_words: list[tuple[re.Pattern[str], str]]
    """Date phrases and their English equivalent, tried in order."""
    weekdays: list[tuple[re.Pattern[str], str]]
    """Weekday phrases and their English equivalent ("every monday", "next monday", "on monday"), tried in order."""
    list_words: dict[str, str]
    """Words of list questions and their English equivalent."""
    priority_words: dict[str, str]
    """Priority phrases and the level they mean."""
    replies: dict[str, Any]
    """Reply templates."""
    ordinals: dict[str, str] = field(default_factory=dict)
    """Ordinal words and the English ones ("segunda": "second"), for positions in a shown list."""
    joiners: list[str] = field(default_factory=list)
    """The words that join two requests in one message ("y", "aur"), longest first."""
    request_start: re.Pattern[str] | None = None
    """How a request of its own begins (a Spanish infinitive: "comprar ..."), if the language marks it there."""
    request_end: re.Pattern[str] | None = None
    """How a request of its own ends (an Urdu infinitive: "... lane hain"), if the language marks it there."""
    done_patterns: list[re.Pattern[str]] = field(default_factory=list)
    """Sentence shapes that say a task was done ("ya compré ...": a first-person past tense)."""
    replies_script: dict[str, Any] = field(default_factory=dict)
    """Reply templates for the language's other script (Urdu in Nastaliq), if any."""
    statement_adds: frozenset[str] = frozenset()
    """Words that open a statement of something planned ("tengo cita ... el 15"), which adds it when it has a date."""
    command_words: frozenset[str] = frozenset()
    """First words of the command phrases that are not English words ("borra", "añade")."""
    all_words: frozenset[str] = frozenset()
    """Words meaning "all" ("todas", "saare"): a delete of nothing but these (and stop words) deletes everything."""
    list_phrases: list[tuple[re.Pattern[str], str]] = field(default_factory=list)
    """Phrases of list questions and their English equivalent (groups allowed: "etiqueta (\\w+)" -> "tagged \\1")."""
    priority_negation: re.Pattern[str] | None = None
    """How a priority word is denied around it ("no es urgente", "zaroori nahi"), with the word as {priority}."""
    priority_statement: re.Pattern[str] | None = None
    """How a priority is said as a fact about a task ("X es urgente"), with the word as {priority}."""
    shift_later: list[str] = field(default_factory=list)
    """Words that move a task later by an amount ("retrasa", "late"), longest first."""
    shift_earlier: list[str] = field(default_factory=list)
    """Words that move a task earlier by an amount ("adelanta", "pehle"), longest first."""
    shift_amount: re.Pattern[str] | None = None
    """An amount of time, with groups n (a number or number word), unit and half ("y media", optional)."""
    numbers: dict[str, float] = field(default_factory=dict)
    """Number words and their value ("dos": 2, "media": 0.5)."""
    units: dict[str, int] = field(default_factory=dict)
    """Time unit words and their length in minutes."""


def _phrase_pattern(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _weekday_names(code: str, extra: dict[str, list[str]]) -> dict[str, list[str]]:
    """Weekday names from dateparser's data for the language, plus the file's own (Roman script)."""
    from importlib import import_module

    names: dict[str, list[str]] = {day: list(extra.get(day, [])) for day in extra}
    try:
        info = import_module(f"dateparser.data.date_translation_data.{code}").info
    except (ImportError, AttributeError):
        info = {}
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"):
        names.setdefault(day, [])
        names[day] += [n.lower() for n in info.get(day, []) if len(n) >= 3]
    return names


def _command_words(commands: dict[str, list[str]]) -> frozenset[str]:
    """First words of the command phrases that are not English words too ("delete kar do")."""
    from ..english import ENGLISH

    firsts = {p.split()[0].lower() for phrases in commands.values() for p in phrases}
    return frozenset(w for w in firsts if w not in ENGLISH.vocabulary)


@cache
def lexicon(code: str) -> Lexicon:
    """The vocabulary of a language (read once, on first use)."""
    with open(os.path.join(_HERE, f"{code}.json"), encoding="utf-8") as handle:
        raw = json.load(handle)
    flags = re.IGNORECASE | re.UNICODE
    weekdays = []
    shapes = [(prefix, suffix, english) for key, english in (("every_weekday", "every"), ("next_weekday", "next"))
              for prefix, suffix in raw.get(key, [])]
    shapes.append((raw.get("weekday_prefix", ""), raw.get("weekday_suffix", ""), "on"))
    names_of = _weekday_names(code, raw.get("weekdays", {}))
    for prefix, suffix, english in shapes:  # "every monday" and "next monday" before a plain "on monday"
        for day, names in names_of.items():
            if names:
                pattern = rf"(?<!\w){prefix}(?:{_phrase_pattern(names)})(?!\w){suffix}"
                weekdays.append((re.compile(pattern, flags), f"{english} {day}"))
    commands = {kind: sorted(phrases, key=len, reverse=True) for kind, phrases in raw["commands"].items()}
    weekday_names = _phrase_pattern([n for names in names_of.values() for n in names])
    shift = raw.get("shift", {})
    numbers, units = shift.get("numbers", {}), shift.get("units", {})
    amount = None
    if units:  # "dos horas", "media hora", "una hora y media", "ek ghanta", "30 minutos"
        number = rf"\d+(?:[.,]\d+)?|{_phrase_pattern(list(numbers))}" if numbers else r"\d+(?:[.,]\d+)?"
        half = shift.get("and_a_half") or "(?!)"
        amount = re.compile(rf"(?<!\w)(?P<n>{number})\s*(?P<unit>{_phrase_pattern(list(units))})(?!\w)"
                            rf"(?P<half>{half})?", flags)
    command_words = _command_words(commands)
    return Lexicon(
        code=code,
        markers=frozenset(raw.get("markers", [])) | command_words,
        commands=commands,
        stopwords=frozenset(raw.get("stopwords", [])),
        title_trim=frozenset(raw.get("title_trim", [])),
        pronouns=frozenset(raw.get("pronouns", [])),
        question_words=frozenset(raw.get("question_words", [])),
        add_endings=frozenset(raw.get("add_endings", [])),
        dayparts=raw.get("dayparts", {}),
        time_patterns=[re.compile(p, flags) for p in raw.get("time_patterns", [])],
        date_words=[(re.compile(p.replace("{weekday}", weekday_names), flags), en)
                    for p, en in raw.get("date_words", [])],
        weekdays=weekdays,
        list_words=raw.get("list_words", {}),
        priority_words=raw.get("priority_words", {}),
        replies=raw.get("replies", {}),
        replies_script=raw.get("replies_nastaliq", {}),
        done_patterns=[re.compile(p, flags) for p in raw.get("done_patterns", [])],
        joiners=sorted(raw.get("joiners", []), key=len, reverse=True),
        ordinals=raw.get("ordinals", {}),
        request_start=re.compile(raw["request_start"], flags) if raw.get("request_start") else None,
        request_end=re.compile(raw["request_end"], flags) if raw.get("request_end") else None,
        statement_adds=frozenset(raw.get("statement_adds", [])),
        command_words=command_words,
        all_words=frozenset(raw.get("all_words", [])),
        list_phrases=[(re.compile(p, flags), en) for p, en in raw.get("list_phrases", [])],
        priority_negation=_around_priority(raw.get("priority_negation"), raw.get("priority_words", {}), flags),
        priority_statement=_around_priority(raw.get("priority_statement"), raw.get("priority_words", {}), flags),
        shift_later=sorted(shift.get("later", []), key=len, reverse=True),
        shift_earlier=sorted(shift.get("earlier", []), key=len, reverse=True),
        shift_amount=amount,
        numbers=numbers,
        units=units,
    )


def _around_priority(pattern: str | None, words: dict[str, str], flags: int) -> re.Pattern[str] | None:
    """A pattern written around "{priority}", with the language's priority words in its place."""
    if not pattern:
        return None
    return re.compile(pattern.replace("{priority}", rf"(?<!\w)(?P<word>{_phrase_pattern(list(words))})(?!\w)"), flags)


@lru_cache(maxsize=1)
def _detector_factory() -> Any:
    """langdetect with only the profiles of the languages spoken here (loaded on first use)."""
    import langdetect
    from langdetect.detector_factory import DetectorFactory

    profiles = os.path.join(os.path.dirname(langdetect.__file__), "profiles")
    factory = DetectorFactory()
    factory.seed = 0
    jsons = []
    for code in (ENGLISH, *FOREIGN):
        with open(os.path.join(profiles, code), encoding="utf-8") as handle:
            jsons.append(handle.read())
    factory.load_json_profile(jsons)
    return factory


def _statistical(text: str) -> dict[str, float]:
    from langdetect.lang_detect_exception import LangDetectException

    detector = _detector_factory().create()
    detector.append(text)
    try:
        return {p.lang: p.prob for p in detector.get_probabilities()}
    except LangDetectException:
        return {}


def normalize_digits(text: str) -> str:
    """Urdu and Arabic-Indic digits as ASCII digits."""
    return text.translate(_URDU_DIGITS)


def is_nastaliq(text: str) -> bool:
    """Whether the text is written in the Arabic script (Urdu in Nastaliq)."""
    return _ARABIC_SCRIPT.search(text) is not None


def _marker_share(text: str, code: str) -> tuple[int, float]:
    tokens = [w.lower() for w in _WORD.findall(text)]
    if not tokens:
        return 0, 0.0
    markers = lexicon(code).markers
    hits = sum(1 for t in tokens if t in markers)
    return hits, hits / len(tokens)


def detect_language(text: str, *, english_understood: bool) -> str:
    """The language of a message: "en", "es" or "ur".

    Nastaliq script is Urdu. A message the English grammar understood stays English unless it
    has Spanish letters and reads as Spanish. Otherwise Roman Urdu is recognised by its common
    words (langdetect has no Roman Urdu profile), and Spanish by langdetect or, when the English grammar
    could not read it, by a Spanish command word at its start ("borra todas mis tareas": no accent to tell).
    """
    if is_nastaliq(text):
        return URDU
    spanish_letters = _SPANISH_LETTERS.search(text) is not None
    if english_understood and not spanish_letters:
        return ENGLISH
    if not english_understood and not spanish_letters:
        hits, share = _marker_share(text, URDU)
        tokens = [w.lower() for w in _WORD.findall(text)]
        endings = lexicon(URDU).add_endings
        infinitive = len(tokens) >= 2 and tokens[-1] in endings and tokens[-2].endswith(("na", "ni", "ne"))
        if (hits >= 2 and share >= 0.2) or infinitive:
            return URDU
    probabilities = _statistical(text)
    if probabilities.get(SPANISH, 0.0) >= (0.6 if spanish_letters else 0.8):
        hits, _share = _marker_share(text, SPANISH)
        if hits >= 1 or spanish_letters:
            return SPANISH
    first = next(iter(_WORD.findall(text.lower())), "")
    if not english_understood and first in lexicon(SPANISH).command_words:  # "borra todas mis tareas", "¿qué ...?"
        return SPANISH
    return ENGLISH
