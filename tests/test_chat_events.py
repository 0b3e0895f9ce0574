"""The /chat stream events on the wire, byte for byte: compact JSON, keys in the contract's order, text as is."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, get_args, get_type_hints

from app import sse
from app.chat_events import ChatEvent
from tests.support.accounts import AuthActions


def test_every_contract_event_kind_is_in_the_union() -> None:
    kinds = [get_args(get_type_hints(event)["type"]) for event in get_args(ChatEvent)]
    assert kinds == [("conversation",), ("chunk",), ("tool_call",), ("tool_result",), ("done",), ("error",)]


def test_sse_frames_each_event_as_one_compact_data_line() -> None:
    assert sse.event({"type": "chunk", "content": "café ☕ \"ok\"\n"}) == (
        'data: {"type":"chunk","content":"café ☕ \\"ok\\"\\n"}\n\n'.encode()
    )
    assert sse.event({"type": "tool_call", "tool_name": "add_task", "call_id": "c1",
                      "arguments": {"title": "milk", "tags": ["shop"]}}) == (
        b'data: {"type":"tool_call","tool_name":"add_task","call_id":"c1","arguments":{"title":"milk","tags":["shop"]}}'
        b"\n\n"
    )
    assert sse.event({"type": "error", "code": "assistant_timeout", "message": "Too long.", "retryable": True,
                      "conversation_id": 3}) == (
        b'data: {"type":"error","code":"assistant_timeout","message":"Too long.","retryable":true,'
        b'"conversation_id":3}\n\n'
    )


def test_a_turn_streams_the_contract_events_byte_for_byte(auth: AuthActions) -> None:
    acct = auth.signup()
    resp = acct.request("POST", "/chat", json={"message": "add buy milk"}, headers={"Accept": "text/event-stream"})
    assert resp.status_code == 200
    lines = [line for line in resp.get_data(as_text=True).split("\n\n") if line.startswith("data: ")]
    conv_id = acct.request("GET", "/conversations").get_json()["conversations"][0]["id"]
    reply = acct.request("GET", f"/conversations/{conv_id}/messages").get_json()["messages"][1]
    assert lines[0] == f'data: {{"type":"conversation","conversation_id":{conv_id}}}'
    assert lines[1].startswith('data: {"type":"tool_call","tool_name":"add_task","call_id":"')
    assert lines[2].startswith('data: {"type":"tool_result","tool_name":"add_task","call_id":"')
    assert all(line.startswith('data: {"type":"chunk","content":"') for line in lines[3:-1])
    assert lines[-1] == f'data: {{"type":"done","conversation_id":{conv_id},"message_id":{reply["id"]}}}'


def test_the_server_iterates_the_streams_own_generator_and_closing_it_runs_the_close_callbacks() -> None:
    from werkzeug.test import EnvironBuilder

    closed: list[str] = []

    def body() -> Iterator[bytes]:
        try:
            yield sse.event({"type": "chunk", "content": "hi"})
            yield sse.PING
        finally:
            closed.append("generator")

    events = body()
    resp = sse.stream(events)
    resp.call_on_close(lambda: closed.append("callback"))
    started: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], object]:
        started.append(status)
        return lambda data: None

    served = resp(EnvironBuilder(method="POST").get_environ(), start_response)
    assert started == ["200 OK"] and resp.headers["Content-Type"] == "text/event-stream; charset=utf-8"
    assert iter(served) is events  # no wrapper resumed per write, no extra stack kept while the stream waits
    assert next(iter(served)) == b'data: {"type":"chunk","content":"hi"}\n\n'
    served.close()  # type: ignore[attr-defined]  # what a WSGI server does at the end, or when the client left
    assert closed == ["generator", "callback"]

    head = sse.stream(body())(EnvironBuilder(method="HEAD").get_environ(), start_response)
    assert list(head) == []
