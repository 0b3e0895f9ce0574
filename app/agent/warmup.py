"""A worker's start-up work that its first chat turn would otherwise pay for.

On a fresh one-worker gunicorn the first /chat turn cost about 320 ms of CPU and grew the worker by
24 MB, later turns 10 to 20 ms: the embedded model loaded dateparser's language data, pydantic completed
the Responses event models it streams, the agent connected the in-process MCP client and converted
its tools, and that client imported `jsonschema` to check the first tool result against its output
schema. A user who met a fresh worker waited for all of it, and a memory reading taken between two
workers' first turns moved by that much. `warm_up_worker` does it once, before the worker accepts
requests (gunicorn's `post_worker_init`). Nothing of it reaches the network: with OpenAI the model is
a client object until a turn asks it something.
"""

from __future__ import annotations

import importlib
import logging

from app.agent.agent import prepare_agent
from app.agent.local_model.events import complete_response_models
from app.agent.providers import model_for
from app.agent.runtime import get_runtime
from app.config import Config

log = logging.getLogger(__name__)

WARM_UP_SECONDS = 30.0
"""How long a worker waits for its warm-up before it starts serving without it."""


def warm_up_worker(cfg: Config) -> None:
    """Build the configured model, complete the Responses models a turn streams, and build the model's agent and
    connect and convert its MCP tools on the loop thread.

    A failure is logged and left to the first turn, which does the same work when it needs it.
    """
    try:
        importlib.import_module("jsonschema")  # imported by the MCP client at its first tool result otherwise
        complete_response_models()
        get_runtime().run(prepare_agent(model_for(cfg)), timeout=WARM_UP_SECONDS)
    except Exception:
        log.exception("warm-up failed; the first chat turn will do it")
