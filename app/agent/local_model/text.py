"""Small text helpers: normalisation, tokens, a light stemmer and number words."""

from __future__ import annotations

import re
from functools import lru_cache

NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty-five": 45,
    "forty five": 45,
    "a couple of": 2,
    "a couple": 2,
    "couple of": 2,
    "a few": 3,
    "few": 3,
}
NUMBER_RE = (
    r"(?:\d+|a couple of|a couple|couple of|a few|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
)

ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "sixth": 6,
    "6th": 6,
    "seventh": 7,
    "7th": 7,
    "eighth": 8,
    "8th": 8,
    "ninth": 9,
    "9th": 9,
    "tenth": 10,
    "10th": 10,
}

_STOPWORDS_TEXT = """
    a an the my our your his her their its this that these those it them to for of on in at by with
    about from into onto up task tasks todo todos item items one ones thing things entry reminder
    reminders list please and or me i is are was be called named titled labelled labeled any some all
    just so as be been was were will would should can could
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

IRREGULAR = {
    "went": "go",
    "gone": "go",
    "did": "do",
    "done": "do",
    "bought": "buy",
    "paid": "pay",
    "wrote": "write",
    "written": "write",
    "sent": "send",
    "made": "make",
    "took": "take",
    "taken": "take",
    "ran": "run",
    "ate": "eat",
    "got": "get",
    "gave": "give",
    "given": "give",
    "met": "meet",
    "fed": "feed",
    "sold": "sell",
    "told": "tell",
    "found": "find",
    "brought": "bring",
    "taught": "teach",
    "caught": "catch",
    "left": "leave",
    "kept": "keep",
    "swept": "sweep",
    "drove": "drive",
    "driven": "drive",
    "rode": "ride",
    "spoke": "speak",
    "wore": "wear",
    "threw": "throw",
    "flew": "fly",
    "drew": "draw",
    "chose": "choose",
    "froze": "freeze",
    "hung": "hang",
    "built": "build",
    "spent": "spend",
    "lent": "lend",
    "sang": "sing",
    "began": "begin",
    "won": "win",
    "sat": "sit",
    "stood": "stand",
    "understood": "understand",
    "held": "hold",
    "heard": "hear",
    "read": "read",
    "put": "put",
    "set": "set",
    "cut": "cut",
    "shut": "shut",
    "children": "child",
    "people": "person",
    "men": "man",
    "women": "woman",
    "teeth": "tooth",
    "feet": "foot",
    "mice": "mouse",
}

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})
_WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_VOWELS = set("aeiouy")


_LABELLED = (
    (re.compile(r"(?<=\S)\s*[,;]?\s*\b(?:tags?|labels?)\s*[:=]\s*", re.IGNORECASE), " tagged "),
    (re.compile(r"(?<=\S)\s*[,;]?\s*\bpriority\s*[:=]\s*(high|medium|low|urgent)\b", re.IGNORECASE), r" \1 priority"),
    (re.compile(r"(?<=\S)\s*[,;]?\s*\b(?:due(?:\s+date)?|deadline)\s*[:=]\s*", re.IGNORECASE), " due "),
)
"""A field written as a form's label after the task ("..., tags: garden, shopping", "priority: high")."""


def normalize(text: str) -> str:
    """Straighten typographic quotes and dashes, collapse whitespace, and read labelled fields as words."""
    text = " ".join(text.translate(_QUOTES).split())
    for pattern, words in _LABELLED:
        text = pattern.sub(words, text)
    return text


def squash(text: str) -> str:
    """Collapse whitespace and trim spaces and stray separators at both ends."""
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    return text.strip(" ,;:-")


def words(text: str) -> list[str]:
    """Lower-case word tokens (apostrophes kept inside words, possessive 's dropped)."""
    out = []
    for token in _WORD_RE.findall(text.lower()):
        if token.endswith("'s"):
            token = token[:-2]
        out.append(token.replace("'", ""))
    return out


@lru_cache(maxsize=4096)
def stem(word: str) -> str:
    """A light suffix stemmer that maps inflections of one word to one key.

    "buying" and "buys" and "buy" share a key, so do "baked" and "bake", "groceries" and
    "grocery". It only has to be consistent, not linguistically exact.
    """
    word = word.lower()
    if word in IRREGULAR:
        word = IRREGULAR[word]
    if len(word) <= 3:
        return word
    if word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix):
            base = word[: -len(suffix)]
            if len(base) >= 3 and _VOWELS & set(base):
                word = base
                if suffix == "ed" and word.endswith("i"):
                    word = word[:-1] + "y"
            break
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in _VOWELS:
        word = word[:-1]
    return word


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry meaning (stopwords and filler dropped)."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]


def number_value(token: str) -> int | None:
    """The value of a digit string or a small number word ("two", "a couple of")."""
    token = " ".join(token.lower().split())
    if token.isdigit():
        return int(token)
    return NUMBER_WORDS.get(token)


def amount_value(token: str) -> float:
    """How many of a unit an amount says: "half an" 0.5, else `number_value`, else 1 ("an", "a few")."""
    if token.lower().lstrip().startswith("half"):
        return 0.5
    value = number_value(token)
    return 1.0 if value is None else float(value)


_UNIT_MINUTES = {"m": 1, "h": 60, "d": 24 * 60, "w": 7 * 24 * 60}


def minutes_per(unit: str) -> int:
    """Minutes in one unit as people write it: minute(s)/min(s)/m, hour(s)/hr(s)/h, day(s)/d, week(s)/w."""
    unit = unit.lower()
    return _UNIT_MINUTES["m" if unit.startswith("mi") else unit[:1]]
