"""Which model answers: the embedded local model, OpenAI, or any OpenAI-compatible server."""

from __future__ import annotations

from typing import Any

from agents.models.interface import Model
from agents.models.openai_chatcompletions import OpenAIChatCompletionsModel
from agents.models.openai_responses import OpenAIResponsesModel
from openai import AsyncOpenAI

from app.agent.local_model import LocalModel

MODEL_RETRIES = 3
"""Retries of a transient model failure (429, 5xx, timeouts, connection errors); the OpenAI client
backs off exponentially with jitter and honours Retry-After."""

_cache: dict[tuple[Any, ...], Model] = {}


def model_for(settings: dict[str, Any]) -> Model:
    """The model named by the app settings (`TODO_MODEL`, `OPENAI_*`, slow-model delays), built once."""
    name = settings.get("TODO_MODEL") or "local"
    api = settings.get("OPENAI_API") or ("chat_completions" if settings.get("OPENAI_BASE_URL") else "responses")
    key = (name, settings.get("OPENAI_API_KEY"), settings.get("OPENAI_BASE_URL"), api,
           settings.get("SLOW_MODEL_FIRST_TOKEN_MS", 0), settings.get("SLOW_MODEL_TOKEN_MS", 0),
           settings.get("MODEL_TIMEOUT_SECONDS", 60))
    if key not in _cache:
        _cache[key] = _build(name, settings, api)
    return _cache[key]


def _build(name: str, settings: dict[str, Any], api: str) -> Model:
    if name == "local":
        return LocalModel(
            first_token_delay=float(settings.get("SLOW_MODEL_FIRST_TOKEN_MS", 0)) / 1000,
            token_delay=float(settings.get("SLOW_MODEL_TOKEN_MS", 0)) / 1000,
        )
    client = AsyncOpenAI(
        api_key=settings.get("OPENAI_API_KEY") or "not-needed-for-local-servers",
        base_url=settings.get("OPENAI_BASE_URL") or None,
        max_retries=MODEL_RETRIES,
        timeout=float(settings.get("MODEL_TIMEOUT_SECONDS", 60)),
    )
    if api == "chat_completions":
        return OpenAIChatCompletionsModel(model=name, openai_client=client)
    return OpenAIResponsesModel(model=name, openai_client=client)
