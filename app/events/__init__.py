"""Live events: stored per user (replayable with Last-Event-ID), fanned out to every open screen."""
