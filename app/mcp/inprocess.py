"""An `agents.mcp.MCPServer` that reaches the app's MCP server in-process (no subprocess, no socket).

`mcp.Client(server)` dispatches straight into the server object; connecting costs well
under a millisecond after the first time, against over a second to spawn a stdio server.
The authenticated user travels out of band in each call's `_meta` (see tools.py), and so does
the turn the call acts for (see turncall.py).
"""

from __future__ import annotations

import asyncio
import re
from typing import Any, cast

from agents.mcp import MCPServer as AgentsMCPServer
from agents.mcp.util import MCPToolMetaContext
from mcp import Client
from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult, GetPromptResult, ListPromptsResult, TextContent

from app.mcp.tools import USER_META_KEY
from app.mcp.turncall import TURN_META_KEY, Caller, TurnCall

_ERROR_PREFIX = re.compile(r"^Error executing tool \w+: ")


def user_meta(context: MCPToolMetaContext) -> dict[str, Any]:
    """The `_meta` of every tool call: the user id, and the turn, from the run context the model cannot touch."""
    caller: Caller = context.run_context.context
    meta: dict[str, Any] = {USER_META_KEY: caller.user_id}
    if caller.reply_id is not None:
        call_id = str(getattr(context.run_context, "tool_call_id", "") or "")
        call = TurnCall(caller.reply_id, call_id, context.tool_name, context.arguments or {}, caller.ends)
        meta[TURN_META_KEY] = call.meta()
    return meta


class SharedConnection:
    """One in-process MCP client per event loop, shared by every turn, and the tool list read once.

    The session holds no per-user state (the user travels in each call's `_meta`), so one
    client serves all concurrent turns; connecting per turn cost CPU and ~100 KB per open stream.
    The client lives in a task of its own because anyio wants it entered and left in one task;
    stopping the loop cancels that task, which closes the client.
    """

    def __init__(self, server: MCPServer) -> None:
        self._server = server
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready: asyncio.Future[Client] | None = None
        self._holder: asyncio.Task[None] | None = None
        self.tools: list[Any] | None = None

    async def client(self) -> Client:
        """The loop's connected client (connecting on first use, or again after a failure)."""
        loop = asyncio.get_running_loop()
        ready = self._ready
        if ready is None or self._loop is not loop or (ready.done() and ready.exception() is not None):
            self._loop, self.tools = loop, None
            ready = self._ready = loop.create_future()
            self._holder = loop.create_task(self._hold(ready))
        return await asyncio.shield(ready)

    async def _hold(self, ready: asyncio.Future[Client]) -> None:
        try:
            async with Client(self._server) as client:
                ready.set_result(client)
                await asyncio.Event().wait()
        except BaseException as err:
            if not ready.done():
                ready.set_exception(err if isinstance(err, Exception) else RuntimeError("MCP client stopped"))
            raise


class InProcessMCPServer(AgentsMCPServer):
    """The agents-side view of the in-process MCP server, over the shared connection (one per process)."""

    def __init__(self, connection: SharedConnection) -> None:
        super().__init__(use_structured_content=True, tool_meta_resolver=user_meta)
        self._connection = connection
        self._client: Client | None = None

    @property
    def name(self) -> str:
        return "todo-tasks"

    async def connect(self) -> None:
        """Bind the running loop's shared client (idempotent; cheap once connected)."""
        self._client = await self._connection.client()

    async def cleanup(self) -> None:
        """Nothing to release per run: the shared client stays connected for the next turn."""

    def _connected(self) -> Client:
        if self._client is None:
            raise RuntimeError("the in-process MCP server is not connected")
        return self._client

    async def list_tools(self, run_context: Any = None, agent: Any = None) -> list[Any]:
        if self._connection.tools is None:
            self._connection.tools = list((await self._connected().list_tools()).tools)
        return self._connection.tools

    @property
    def cached_tools(self) -> list[Any] | None:
        return self._connection.tools

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
