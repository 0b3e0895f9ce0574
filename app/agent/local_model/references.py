"""How a message points at a task (id, position, pronoun, title words) and which task it is."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from .conversation import Conversation, Task
from .text import NUMBER_RE, ORDINALS, content_stems, number_value

_I = re.IGNORECASE
_ID = re.compile(
    r"(?:\b(?:tasks?|items?|todos?|to-dos?|numbers?|no\.?|ids?|#)\s*(?:number\s*|no\.?\s*)?#?\s*|#)(\d+)\b|^\s*(\d+)\s*$",
    _I,
)
_MORE_IDS = re.compile(r"(?:\s*(?:,|and|&|\+)\s*(?:(?:tasks?|items?|numbers?)\s*)?#?\s*)(\d+)\b", _I)
_ORD = "|".join(sorted(ORDINALS, key=len, reverse=True))
_POSITION = re.compile(
    rf"^(?:the\s+|my\s+)?(?:very\s+)?(?P<ord>{_ORD}|last|final|top|bottom|latter|former|middle)\s*(?:one|task|item|todo|entry)?(?:\s+(?:on|in|from)\s+(?:the|my|that)\s+list)?(?:\s+you\s+(?:showed|listed|mentioned))?$",
    _I,
)
MIDDLE = -2
"""The position of "the middle one" (of an even list, the earlier of the two middle ones)."""
_PRONOUN = re.compile(
    r"^(?:it|that|this|them|those|these|the\s+same|that\s+one|this\s+one|(?:that|this|the|same)\s+(?:task|item|todo|reminder|one)"
    r"|the\s+one\s+(?:i|you|we)\s+just\s+\w+|the\s+(?:last|latest|newest|new|most\s+recent|previous)\s*(?:task|one|item|todo)?\s*(?:(?:i|you|we)\s+(?:just\s+)?(?:added|created|made|mentioned))?"
    r"|(?:the\s+)?(?:task|one|item)\s+(?:i|you|we)\s+just\s+(?:added|created|made|mentioned))$",
    _I,
)


@dataclass
class Reference:
    """A task reference as written by the user."""

    phrase: str
    """The phrase as written."""
    task_id: int | None = None
    """An explicit task id ("task 3", "#3")."""
    task_ids: list[int] = field(default_factory=list)
    """Every id named ("tasks 2 and 3"), the first being task_id."""
    position: int | None = None
    """A 1-based position in the last list shown; -1 for "the last one"."""
    pronoun: bool = False
    """Whether it is a pronoun ("it", "that one") for the task last spoken about."""
    stems: list[str] = field(default_factory=list)
    """Meaningful word stems of the phrase, for title matching."""


def parse_reference(phrase: str) -> Reference:
    """Classify a reference phrase."""
    phrase = phrase.strip().strip(" \"'.,!?")
    ref = Reference(phrase=phrase)
    m = _ID.search(phrase)
    if m:
        ref.task_id = int(m.group(1) or m.group(2))
        ref.task_ids = [ref.task_id]
        position = m.end()
        while more := _MORE_IDS.match(phrase, position):
            ref.task_ids.append(int(more.group(1)))
            position = more.end()
        return ref
    m = _POSITION.match(phrase)
    if m:
        word = m.group("ord").lower()
        last = word in ("last", "final", "bottom", "latter")
        ref.position = -1 if last else MIDDLE if word == "middle" else ORDINALS.get(word, 1)
        return ref
    if _PRONOUN.match(phrase) or not phrase:
        ref.pronoun = True
        return ref
    ref.stems = content_stems(phrase)
    if not ref.stems:
        ref.pronoun = True
    return ref


def recent_task(conversation: Conversation) -> Task | None:
    """The task spoken about last: the latest one added, changed, completed or singly listed."""
    for exchange in conversation.exchanges_newest_first():
        if exchange.output is None or exchange.failed:
            continue
        tasks = exchange.tasks()
        if exchange.name in ("add_task", "update_task", "complete_task") and tasks:
            return tasks[0]
        if exchange.name == "list_tasks" and len(tasks) == 1:
            return tasks[0]
    return None


def _similar(a: str, b: str) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a)):
        return True
    if len(a) >= 5 and len(b) >= 5 and a[0] == b[0] and abs(len(a) - len(b)) <= 2:
        return SequenceMatcher(None, a, b).ratio() >= 0.8
    return False


@dataclass
class Scored:
    """A candidate task with how well its title fits the words."""

    task: Task
    """The task."""
    coverage: float
    """Share of the user's words found in the title."""
    precision: float
    """Share of the title's words the user said."""


def _within(said: str, word: str) -> bool:
    """Similar, or one word inside the other ("grout" in "regrout", "paint" in "repainting")."""
    return _similar(said, word) or (len(said) >= 5 and said in word) or (len(word) >= 5 and word in said)


def _same(said: str, word: str) -> bool:
    """The same word, or one the start of the other (a stem): no spelling or containment guessed."""
    return said == word or (min(len(said), len(word)) >= 4 and (said.startswith(word) or word.startswith(said)))


def score_tasks(stems: list[str], tasks: list[Task], alike: Callable[[str, str], bool] | None = None) -> list[Scored]:
    """Score every task whose title shares a word with the reference (words `alike`: by default similar)."""
    alike = alike or _similar
    scored = []
    for task in tasks:
        title = content_stems(str(task.get("title") or ""))
        if not title or not stems:
            continue
        hits = sum(1 for s in stems if any(alike(s, t) for t in title))
        if not hits:
            continue
        covered = sum(1 for t in title if any(alike(s, t) for s in stems))
        scored.append(Scored(task=task, coverage=hits / len(stems), precision=covered / len(title)))
    return scored


def best_matches(stems: list[str], tasks: list[Task], prefer_completed: bool | None = None) -> list[Task]:
    """The tasks a title reference most likely means: one, several (ambiguous) or none.

    A task must hold at least half of the user's words (the same, misspelt, or inside a title word: "grout" in
    "regrout"). Among the best-covered, those matched by the very words said win over guesses, and a task whose
    whole title was said wins outright; otherwise all of them are returned and the caller asks.
    prefer_completed narrows a tie to pending (False) or completed (True) tasks when possible.
    """
    scored = [s for s in score_tasks(stems, tasks, _within) if s.coverage >= 0.5]
    if not scored:
        return []
    top = max(s.coverage for s in scored)
    best = [s for s in scored if s.coverage == top]
    if len(best) > 1:  # a title with the very words said beats one matched by a guessed spelling or a part
        said = {id(s.task) for s in score_tasks(stems, [b.task for b in best], _same) if s.coverage == top}
        best = [s for s in best if id(s.task) in said] or best
    if len(best) > 1 and prefer_completed is not None:
        preferred = [s for s in best if bool(s.task.get("completed")) == prefer_completed]
        if preferred:
            best = preferred
    if len(best) > 1:
        exact = [s for s in best if s.precision == 1.0]
        if len(exact) == 1:
            best = exact
    return [s.task for s in best]


_SEVERAL_POSITIONS = re.compile(
    rf"^(?:the\s+|my\s+)?(?P<end>first|top|last|bottom|final)\s+(?P<n>{NUMBER_RE})(?:\s+(?:ones|tasks|items|todos))?"
    r"(?:\s+(?:on|in|from)\s+(?:the|my|that)\s+list)?$",
    _I,
)


def several_positions(target: str, shown: int) -> str | None:
    """ "the last two" / "the first 3" of a list of `shown` tasks, as their positions ("4 and 5"), or None."""
    m = _SEVERAL_POSITIONS.match(target.strip())
    count = number_value(m.group("n")) if m else None
    if m is None or not count or not 2 <= count <= shown:
        return None
    first = 1 if m.group("end").lower() in ("first", "top") else shown - count + 1
    return " and ".join(str(p) for p in range(first, first + count))


def pick_position(position: int, shown: list[Task]) -> Task | None:
    """The task at a 1-based position (or -1, the last; `MIDDLE`, the middle) of a shown list."""
    if not shown:
        return None
    index = len(shown) - 1 if position == -1 else (len(shown) - 1) // 2 if position == MIDDLE else position - 1
    return shown[index] if 0 <= index < len(shown) else None
