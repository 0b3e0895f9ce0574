"""Reminders: data and rules (schedule.py, service.py), REST (routes.py), the scheduler (scheduler.py)."""
