"""`flask todo threads ...`: inspect, export and delete conversations."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from app.conversations.serializers import conversation_to_dict, message_to_dict
from app.conversations.store import get_conversation
from app.errors import NotFound
from app.extensions import db
from app.models import Conversation, Message
from cli.lookup import user_by_email


@click.group("threads")
def threads_group() -> None:
    """Conversations (also ChatKit threads)."""


def _conversation(conversation_id: int) -> Conversation:
    conv = db.session.get(Conversation, conversation_id)
    if conv is None:
        raise click.ClickException(f"No conversation {conversation_id}.")
    return conv


def _messages(conversation_id: int) -> list[Message]:
    return list(db.session.scalars(select(Message).where(Message.conversation_id == conversation_id)
                                   .order_by(Message.id)))


@threads_group.command("list")
@click.option("--user", "email", required=True, help="Email of the owner.")
@with_appcontext
def list_threads(email: str) -> None:
    """A user's conversations, most recent first, with message counts."""
    user = user_by_email(email)
    counts = dict(db.session.execute(
        select(Message.conversation_id, func.count()).where(Message.user_id == user.id)
        .group_by(Message.conversation_id)).all())
    convs = db.session.scalars(select(Conversation).where(Conversation.user_id == user.id)
                               .order_by(Conversation.updated_at.desc()))
    shown = 0
    for conv in convs:
        shown += 1
        click.echo(f"{conv.id}\t{conv.updated_at:%Y-%m-%d %H:%M}\t{counts.get(conv.id, 0)} messages\t{conv.title}")
    if not shown:
        click.echo("No conversations.")


@threads_group.command("show")
@click.argument("conversation_id", type=int)
@with_appcontext
def show(conversation_id: int) -> None:
    """Every message of a conversation, with tool calls, statuses and feedback."""
    conv = _conversation(conversation_id)
    click.echo(f"# {conv.title or '(untitled)'}  (conversation {conv.id}, user {conv.user_id})")
    for msg in _messages(conv.id):
        flags = [] if msg.status == "complete" else [msg.status]
        if msg.feedback:
            flags.append(f"feedback: {msg.feedback}")
        suffix = f"  [{', '.join(flags)}]" if flags else ""
        click.echo(f"\n[{msg.id}] {msg.role} {msg.created_at:%Y-%m-%d %H:%M:%S}{suffix}")
        for call in msg.tool_calls or []:
            click.echo(f"  -> {call.get('name')}({json.dumps(call.get('arguments'), ensure_ascii=False)})")
            click.echo(f"  <- {json.dumps(call.get('output'), ensure_ascii=False)[:300]}")
        if msg.content:
            click.echo(msg.content)


@threads_group.command("export")
@click.argument("conversation_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["json", "md"]), default="json", show_default=True)
@with_appcontext
def export(conversation_id: int, fmt: str) -> None:
    """Write a conversation as JSON or Markdown to stdout."""
    conv = _conversation(conversation_id)
    messages = _messages(conv.id)
    if fmt == "json":
        doc = {**conversation_to_dict(conv), "user_id": conv.user_id,
               "messages": [{**message_to_dict(m), "feedback": m.feedback} for m in messages]}
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    click.echo(f"# {conv.title or 'Conversation'}\n")
    for msg in messages:
        click.echo(f"**{msg.role}** ({msg.created_at:%Y-%m-%d %H:%M})" + ("" if msg.status == "complete"
                                                                        else f" _{msg.status}_"))
        for call in msg.tool_calls or []:
            click.echo(f"\n> tool `{call.get('name')}` {json.dumps(call.get('arguments'), ensure_ascii=False)}")
        click.echo(f"\n{msg.content}\n")


@threads_group.command("delete")
@click.argument("conversation_id", type=int)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def delete(conversation_id: int, yes: bool) -> None:
    """Delete a conversation and its messages."""
    conv = _conversation(conversation_id)
    if not yes:
        click.confirm(f"Delete conversation {conv.id} ({conv.title!r})?", abort=True)
    try:
        get_conversation(db.session, conv.user_id, conv.id)
    except NotFound as err:
        raise click.ClickException(err.message) from err
    db.session.delete(conv)
    db.session.commit()
    click.echo(f"Deleted conversation {conversation_id}.")
