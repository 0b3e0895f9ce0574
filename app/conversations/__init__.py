"""Conversations and the life of one chat turn, shared by /chat, ChatKit and `flask todo chat`.

* `store.py`: conversations and messages in the database, and a turn's context rebuilt from them.
* `turn.py`: the lifecycle of one turn: **reserve** (the user's message, a `pending` reply row and
  the context, in one transaction), **record** (each tool call with its result committed as it
  completes, the reply text saved every few seconds), **settle** (complete, interrupted or
  failed, with one wording for each error). A worker killed mid-turn leaves a `pending` row with
  every tool call that took effect; the next turn of that conversation settles it as interrupted.
* `events.py`: the agent run of a turn as the simple events of the /chat contract (or a protocol's own view).
* `stream.py`: a turn's SSE body for either protocol: head, the run's events, settle, tail.
* `serializers.py`: conversations and messages as the JSON API shows them.

Layering: protocols (`chat/`, `chatkit/`, `cli/`) use this package; it uses `agent/`, never the
other way round.
"""
