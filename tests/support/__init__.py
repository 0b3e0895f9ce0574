"""Helpers shared by the tests and the load tests: accounts on the test client, /chat and ChatKit requests, a live
gunicorn server, a fake OpenAI server, the gevent runtime probe. Fixtures stay in tests/conftest.py."""
