"""An `agents.mcp.MCPServer` that reaches the app's MCP server in-process (no subprocess, no socket).

`mcp.Client(server)` dispatches straight into the server object; connecting costs well
under a millisecond after the first time, against over a second to spawn a stdio server.
The authenticated user travels out of band in each call's `_meta` (see tools.py).
"""

from __future__ import annotations

import re
from contextlib import AsyncExitStack
from typing import Any, cast

from agents.mcp import MCPServer as AgentsMCPServer
from agents.mcp.util import MCPToolMetaContext
from mcp import Client
from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult, GetPromptResult, ListPromptsResult, TextContent

from app.mcp.tools import USER_META_KEY

_ERROR_PREFIX = re.compile(r"^Error executing tool \w+: ")


def user_meta(context: MCPToolMetaContext) -> dict[str, Any]:
    """The `_meta` of every tool call: the user id from the run context, which the model cannot touch."""
    turn = context.run_context.context
    return {USER_META_KEY: turn.user_id}


class InProcessMCPServer(AgentsMCPServer):
    """The agents-side view of the in-process MCP server, connected for the length of one run."""

    def __init__(self, server: MCPServer) -> None:
        super().__init__(use_structured_content=True, tool_meta_resolver=user_meta)
        self._server = server
        self._stack: AsyncExitStack | None = None
        self._client: Client | None = None
        self._tools: list[Any] | None = None

    @property
    def name(self) -> str:
        return "todo-tasks"

    async def connect(self) -> None:
        stack = AsyncExitStack()
        self._client = await stack.enter_async_context(Client(self._server))
        self._stack = stack

    async def cleanup(self) -> None:
        if self._stack is not None:
            stack, self._stack, self._client = self._stack, None, None
            await stack.aclose()

    def _connected(self) -> Client:
        if self._client is None:
            raise RuntimeError("the in-process MCP server is not connected")
        return self._client

    async def list_tools(self, run_context: Any = None, agent: Any = None) -> list[Any]:
        if self._tools is None:
            self._tools = list((await self._connected().list_tools()).tools)
        return self._tools

    @property
    def cached_tools(self) -> list[Any] | None:
        return self._tools

    async def call_tool(
        self, tool_name: str, arguments: dict[str, Any] | None, meta: dict[str, Any] | None = None
    ) -> CallToolResult:
        result = await self._connected().call_tool(tool_name, arguments or {}, meta=cast(Any, meta))
        if result.is_error:
            # Hand the model the tool's own sentence ("no task 42"), without the SDK's prefix.
            content = [
                TextContent(type="text", text=_ERROR_PREFIX.sub("", c.text)) if isinstance(c, TextContent) else c
                for c in result.content
            ]
            result = result.model_copy(update={"content": content})
        return result

    async def list_prompts(self) -> ListPromptsResult:
        return ListPromptsResult(prompts=[])

    async def get_prompt(self, name: str, arguments: dict[str, Any] | None = None) -> GetPromptResult:
        raise KeyError(f"no prompt {name}")
