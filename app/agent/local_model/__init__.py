"""The embedded local model: an offline Agents SDK model for task-management conversations."""

from __future__ import annotations

from .model import LocalModel

__all__ = ["LocalModel"]
