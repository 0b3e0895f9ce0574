"""Which gevent-patched locks does the asyncio loop thread take during OpenAI-path turns?

Run as a script in a monkey-patched process (like a gunicorn gevent worker): it serves the
app through Flask's test client against tests/fake_openai.py, with a profiler on the loop
thread that records every acquire of a gevent lock there, and prints them as JSON (the test
in test_loop_freeze.py asserts there are none).
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import collections  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import traceback  # noqa: E402
from pathlib import Path  # noqa: E402
from types import FrameType  # noqa: E402
from typing import Any  # noqa: E402

# Run as a script, this folder comes first on sys.path, where tests/support/chatkit.py would shadow the
# chatkit package: the repository root takes its place.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app import create_app  # noqa: E402
from app.agent.runtime import get_runtime  # noqa: E402
from cli.migrate import upgrade  # noqa: E402
from tests.support.fake_openai import FakeOpenAI  # noqa: E402

GEVENT_LOCK_FILES = ("gevent/lock.py", "gevent/thread.py", "gevent/event.py", "gevent/_semaphore.py")
taken: collections.Counter[str] = collections.Counter()


def _profile(frame: FrameType, event: str, arg: Any) -> None:
    code = frame.f_code
    if event == "call" and code.co_name in ("acquire", "wait") and code.co_filename.endswith(GEVENT_LOCK_FILES):
        stack = traceback.extract_stack(frame, limit=6)
        taken[" <- ".join(f"{Path(f.filename).name}:{f.lineno}:{f.name}" for f in reversed(stack))] += 1


async def _watch_loop_thread() -> None:
    sys.setprofile(_profile)


def main() -> None:
    fake = FakeOpenAI().start()
    folder = Path(tempfile.mkdtemp(prefix="locks-"))
    url = f"sqlite:///{folder / 'probe.db'}"
    upgrade("head", url=url)
    app = create_app({"mode": "developer", "instance_path": str(folder),
                      "database_url": url, "secret_key": "probe-secret-0123456789abcdef0123456789",
                      "model": "gpt-4o", "openai_api_key": "sk-test", "openai_base_url": fake.base_url,
                      "openai_api": "responses", "ratelimit_enabled": False})
    get_runtime().run(_watch_loop_thread())
    client = app.test_client()
    doc = client.post("/api/auth/signup", json={"email": "probe@example.com", "password": "correct horse battery"})
    uid, token = doc.get_json()["user"]["id"], doc.get_json()["access_token"]
    ends = []
    for message in ("add buy milk", "hello"):
        body = client.post(f"/api/{uid}/chat", json={"message": message},
                           headers={"Authorization": f"Bearer {token}"}).data.decode()
        ends.append(json.loads(body.strip().splitlines()[-1][5:])["type"])
    fake.stop()
    print(json.dumps({"ends": ends, "gevent_locks": dict(taken)}))


if __name__ == "__main__":
    main()
