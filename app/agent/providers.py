"""Which model answers: the embedded local model, OpenAI, or any OpenAI-compatible server."""

from __future__ import annotations

from typing import Any

from agents.models.interface import Model
from agents.models.openai_chatcompletions import OpenAIChatCompletionsModel
from agents.models.openai_responses import OpenAIResponsesModel
from openai import AsyncOpenAI

from app.agent.deadline import BoundedModel, Limits, client_retries, request_timeout
from app.agent.local_model import LocalModel
from app.config import Config

_cache: dict[tuple[Any, ...], Model] = {}


def model_for(cfg: Config) -> Model:
    """The model the settings name (`model`, `openai_*`, slow-model delays), built once per distinct setting.

    It is held to the first-token limit and the turn deadline (`agent.deadline.BoundedModel`).
    """
    limits = Limits.from_config(cfg)
    key = (cfg.model, cfg.openai_api_key, cfg.openai_base_url, cfg.openai_api, cfg.slow_model_first_token_ms,
           cfg.slow_model_token_ms, cfg.model_timeout_seconds, limits)
    if key not in _cache:
        _cache[key] = BoundedModel(_build(cfg, limits), limits)
    return _cache[key]


def _build(cfg: Config, limits: Limits) -> Model:
    if cfg.model == "local":
        return LocalModel(
            first_token_delay=cfg.slow_model_first_token_ms / 1000,
            token_delay=cfg.slow_model_token_ms / 1000,
        )
    client = AsyncOpenAI(
        api_key=cfg.openai_api_key or "not-needed-for-local-servers",
        base_url=cfg.openai_base_url or None,
        max_retries=client_retries(limits.first_token),
        timeout=request_timeout(cfg.model_timeout_seconds, limits),
    )
    if cfg.openai_api == "chat_completions":
        return OpenAIChatCompletionsModel(model=cfg.model, openai_client=client)
    return OpenAIResponsesModel(model=cfg.model, openai_client=client)
