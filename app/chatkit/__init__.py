"""The ChatKit protocol over the app's conversations: a ChatKit thread is a Conversation, its items are Messages.

store.py maps ChatKit's Store onto the tables, turn_stream.py streams a turn (its events around the run;
reply_events.py converts the run's), server.py is the ChatKitServer, routes.py the `POST /api/<user_id>/chatkit`
endpoint.
"""
