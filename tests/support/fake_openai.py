"""A local fake of OpenAI's HTTP API (Responses and Chat Completions, streaming) for tests.

Its "model" adds a task for any message starting with "add ", then confirms; otherwise it
answers in words. It can answer 429 or 500 a number of times first, stall for a while, or hang
(accept a request and never answer, until the client gives up), so retries, backoff, deadlines and
failures are exercised over real HTTP on loopback. Tests never reach OpenAI.
"""

from __future__ import annotations

import json
import select
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from openai.types.responses import (
    Response,
    ResponseCompletedEvent,
    ResponseCreatedEvent,
    ResponseFunctionToolCall,
    ResponseOutputMessage,
    ResponseOutputText,
    ResponseTextDeltaEvent,
)


@dataclass
class Script:
    """How the fake behaves; tests change it between requests."""

    fail_first: int = 0
    """Answer this many requests with `fail_status` before behaving."""
    fail_status: int = 429
    """Status of the failing answers."""
    stall_seconds: float = 0.0
    """Sleep this long before answering (timeouts)."""
    hang: bool = False
    """Accept each request and never answer; the connection stays open until the client closes it."""
    hanging: int = 0
    """Requests being held open by `hang` right now."""
    abandoned: int = 0
    """Hung requests whose client closed the connection (gave up)."""
    requests: list[dict[str, Any]] = field(default_factory=list)
    """Every request body received, with its path under "_path"."""


def _decide(user_text: str, tool_output: str | None) -> tuple[str, dict[str, Any] | None]:
    """('tool', args) to call add_task, or ('text', None) with the reply in the first element."""
    if tool_output is not None:
        try:
            title = json.loads(tool_output)["task"]["title"]
        except (ValueError, KeyError, TypeError):
            return f"The tool said: {tool_output}", None
        return f"Added '{title}' to your list.", None
    lowered = user_text.strip().lower()
    if lowered.startswith("add "):
        return "tool", {"title": user_text.strip()[4:]}
    return "Hello from the fake OpenAI model. I can add tasks for you.", None


def _sse(handler: BaseHTTPRequestHandler, payloads: list[str]) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.send_header("Cache-Control", "no-cache")
    handler.end_headers()
    for payload in payloads:
        handler.wfile.write(f"data: {payload}\n\n".encode())
        handler.wfile.flush()


def _response(output: list[Any], model: str) -> Response:
    return Response(id="resp_fake", created_at=time.time(), model=model, object="response", output=output,
                    parallel_tool_calls=False, tool_choice="auto", tools=[], status="completed")


def _responses_stream(body: dict[str, Any]) -> list[str]:
    items = body.get("input") or []
    if isinstance(items, str):
        items = [{"role": "user", "content": items}]
    last = items[-1] if items else {}
    tool_output = last.get("output") if last.get("type") == "function_call_output" else None
    if isinstance(tool_output, list):  # a failed MCP call's text content, as the Agents SDK hands it on
        tool_output = "".join(str(part.get("text", "")) for part in tool_output if isinstance(part, dict))
    user_text = next((i.get("content") for i in reversed(items) if i.get("role") == "user"), "") or ""
    if isinstance(user_text, list):
        user_text = " ".join(str(p.get("text", "")) for p in user_text)
    reply, args = _decide(str(user_text), tool_output if isinstance(tool_output, str) else None)
    model = str(body.get("model", "gpt-4o"))
    events: list[str] = [ResponseCreatedEvent(type="response.created", sequence_number=0,
                                              response=_response([], model)).model_dump_json()]
    if args is not None:
        call = ResponseFunctionToolCall(type="function_call", id="fc_1", call_id=f"call_{len(items)}",
                                        name="add_task", arguments=json.dumps(args), status="completed")
        output: list[Any] = [call]
    else:
        words = reply.split(" ")
        for i, word in enumerate(words):
            events.append(ResponseTextDeltaEvent(
                type="response.output_text.delta", sequence_number=i + 1, item_id="msg_1", output_index=0,
                content_index=0, delta=word + (" " if i < len(words) - 1 else ""), logprobs=[]).model_dump_json())
        output = [ResponseOutputMessage(type="message", id="msg_1", role="assistant", status="completed",
                                        content=[ResponseOutputText(type="output_text", text=reply,
                                                                    annotations=[])])]
    events.append(ResponseCompletedEvent(type="response.completed", sequence_number=len(events),
                                         response=_response(output, model)).model_dump_json())
    return events


def _chat_stream(body: dict[str, Any]) -> list[str]:
    messages = body.get("messages") or []
    last = messages[-1] if messages else {}
    tool_output = last.get("content") if last.get("role") == "tool" else None
    user_text = next((m.get("content") for m in reversed(messages) if m.get("role") == "user"), "") or ""
    reply, args = _decide(str(user_text), tool_output)
    base = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()),
            "model": body.get("model", "gpt-4o")}
    chunks: list[str] = []
    if args is not None:
        delta = {"role": "assistant", "tool_calls": [{"index": 0, "id": f"call_{len(messages)}", "type": "function",
                                                      "function": {"name": "add_task",
                                                                   "arguments": json.dumps(args)}}]}
        chunks.append(json.dumps({**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}))
        chunks.append(json.dumps({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]}))
    else:
        for word in reply.split(" "):
            chunks.append(json.dumps({**base, "choices": [{"index": 0, "delta": {"content": word + " "},
                                                           "finish_reason": None}]}))
        chunks.append(json.dumps({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}))
    chunks.append("[DONE]")
    return chunks


class FakeOpenAI:
    """The fake server, on a free loopback port, in a background thread."""

    def __init__(self) -> None:
        self.script = Script()
        script = self.script

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:
                return

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                script.requests.append({**body, "_path": self.path})
                if script.hang:
                    self._hang()
                    return
                if script.stall_seconds:
                    time.sleep(script.stall_seconds)
                if script.fail_first > 0:
                    script.fail_first -= 1
                    payload = json.dumps({"error": {"message": "fake failure", "type": "server_error"}}).encode()
                    self.send_response(script.fail_status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    if script.fail_status == 429:
                        self.send_header("Retry-After", "0")
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                if self.path.endswith("/responses"):
                    _sse(self, _responses_stream(body))
                elif self.path.endswith("/chat/completions"):
                    _sse(self, _chat_stream(body))
                else:
                    self.send_response(404)
                    self.end_headers()

            def _hang(self) -> None:
                """Say nothing until the client closes the connection (or the fake stops)."""
                with lock:
                    script.hanging += 1
                try:
                    while not stopping.is_set():
                        readable, _, _ = select.select([self.connection], [], [], 0.1)
                        if readable and not self.connection.recv(1024):
                            with lock:
                                script.abandoned += 1
                            return
                finally:
                    with lock:
                        script.hanging -= 1
                    self.close_connection = True

        lock = threading.Lock()
        stopping = self._stopping = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """The OPENAI_BASE_URL to use."""
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def start(self) -> FakeOpenAI:
        """Serve in the background."""
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop serving (hung requests are let go)."""
        self._stopping.set()
        self.server.shutdown()
        self.server.server_close()
