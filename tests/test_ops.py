"""Health, readiness and the OpenAPI document."""

from __future__ import annotations

from flask.testing import FlaskClient


def test_health_and_ready(client: FlaskClient) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["database"] == "up"


def test_openapi_documents_every_json_route(client: FlaskClient) -> None:
    doc = client.get("/api/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    assert "/api/auth/signup" in paths and "/api/auth/session" in paths
    tasks = "/api/{user_id}/tasks"
    assert {"get", "post"} <= set(paths[tasks])
    assert {"get", "put", "patch", "delete"} <= set(paths[tasks + "/{task_id}"])
    assert "patch" in paths[tasks + "/{task_id}/complete"]
    assert "TaskCreate" in str(doc["components"]["schemas"])
