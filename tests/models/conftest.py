from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.models.openai_server import FakeOpenAI


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI()
    server.thread.start()
    yield server
    server.shutdown()
    server.server_close()
