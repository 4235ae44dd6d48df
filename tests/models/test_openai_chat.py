"""OpenAIChat against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

import labelwidgets as lw
from tests.models.openai_server import FakeOpenAI

SECRET = "sk-test-5ecr3t-never-show-me"


@pytest.fixture
def model(fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> lw.models.OpenAIChat:
    monkeypatch.setenv("LW_TEST_KEY", SECRET)
    return lw.models.OpenAIChat("test-model", base_url=fake_openai.base_url, api_key_env="LW_TEST_KEY",
                                max_concurrency=3, timeout=1, retries=2, backoff=0.01)  # fmt: skip


def test_answers_come_back_in_order_with_the_key_sent(model, fake_openai: FakeOpenAI) -> None:
    prompts = [f'Text:\n"""\nThis is governed by the laws of State {i}.\n"""' for i in range(10)]
    answers = model.answer(prompts)
    assert [a.text for a in answers] == [f"the laws of State {i}" for i in range(10)]
    assert all(a.error is None and a.latency_ms > 0 for a in answers)
    assert set(fake_openai.auth_headers) == {f"Bearer {SECRET}"}


def test_concurrency_limit_is_honoured(model, fake_openai: FakeOpenAI) -> None:
    model.answer(["x"] * 12)
    assert fake_openai.max_in_flight == 3


def test_429_and_5xx_are_retried(model, fake_openai: FakeOpenAI) -> None:
    fake_openai.script.extend([429, 500, "ok"])
    model.max_concurrency = 1
    (answer,) = model.answer(['"""governed by the laws of Texas."""'])
    assert answer.text == "the laws of Texas"
    assert len(fake_openai.requests) == 3


def test_failures_are_reported_not_raised(model, fake_openai: FakeOpenAI) -> None:
    model.max_concurrency = 1
    fake_openai.script.extend([503, 503, 503, "garbage", 400])
    out = model.answer(["a", "b", "c"])
    assert "HTTP 503" in out[0].error and "after 3 attempts" in out[0].error
    assert "malformed response" in out[1].error
    assert out[2].error.startswith("HTTP 400")  # a client error is not retried
    assert len(fake_openai.requests) == 5


def test_a_stalled_request_times_out_and_is_retried(model, fake_openai: FakeOpenAI) -> None:
    fake_openai.stall_s = 3
    fake_openai.script.extend(["stall", "ok"])
    model.max_concurrency = 1
    (answer,) = model.answer(["no law here"])
    assert answer.text == "NOT_IN_TEXT"
    assert len(fake_openai.requests) == 2


def test_the_key_never_shows(model, fake_openai: FakeOpenAI, sqlite_store, caplog, capsys) -> None:
    caplog.set_level(logging.DEBUG)
    fake_openai.script.extend([500, 500, 500])
    model.max_concurrency = 1
    failed = model.answer(["x"])
    sqlite_store.add_chunks([{"text": "This Agreement is governed by the laws of Texas."}])
    task = lw.Task("t", [lw.Question("law")])
    lw.prelabel(sqlite_store, task, model, progress=False)
    shown = [
        repr(model),
        str(model.__dict__),
        failed[0].error,
        caplog.text,
        *capsys.readouterr(),
        sqlite_store.suggestions().to_string(),
        sqlite_store.events().to_string(),
    ]
    assert all(SECRET not in s for s in shown)
    database = Path(sqlite_store._url.removeprefix("sqlite:///"))
    assert SECRET.encode() not in database.read_bytes()


def test_missing_key_for_openai_itself_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(ValueError, match="set the environment variable OPENAI_API_KEY"):
        lw.models.OpenAIChat("gpt-4o-mini")


def test_transformers_loads_only_local_models() -> None:
    with pytest.raises((ImportError, ValueError), match=r"'hf' extra|local models only"):
        lw.models.Transformers("some-org/some-model-not-on-this-machine")
    fake_pipeline = lambda prompt, **kw: [{"generated_text": "NOT_IN_TEXT"}]  # noqa: E731
    assert lw.models.Transformers(fake_pipeline, name="p").answer(["q"])[0].text == "NOT_IN_TEXT"
