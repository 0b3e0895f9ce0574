"""Tasks: the service every caller uses, its schemas, recurrence rules and the REST routes."""
