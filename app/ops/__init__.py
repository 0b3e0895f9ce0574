"""Operational routes: liveness, readiness and the OpenAPI document."""
