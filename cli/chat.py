"""`flask todo chat`: talk to the assistant in the terminal; `flask todo mcp serve`: the tools over stdio."""

from __future__ import annotations

import anyio
import click
from flask.cli import with_appcontext

from app.agent.providers import model_for
from app.agent.runtime import get_runtime
from app.config import get_config
from app.conversations import turn
from app.conversations.events import chat_view, turn_events
from app.mcp.tools import build_server
from app.models import User
from cli.lookup import user_by_email


def _say(user: User, message: str, conversation_id: int | None) -> int:
    """One turn: stream the reply to the terminal as it comes; returns the conversation id."""
    current = turn.reserve(user, conversation_id, message, get_config().chat_history_window)
    model = model_for(get_config())
    status = "failed"
    try:
        for ev in get_runtime().stream(lambda: turn_events(model, current, chat_view), idle_timeout=None):
            if ev["type"] == "chunk":
                click.echo(ev["content"], nl=False)
            elif ev["type"] == "tool_call":
                click.secho(f"[{ev['tool_name']}]", fg="cyan", nl=False, err=True)
        status = "complete"
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    except Exception as err:
        click.secho(f"\n{turn.failure(err).message}", fg="red", err=True)
    finally:
        turn.settle(current, status)
        click.echo()
    return current.conversation_id


@click.command("chat")
@click.option("--user", "email", required=True, help="Email of the user to act for.")
@click.option("--conversation", "conversation_id", type=int, default=None, help="Continue this conversation.")
@click.option("-m", "--message", "messages", multiple=True, help="Say this and exit (repeatable).")
@with_appcontext
def chat(email: str, conversation_id: int | None, messages: tuple[str, ...]) -> None:
    """Chat with the assistant as a user; the reply streams word by word. Empty line or Ctrl-D ends."""
    user = user_by_email(email)
    if messages:
        for text in messages:
            click.secho(f"> {text}", bold=True)
            conversation_id = _say(user, text, conversation_id)
        return
    click.echo("Talk to your todo list (empty line to quit).")
    while True:
        try:
            text = click.prompt("you", default="", show_default=False).strip()
        except (EOFError, click.Abort):
            break
        if not text:
            break
        conversation_id = _say(user, text, conversation_id)


@click.group("mcp")
def mcp_group() -> None:
    """The task tools as an MCP server."""


@mcp_group.command("serve")
@click.option("--user", "email", required=True, help="Every tool call acts for this user.")
@with_appcontext
def serve(email: str) -> None:
    """Serve the task tools over stdio (MCP Inspector, desktop assistants) for one user."""
    user = user_by_email(email)
    server = build_server(fixed_user_id=user.id)
    anyio.run(server.run_stdio_async)
