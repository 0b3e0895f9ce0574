"""Read the Responses input items into turns of user text, tool exchanges and replies."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Task = dict[str, Any]


@dataclass
class Exchange:
    """One tool call made by the model and, once the Runner ran it, its output.

    Its arguments and output are parsed when first read: a continued conversation replays up to the
    history window of exchanges on every model step, and the planner looks at few of them."""

    call_id: str
    """The call id tying the call to its output."""
    name: str
    """Tool name."""
    raw_arguments: Any = None
    """The call's arguments as the input item gave them: JSON text or a mapping."""
    output: str | None = None
    """The output text, None while the tool has not answered."""

    @functools.cached_property
    def arguments(self) -> dict[str, Any]:
        """Parsed JSON arguments ({} when they are not a JSON object)."""
        return _arguments(self.raw_arguments)

    @functools.cached_property
    def data(self) -> dict[str, Any] | None:
        """The output parsed as a JSON object, None when it is not one (a tool error) or there is none yet."""
        return None if self.output is None else _parse_output(self.output)

    @property
    def failed(self) -> bool:
        """Whether the tool answered with an error text instead of JSON."""
        return self.output is not None and self.data is None

    def tasks(self) -> list[Task]:
        """The tasks the output carries ("tasks" list or single "task")."""
        if not self.data:
            return []
        if isinstance(self.data.get("tasks"), list):
            return [t for t in self.data["tasks"] if isinstance(t, dict)]
        task = self.data.get("task")
        return [task] if isinstance(task, dict) else []


@dataclass
class Turn:
    """A user message and what happened after it."""

    user: str
    """The user's message text."""
    exchanges: list[Exchange] = field(default_factory=list)
    """Tool calls of this turn, in order."""
    assistant: str = ""
    """The assistant's reply text ("" while the turn is running)."""

    def last(self, *names: str) -> Exchange | None:
        """The latest exchange with one of these tool names that has an output."""
        for exchange in reversed(self.exchanges):
            if exchange.name in names and exchange.output is not None:
                return exchange
        return None


@dataclass
class Conversation:
    """All turns; the last one is the turn being answered."""

    turns: list[Turn]
    """Turns, oldest first; never empty."""

    @property
    def current(self) -> Turn:
        """The turn being answered."""
        return self.turns[-1]

    @property
    def previous(self) -> Turn | None:
        """The turn before the current one."""
        return self.turns[-2] if len(self.turns) > 1 else None

    def exchanges_newest_first(self) -> Iterable[Exchange]:
        """Every exchange of the conversation, newest first."""
        for turn in reversed(self.turns):
            yield from reversed(turn.exchanges)


def _as_dict(item: Any) -> Mapping[str, Any]:
    if type(item) is dict:  # stored history and tool results: a plain dict, without the ABC's check
        return item
    if isinstance(item, Mapping):
        return item
    dump = getattr(item, "model_dump", None)
    if callable(dump):
        result = dump(exclude_unset=True)
        if isinstance(result, Mapping):
            return result
    return {}


def content_text(content: Any) -> str:
    """Plain text of a message content or tool output (str, part, list of parts)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, Mapping) or hasattr(content, "model_dump"):
        part = _as_dict(content)
        text = part.get("text", part.get("refusal", ""))
        return text if isinstance(text, str) else ""
    if isinstance(content, Iterable):
        return "".join(content_text(part) for part in content)
    return str(content)


def _parse_output(text: str) -> dict[str, Any] | None:
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        return None
    if isinstance(data, dict) and data.get("type") == "text" and isinstance(data.get("text"), str):
        return _parse_output(data["text"])
    if isinstance(data, list) and len(data) == 1:
        return _parse_output(content_text(data))
    return data if isinstance(data, dict) else None


def _arguments(raw: Any) -> dict[str, Any]:
    if isinstance(raw, Mapping):
        return dict(raw)
    try:
        data = json.loads(raw or "{}")
    except (TypeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


class ConversationReader:
    """Reads input items into turns, item by item (a user message starts one).

    A model step after tool calls gives the same items as the step before it and a few more; the embedded
    model's reply to its tool results (`after_tools`) reads only those, going on from where the step's
    reading stopped, instead of the whole conversation again (up to the history window)."""

    def __init__(self) -> None:
        self.turns: list[Turn] = []
        """The turns read so far, oldest first."""
        self._by_call: dict[str, Exchange] = {}

    def read(self, items: str | Iterable[Any]) -> ConversationReader:
        """Read more items (a string is one user message); returns the reader."""
        turns, by_call = self.turns, self._by_call
        if isinstance(items, str):
            turns.append(Turn(user=items))
            return self
        for raw in items:
            item = _as_dict(raw)
            kind = item.get("type")
            role = item.get("role")
            if kind == "function_call":
                if not turns:
                    turns.append(Turn(user=""))
                exchange = Exchange(
                    call_id=str(item.get("call_id", "")),
                    name=str(item.get("name", "")),
                    raw_arguments=item.get("arguments"),
                )
                turns[-1].exchanges.append(exchange)
                by_call[exchange.call_id] = exchange
            elif kind == "function_call_output":
                found = by_call.get(str(item.get("call_id", "")))
                if found is not None:
                    found.output = content_text(item.get("output"))
            elif role == "user":
                turns.append(Turn(user=content_text(item.get("content"))))
            elif role == "assistant":
                if not turns:
                    turns.append(Turn(user=""))
                text = content_text(item.get("content"))
                turns[-1].assistant = (turns[-1].assistant + " " + text).strip()
        return self

    def conversation(self) -> Conversation:
        """The conversation read so far (one empty turn when there was nothing to read)."""
        return Conversation(turns=self.turns or [Turn(user="")])


def read_conversation(items: str | Iterable[Any]) -> Conversation:
    """Group input items into turns (a user message starts one)."""
    return ConversationReader().read(items).conversation()
