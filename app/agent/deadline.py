"""Bounded model time: a time-to-first-token limit per model request and a deadline for the whole turn.

Every model (the embedded one and OpenAI's) is wrapped in `BoundedModel`. One model request
(a step of the turn) may wait `first_token` seconds for its first output; a request that has
said nothing by then is abandoned (its stream closed, so the HTTP request is cancelled) and
sent again, as long as the turn's deadline leaves time (`attempt_windows`). Every later event
of the step must come before the deadline too. Either limit ends the run with `ModelTimeout`,
a `TimeoutError`, which the turn lifecycle settles as a failed reply with its one retryable
wording (`conversations.turn.failure`).

Fast failures (429, 5xx) are retried by the OpenAI client itself, inside one window: it gets
only as many retries as its backoff fits in half a window (`client_retries`), and a request
timeout no longer than the deadline, so the number of HTTP attempts of one step is bounded:
at most `len(windows) * (client_retries + 1)`.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from agents.items import ModelResponse, TResponseStreamEvent
from agents.models.interface import Model

from app.config import Config

log = logging.getLogger(__name__)

MODEL_RETRIES = 3
"""At most this many retries of one model request, whatever the windows would allow."""
BACKOFF_START = 0.5
"""The OpenAI client's first retry delay (seconds); each next one doubles (openai._constants)."""
BACKOFF_MAX = 8.0
"""The OpenAI client's longest retry delay."""
PREAMBLE = frozenset({"response.created", "response.in_progress", "response.queued"})
"""Stream events that come before any output: they do not count as the first token."""

_turn_ends: contextvars.ContextVar[float | None] = contextvars.ContextVar("turn_ends", default=None)
"""Loop time at which the current turn's deadline passes (set by `start_turn`, copied into the run's tasks)."""


class ModelTimeout(TimeoutError):
    """The model did not start answering in time, or the turn passed its deadline."""


@dataclass(frozen=True)
class Limits:
    """How long a turn may wait for the model."""

    first_token: float
    """Seconds one model request may take to produce its first output (MODEL_FIRST_TOKEN_SECONDS)."""
    deadline: float
    """Seconds the whole turn may take, retries included (TURN_DEADLINE_SECONDS)."""
    retries: int = MODEL_RETRIES
    """Most times a stalled request is sent again."""

    @classmethod
    def from_config(cls, cfg: Config) -> Limits:
        """The limits the app's settings name: the one place they are read (their defaults live in `Config`)."""
        return cls(first_token=cfg.model_first_token_seconds, deadline=cfg.turn_deadline_seconds)


def attempt_windows(limits: Limits, remaining: float) -> list[float]:
    """How long each attempt of one model request may wait for its first output, with `remaining` seconds left.

    Each window is the first-token limit, the last one cut to what the deadline leaves; never more than
    `1 + retries` windows, and none when the deadline has passed.
    """
    windows: list[float] = []
    while remaining > 0 and len(windows) <= limits.retries:
        window = min(limits.first_token, remaining)
        windows.append(window)
        remaining -= window
    return windows


def client_retries(first_token: float, most: int = MODEL_RETRIES) -> int:
    """Retries of fast failures the OpenAI client may make in one window: its backoffs must fit in half of it."""
    retries, waited = 0, 0.0
    while retries < most:
        delay = min(BACKOFF_START * 2**retries, BACKOFF_MAX)
        if waited + delay > first_token / 2:
            break
        retries, waited = retries + 1, waited + delay
    return retries


def request_timeout(model_timeout: float, limits: Limits) -> float:
    """The OpenAI client's timeout for one HTTP request: `model_timeout` (MODEL_TIMEOUT_SECONDS), never past the
    turn's deadline."""
    return min(float(model_timeout), limits.deadline)


def start_turn(limits: Limits) -> contextvars.Token[float | None]:
    """Start the turn's clock (on the loop, before the run starts: its tasks copy the context)."""
    return _turn_ends.set(asyncio.get_running_loop().time() + limits.deadline)


def turn_ends() -> float | None:
    """Loop time (`time.monotonic()`) at which the current turn's deadline passes; None outside a turn."""
    return _turn_ends.get()


def end_turn(token: contextvars.Token[float | None]) -> None:
    """Forget the turn's clock."""
    _turn_ends.reset(token)


def _remaining(limits: Limits) -> tuple[float, float]:
    """(loop time the turn ends, seconds left); a model called outside a turn gets a whole deadline."""
    now = asyncio.get_running_loop().time()
    ends = _turn_ends.get()
    if ends is None:
        ends = now + limits.deadline
    return ends, ends - now


async def _close(stream: AsyncIterator[Any]) -> None:
    aclose = getattr(stream, "aclose", None)
    if aclose is not None:
        try:
            await aclose()
        except Exception:  # a stream failing while it is abandoned changes nothing
            log.debug("closing an abandoned model stream failed", exc_info=True)


class BoundedModel(Model):
    """A model whose every request is held to the first-token limit and the turn's deadline."""

    def __init__(self, inner: Model, limits: Limits) -> None:
        self.inner = inner
        """The model that answers."""
        self.limits = limits
        """The limits it is held to."""

    async def get_response(self, *args: Any, **kwargs: Any) -> ModelResponse:
        """A whole (non-streamed) answer, before the deadline."""
        ends, remaining = _remaining(self.limits)
        if remaining <= 0:
            raise ModelTimeout("the turn passed its deadline")
        try:
            async with asyncio.timeout_at(ends):
                return await self.inner.get_response(*args, **kwargs)
        except TimeoutError as err:
            raise ModelTimeout("the model did not answer before the turn's deadline") from err

    async def stream_response(self, *args: Any, **kwargs: Any) -> AsyncIterator[TResponseStreamEvent]:
        """The inner model's stream once it has started answering; stalled attempts are sent again."""
        ends, remaining = _remaining(self.limits)
        windows = attempt_windows(self.limits, remaining)
        for attempt, window in enumerate(windows, 1):
            stream = aiter(self.inner.stream_response(*args, **kwargs))
            held: list[TResponseStreamEvent] = []
            timer = asyncio.timeout(window)
            try:
                async with timer:
                    first = await self._first_output(stream, held)
            except Exception:
                # Whatever the cancelled request raised (TimeoutError, or a client's own error for
                # being cancelled), an expired window means a stalled attempt; anything else is real.
                await _close(stream)
                if not timer.expired():
                    raise
                log.warning("model request %d of %d gave no output within %.1f s", attempt, len(windows), window)
                continue
            except BaseException:
                await _close(stream)
                raise
            try:
                for event in held:
                    yield event
                if first is None:
                    return
                yield first
                while True:
                    try:
                        async with asyncio.timeout_at(ends):
                            event = await anext(stream)
                    except StopAsyncIteration:
                        return
                    except TimeoutError as err:
                        raise ModelTimeout("the turn passed its deadline while the model was answering") from err
                    yield event
            finally:
                await _close(stream)
        raise ModelTimeout(f"the model gave no output in {len(windows)} attempt(s) of at most "
                           f"{self.limits.first_token:g} s")

    @staticmethod
    async def _first_output(stream: AsyncIterator[TResponseStreamEvent],
                            held: list[TResponseStreamEvent]) -> TResponseStreamEvent | None:
        """The stream's first real output (None when it ends without any); earlier events go to `held`."""
        async for event in stream:
            if getattr(event, "type", "") in PREAMBLE:
                held.append(event)
                continue
            return event
        return None

    async def close(self) -> None:
        await self.inner.close()
