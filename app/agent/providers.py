"""Which model answers: the embedded local model, OpenAI, or any OpenAI-compatible server."""

from __future__ import annotations

from typing import Any

from agents.models.interface import Model
from agents.models.openai_chatcompletions import OpenAIChatCompletionsModel
from agents.models.openai_responses import OpenAIResponsesModel
from openai import AsyncOpenAI

from app.agent.deadline import BoundedModel, Limits, client_retries, request_timeout
from app.agent.local_model import LocalModel

_cache: dict[tuple[Any, ...], Model] = {}


def model_for(settings: dict[str, Any]) -> Model:
    """The model named by the app settings (`TODO_MODEL`, `OPENAI_*`, slow-model delays), built once.

    It is held to the first-token limit and the turn deadline (`agent.deadline.BoundedModel`).
    """
    name = settings.get("TODO_MODEL") or "local"
    api = settings.get("OPENAI_API") or ("chat_completions" if settings.get("OPENAI_BASE_URL") else "responses")
    key = (name, settings.get("OPENAI_API_KEY"), settings.get("OPENAI_BASE_URL"), api,
           settings.get("SLOW_MODEL_FIRST_TOKEN_MS", 0), settings.get("SLOW_MODEL_TOKEN_MS", 0),
           settings.get("MODEL_TIMEOUT_SECONDS", 60), Limits.from_settings(settings))
    if key not in _cache:
        _cache[key] = BoundedModel(_build(name, settings, api), Limits.from_settings(settings))
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
        max_retries=client_retries(Limits.from_settings(settings).first_token),
        timeout=request_timeout(settings),
    )
    if api == "chat_completions":
        return OpenAIChatCompletionsModel(model=name, openai_client=client)
    return OpenAIResponsesModel(model=name, openai_client=client)
