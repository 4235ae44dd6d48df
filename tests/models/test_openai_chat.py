"""OpenAIChat against a real HTTP server on 127.0.0.1; the Transformers adapter's local-only rule."""

from __future__ import annotations

import importlib.util
import json
import logging
from pathlib import Path

import pytest

import labelwidgets as lw
from labelwidgets.models.openai_chat import _retry_after
from labelwidgets.store.frames import with_unknown
from tests.models.openai_server import FakeOpenAI

SECRET = "sk-test-5ecr3t-never-show-me"
LAW = '"""This is governed by the laws of Texas."""'


@pytest.fixture
def model(fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> lw.models.OpenAIChat:
    monkeypatch.setenv("LW_TEST_KEY", SECRET)
    return lw.models.OpenAIChat(
        "test-model",
        base_url=fake_openai.base_url,
        api_key_env="LW_TEST_KEY",
        max_concurrency=3,
        timeout=1,
        retries=2,
        backoff=0.01,
    )


def test_answers_come_back_in_order_with_the_key_sent(model, fake_openai: FakeOpenAI) -> None:
    prompts = [f'Text:\n"""\nThis is governed by the laws of State {i}.\n"""' for i in range(10)]
    answers = model.answer(prompts)
    assert [a.text for a in answers] == [f"the laws of State {i}" for i in range(10)]
    assert all(a.error is None and a.latency_ms > 0 and a.model == "test-model" for a in answers)
    assert set(fake_openai.auth_headers) == {f"Bearer {SECRET}"}
    assert fake_openai.requests[0]["model"] == "test-model"
    # only what was set is sent: no temperature or token limit forced on the server
    assert set(fake_openai.requests[0]) == {"model", "messages"}


def test_concurrency_limit_is_honoured(model, fake_openai: FakeOpenAI) -> None:
    fake_openai.hold_s = 0.1
    model.answer(["x"] * 12)
    assert fake_openai.max_in_flight == 3
    assert len(fake_openai.requests) == 12


def test_429_and_5xx_are_retried(model, fake_openai: FakeOpenAI) -> None:
    fake_openai.script.extend([429, 500, "ok"])
    model.max_concurrency = 1
    (answer,) = model.answer([LAW])
    assert answer.text == "the laws of Texas" and answer.error is None
    assert len(fake_openai.requests) == 3


def test_retry_after_is_honoured(model, fake_openai: FakeOpenAI) -> None:
    fake_openai.retry_after = "1"  # the model's own backoff is 0.01 s
    fake_openai.script.extend([429, "ok"])
    (answer,) = model.answer([LAW])
    assert answer.text == "the laws of Texas"
    first, second = fake_openai.arrivals
    assert second - first >= 0.95


def test_retry_after_header_forms() -> None:
    assert _retry_after("2") == 2.0
    assert _retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date in the past: go now
    assert _retry_after("99999") == 60.0  # capped
    assert _retry_after("soon") == 0.0 and _retry_after(None) == 0.0


def test_failures_are_reported_not_raised(model, fake_openai: FakeOpenAI) -> None:
    model.max_concurrency = 1
    fake_openai.script.extend([503, 503, 503, "garbage", "garbage", "garbage", 400])
    out = model.answer(["a", "b", "c"])
    assert "HTTP 503: try again" in out[0].error and "after 3 attempts" in out[0].error
    assert "malformed response" in out[1].error and "after 3 attempts" in out[1].error
    assert out[2].error == "HTTP 400: try again"  # a client error is not retried
    assert all(a.text is None for a in out)
    assert len(fake_openai.requests) == 7


def test_garbage_once_is_retried(model, fake_openai: FakeOpenAI) -> None:
    fake_openai.script.extend(["garbage", "ok"])
    (answer,) = model.answer([LAW])
    assert answer.text == "the laws of Texas"


def test_a_stalled_request_times_out_and_is_retried(model, fake_openai: FakeOpenAI) -> None:
    fake_openai.stall_s = 3
    fake_openai.script.extend(["stall", "ok"])
    model.max_concurrency = 1
    (answer,) = model.answer(["no law here"])
    assert answer.text == "NOT_IN_TEXT"
    assert len(fake_openai.requests) == 2


def test_a_server_that_is_down_is_an_error_not_an_exception(monkeypatch) -> None:
    monkeypatch.setenv("LW_TEST_KEY", SECRET)
    dead = FakeOpenAI()  # bound, never serving, then closed: the port refuses connections
    url = dead.base_url
    dead.server_close()
    model = lw.models.OpenAIChat(
        "m", base_url=url, api_key_env="LW_TEST_KEY", retries=1, backoff=0.01
    )
    (answer,) = model.answer(["x"])
    assert answer.error.startswith("connection failed: ConnectError")


def test_the_key_never_shows(model, fake_openai: FakeOpenAI, sqlite_store, caplog, capsys) -> None:
    caplog.set_level(logging.DEBUG)
    model.max_concurrency = 1
    fake_openai.script.extend(["echo"] * 3)  # the error body quotes the Authorization header
    (echoed,) = model.answer(["x"])
    assert "Authorization" in echoed.error and "Bearer ***" in echoed.error
    sqlite_store.add_chunks(
        [
            {"text": "This Agreement is governed by the laws of Texas."},
            {"text": "Payment is due in 30 days."},
        ]
    )
    task = sqlite_store.add_task(lw.Task("t", [lw.Question("law")]))
    fake_openai.script.extend(["echo"] * 3)
    summary = lw.prelabel(sqlite_store, task, model, progress=True)
    assert summary["failed"].tolist() == [1] and summary["ok"].tolist() == [1]
    stored = sqlite_store.suggestions()
    assert stored["parse_error"].str.contains("Bearer \\*\\*\\*").sum() == 1
    shown = [
        repr(model),
        str(model.__dict__),
        echoed.error,
        caplog.text,
        *capsys.readouterr(),
        stored.to_string(),
        sqlite_store.events().to_string(),
        repr(summary),
    ]
    assert "retrying" in caplog.text  # the retries were logged (masked)
    assert all(SECRET not in s for s in shown)
    sqlite_store.close()
    for path in Path(sqlite_store._url.removeprefix("sqlite:///")).parent.glob("labels.db*"):
        assert SECRET.encode() not in path.read_bytes(), path.name


def test_repr_hides_credentials_in_the_url() -> None:
    model = lw.models.OpenAIChat("m", base_url="http://user:hunter2@127.0.0.1:9/v1")
    assert "hunter2" not in repr(model) and "127.0.0.1:9" in repr(model)


def test_missing_key_for_openai_itself_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(ValueError, match="set the environment variable OPENAI_API_KEY"):
        lw.models.OpenAIChat("gpt-4o-mini")


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"max_concurrency": 0}, "max_concurrency"),
        ({"timeout": 0}, "timeout"),
        ({"retries": -1}, "retries"),
        ({"model": ""}, "model"),
    ],
)
def test_bad_settings_are_named(kwargs, problem) -> None:
    with pytest.raises(ValueError, match=problem):
        lw.models.OpenAIChat(**{"model": "m", "base_url": "http://127.0.0.1:9/v1", **kwargs})


def test_transformers_loads_only_local_models(tmp_path: Path) -> None:
    if importlib.util.find_spec("transformers") is None:
        # the [hf] extra is not installed here: the error says what to install
        with pytest.raises(ImportError, match=r"'hf' extra.*pip install 'labelwidgets\[hf\]'"):
            lw.models.Transformers("some-org/some-model-not-on-this-machine")
    else:
        with pytest.raises(ValueError, match="loads local models only"):
            lw.models.Transformers(tmp_path / "no-model-here")
    with pytest.raises(TypeError, match="pipeline or the path"):
        lw.models.Transformers(42)


def test_transformers_answers_with_a_pipeline_object() -> None:
    calls = []

    def pipeline(prompt, **kwargs):
        calls.append(kwargs)
        if "boom" in prompt:
            raise RuntimeError("CUDA out of memory")
        return [{"generated_text": "NOT_IN_TEXT"}]

    model = lw.models.Transformers(pipeline, name="p", max_new_tokens=8)
    ok, failed = model.answer(["q", "boom"])
    assert ok.text == "NOT_IN_TEXT" and ok.model == "p"
    assert failed.error == "RuntimeError: CUDA out of memory"
    assert calls[0] == {"max_new_tokens": 8, "return_full_text": False}


def test_only_the_parameters_set_are_sent(fake_openai: FakeOpenAI) -> None:
    reasoning = lw.models.OpenAIChat(
        "o4-mini",
        base_url=fake_openai.base_url,
        max_completion_tokens=2000,
        params={"reasoning_effort": "low"},
        system_prompt="You read contracts.",
    )
    classic = lw.models.OpenAIChat(
        "llama3.1:8b", base_url=fake_openai.base_url, temperature=0.0, max_tokens=64
    )
    assert reasoning.answer([LAW])[0].text == "the laws of Texas"
    assert classic.answer([LAW])[0].text == "the laws of Texas"
    sent_reasoning, sent_classic = fake_openai.requests
    assert sent_reasoning == {
        "model": "o4-mini",
        "messages": [
            {"role": "system", "content": "You read contracts."},
            {"role": "user", "content": LAW},
        ],
        "max_completion_tokens": 2000,
        "reasoning_effort": "low",
    }
    assert sent_classic == {
        "model": "llama3.1:8b",
        "messages": [{"role": "user", "content": LAW}],
        "temperature": 0.0,
        "max_tokens": 64,
    }
    assert fake_openai.paths == ["/v1/chat/completions"] * 2


def test_azure_deployment_url_api_version_and_key_header(
    fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LW_AZURE_KEY", SECRET)
    endpoint = fake_openai.base_url.removesuffix("/v1")
    model = lw.models.OpenAIChat.azure(
        endpoint, "contracts-gpt4o", api_version="2024-10-21", api_key_env="LW_AZURE_KEY"
    )
    (answer,) = model.answer([LAW])
    assert answer.text == "the laws of Texas" and answer.model == "contracts-gpt4o"
    assert fake_openai.paths == [
        "/openai/deployments/contracts-gpt4o/chat/completions?api-version=2024-10-21"
    ]
    assert fake_openai.api_key_headers == [SECRET] and fake_openai.auth_headers == [""]
    assert fake_openai.requests == [{"messages": [{"role": "user", "content": LAW}]}]
    with pytest.raises(ValueError, match="endpoint must be an http"):
        lw.models.OpenAIChat.azure("my-resource", "d")


# -- structured output ---------------------------------------------------------------------------

KINDS = [
    lw.Question("law", prompt="Which law governs?"),
    lw.Question("has_clause", kind="choice", choices=["yes", "no"]),
    lw.Question("topics", kind="multi_choice", choices=["law", "payment"]),
    lw.Question("risk", kind="rating", scale=(1, 3)),
    lw.Question("fee", kind="number"),
    lw.Question("signed", kind="date"),
    lw.Question("clauses", kind="spans", labels=["LAW", "PARTY"]),
]


def _sent_schema(server: FakeOpenAI) -> dict:
    request = server.requests[-1]
    assert request["response_format"]["type"] == "json_schema"
    spec = request["response_format"]["json_schema"]
    assert spec["strict"] is True and spec["name"] == "labelwidgets_answer"
    schema = spec["schema"]
    # strict mode: every property required, nothing else allowed
    assert schema["required"] == list(schema["properties"])
    assert schema["additionalProperties"] is False
    assert schema["properties"]["not_in_text"] == {
        "type": "boolean",
        "description": "true when the text does not contain the answer",
    }
    return schema


def test_structured_requests_carry_a_schema_per_question_kind(fake_openai: FakeOpenAI) -> None:
    model = lw.models.OpenAIChat("m", base_url=fake_openai.base_url, structured="auto")
    answers = {}
    for question in KINDS:
        (answers[question.name],) = model.answer([LAW], question=question)
        answers[question.name] = (_sent_schema(fake_openai), answers[question.name])
    shapes = {name: schema["properties"]["answer"] for name, (schema, _) in answers.items()}
    assert shapes["law"]["type"] == ["string", "null"]
    assert shapes["has_clause"] == {"type": ["string", "null"], "enum": ["yes", "no", None]}
    assert shapes["topics"]["type"] == ["array", "null"]
    assert shapes["topics"]["items"] == {"type": "string", "enum": ["law", "payment"]}
    assert shapes["risk"] == {"type": ["integer", "null"], "enum": [1, 2, 3, None]}
    assert shapes["fee"]["type"] == ["number", "null"]
    assert shapes["signed"]["type"] == ["string", "null"]
    assert "YYYY-MM-DD" in shapes["signed"]["description"]
    span = shapes["clauses"]["items"]
    assert shapes["clauses"]["type"] == "array"  # "no span here" is [], never null
    assert span["properties"]["label"] == {"type": "string", "enum": ["LAW", "PARTY"]}
    assert span["required"] == ["label", "quote"] and span["additionalProperties"] is False
    # a quote of the evidence is asked for where the question takes evidence (text by default)
    has_quote = {name for name, (schema, _) in answers.items() if "quote" in schema["properties"]}
    assert has_quote == {"law"}
    _, law_answer = answers["law"]
    assert law_answer.structured is True and law_answer.note is None
    assert json.loads(law_answer.text) == {
        "not_in_text": False,
        "answer": "the laws of Texas",
        "quote": "the laws of Texas",
    }


def test_structured_output_is_off_unless_asked_for(fake_openai: FakeOpenAI) -> None:
    plain = lw.models.OpenAIChat("m", base_url=fake_openai.base_url)
    no_question = lw.models.OpenAIChat("m", base_url=fake_openai.base_url, structured=True)
    assert plain.answer([LAW], question=KINDS[0])[0].structured is None
    assert no_question.answer([LAW])[0].text == "the laws of Texas"
    assert all("response_format" not in r for r in fake_openai.requests)
    with pytest.raises(ValueError, match="structured must be False, True or 'auto'"):
        lw.models.OpenAIChat("m", base_url=fake_openai.base_url, structured="yes")


STRUCTURED_TASK = lw.Task("structured", [*KINDS[:2], KINDS[4], KINDS[6]])
CHUNKS = [
    "This Agreement is governed by the laws of Texas.",
    "Payment is due in 30 days.",
    "This Agreement is governed by the laws of England and Wales.",
]


def _prelabeled(sqlite_store, server: FakeOpenAI, model) -> tuple:
    sqlite_store.add_chunks([{"text": t} for t in CHUNKS])
    sqlite_store.add_task(STRUCTURED_TASK)
    summary = lw.prelabel(sqlite_store, STRUCTURED_TASK, model, progress=False)
    got = with_unknown(sqlite_store.suggestions(STRUCTURED_TASK))
    texts = dict(zip(sqlite_store.chunks()["chunk_id"], sqlite_store.chunks()["text"], strict=True))
    got["text"] = got["chunk_id"].map(texts)
    return summary.set_index("question"), got.set_index(["question", "text"])


def test_prelabel_reads_structured_replies(sqlite_store, fake_openai: FakeOpenAI) -> None:
    model = lw.models.OpenAIChat("m", base_url=fake_openai.base_url, structured="auto")
    summary, got = _prelabeled(sqlite_store, fake_openai, model)
    assert all("response_format" in r for r in fake_openai.requests)
    assert summary["parse_errors"].sum() == 0 and summary["failed"].sum() == 0
    texas, payment, england = CHUNKS
    assert got.loc[("law", texas), "answer"] == "the laws of Texas"
    assert got.loc[("law", payment), "answer"] is lw.UNKNOWN
    assert got.loc[("has_clause", england), "answer"] == "yes"
    assert got.loc[("has_clause", payment), "answer"] == "no"
    assert got.loc[("fee", payment), "answer"] == 30
    assert got.loc[("fee", texas), "answer"] is lw.UNKNOWN
    # a spans reply quotes the text; the quote is placed in the chunk (document offsets)
    spans = got.loc[("clauses", england), "answer"]
    chunk = sqlite_store.chunks().set_index("text").loc[england]
    (span,) = spans
    start = span["start"] - int(chunk["char_start"])
    assert (
        england[start : span["end"] - int(chunk["char_start"])] == "the laws of England and Wales"
    )
    assert got.loc[("clauses", payment), "answer"] == []
    assert {m["structured"] for m in got["meta"]} == {True}
    assert json.loads(got.loc[("law", texas), "raw"])["not_in_text"] is False


def test_a_server_refusing_json_schema_is_asked_in_text_from_then_on(
    sqlite_store, fake_openai: FakeOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    fake_openai.json_schema = "refused"
    model = lw.models.OpenAIChat(
        "refuser", base_url=fake_openai.base_url, structured="auto", max_concurrency=1
    )
    with caplog.at_level(logging.WARNING, logger="labelwidgets.models"):
        summary, got = _prelabeled(sqlite_store, fake_openai, model)
    # one refused request, that prompt asked again in text, every later one in text only
    with_schema = [i for i, r in enumerate(fake_openai.requests) if "response_format" in r]
    assert with_schema == [0]
    assert len(fake_openai.requests) == 1 + len(CHUNKS) * len(STRUCTURED_TASK.questions)
    assert summary["failed"].sum() == 0  # nothing failed for the user
    texas, payment, _ = CHUNKS
    assert got.loc[("law", texas), "answer"] == "the laws of Texas"
    assert got.loc[("law", payment), "answer"] is lw.UNKNOWN
    assert {m["structured"] for m in got["meta"]} == {False}
    assert all("response_format" in m["note"] for m in got["meta"])
    assert "response_format" in model.refused_structured
    assert [r.message for r in caplog.records].count(caplog.records[0].message) == 1
    # the endpoint is remembered: a new adapter for it asks in text straight away
    again = lw.models.OpenAIChat("refuser", base_url=fake_openai.base_url, structured="auto")
    (reply,) = again.answer([LAW], question=KINDS[0])
    assert "response_format" not in fake_openai.requests[-1]
    assert reply.text == "the laws of Texas" and reply.structured is False


def test_other_client_errors_are_not_taken_for_a_refusal(fake_openai: FakeOpenAI) -> None:
    model = lw.models.OpenAIChat(
        "picky", base_url=fake_openai.base_url, structured="auto", retries=0
    )
    fake_openai.script.append(400)  # "try again": says nothing about response_format
    (reply,) = model.answer([LAW], question=KINDS[0])
    assert reply.error == "HTTP 400: try again" and reply.text is None
    assert model.refused_structured is None
    assert len(fake_openai.requests) == 1


CHUNK = "This Agreement is governed by the laws of Texas. Fee: EUR 2.000,50."


@pytest.mark.parametrize(
    ("question", "reply", "value", "error"),
    [
        (KINDS[0], {"not_in_text": True, "answer": None, "quote": None}, lw.UNKNOWN, None),
        (
            KINDS[0],
            {"not_in_text": False, "answer": "The document does not say."},
            lw.UNKNOWN,
            None,
        ),
        (KINDS[0], {"not_in_text": False, "answer": "Unknown Corp."}, "Unknown Corp.", None),
        (KINDS[1], {"not_in_text": False, "answer": "yes"}, "yes", None),
        (KINDS[1], {"not_in_text": False, "answer": "maybe"}, None, "'maybe' is not one of"),
        (KINDS[2], {"not_in_text": False, "answer": ["payment", "law"]}, ["law", "payment"], None),
        (KINDS[3], {"not_in_text": False, "answer": 3}, 3, None),
        (KINDS[3], {"not_in_text": False, "answer": 9}, None, "whole number 1–3"),
        (KINDS[4], {"not_in_text": False, "answer": 2000.5}, 2000.5, None),
        (KINDS[4], {"not_in_text": False, "answer": True}, None, "is not a number"),
        (KINDS[5], {"not_in_text": False, "answer": "2021-03"}, "2021-03", None),
        (KINDS[6], {"not_in_text": False, "answer": []}, [], None),
        (
            KINDS[6],
            {"not_in_text": False, "answer": [{"label": "LAW", "quote": "Ohio"}]},
            None,
            "not in the text",
        ),
        (KINDS[0], {"not_in_text": "no", "answer": "x"}, None, "not true or false"),
        (
            lw.Question("need", allow_unknown=False),
            {"not_in_text": True, "answer": None},
            None,
            "needs an answer",
        ),
    ],
)
def test_structured_replies_are_read_by_their_fields(question, reply, value, error) -> None:
    parsed = lw.prompts.parse_answer(question, json.dumps(reply), chunk_text=CHUNK)
    assert (parsed.value, parsed.error is None) == (value, error is None)
    if error:
        assert parsed.error.startswith("structured reply: ") and error in parsed.error
