"""The ChatKit protocol over the app's conversations: a ChatKit thread is a Conversation, its items are Messages.

store.py maps ChatKit's Store onto the tables, reply.py runs one assistant reply, server.py is the
ChatKitServer, routes.py the `POST /api/<user_id>/chatkit` endpoint.
"""
