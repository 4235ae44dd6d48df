"""Any OpenAI-compatible chat-completions endpoint: OpenAI, vLLM, Ollama, llama.cpp server."""

from __future__ import annotations

import dataclasses
import email.utils
import logging
import os
import random
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Literal

from labelwidgets.models.base import ModelAnswer
from labelwidgets.models.structured import response_format

if TYPE_CHECKING:
    from labelwidgets.schema import Question

log = logging.getLogger("labelwidgets.models")

_RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}
_MAX_RETRY_AFTER = 60.0
_MASK = "***"
# Endpoints (URL, model) that refused response_format: asked in plain text from then on, for the
# life of this process, by every OpenAIChat pointed at them. Value: the server's reason.
_REFUSED: dict[tuple[str, str], str] = {}
_REFUSED_LOCK = threading.Lock()
_REFUSAL_WORDS = ("response_format", "json_schema", "json schema", "structured output")


class OpenAIChat:
    """Chat completions over HTTP with bounded concurrency, timeouts and retries.

    Speaks the ``/chat/completions`` API with ``httpx`` — the ``[openai]`` extra installs
    ``httpx`` only; the ``openai`` SDK is not needed and not used — so it works with OpenAI,
    Azure OpenAI and any server that copies the API: vLLM, Ollama, llama.cpp, LM Studio, TGI.

    Parameters
    ----------
    model
        The model name the server expects (also the name recorded on suggestions).
    base_url
        The API root, e.g. ``"http://localhost:8000/v1"`` for vLLM or
        ``"http://localhost:11434/v1"`` for Ollama (default: OpenAI's).
    api_key_env
        Name of the environment variable holding the key. The key is read from the environment
        at request time only, is never kept on the object, and is masked in errors and logs; it
        never reaches the store. Local servers usually need none.
    max_concurrency
        Requests in flight at once.
    timeout
        Seconds per request (connect, send and each wait for the server).
    retries
        Extra attempts on 408/409/425/429/5xx, timeouts, connection errors and malformed replies,
        with exponential backoff and jitter; a ``Retry-After`` header (seconds or a date, up to
        60 s) is honoured. Other 4xx errors are not retried.
    temperature, max_tokens, max_completion_tokens
        Sent only when set: by default the server decides. Reasoning models (OpenAI's o-series,
        gpt-5) refuse ``temperature`` and ``max_tokens`` and take ``max_completion_tokens``.
    system_prompt
        A system message sent before every prompt.
    params
        Any other request parameters, sent as given (``{"reasoning_effort": "low", "seed": 7}``).
    backoff
        Base delay in seconds: attempt ``k`` waits ``backoff * 2**k``, times a random 0.5–1.5.
    structured
        ``False`` (default): the model replies in text, read by
        :func:`~labelwidgets.models.prompts.parse_answer`. ``"auto"`` (or ``True``, the same):
        when the adapter is told the question (``prelabel`` does), it sends
        ``response_format={"type": "json_schema", ...}`` with the question kind's schema
        (:func:`labelwidgets.models.structured.response_format`: the answer typed by kind,
        choices as an enum, and always a ``not_in_text`` flag). A server that refuses it
        (HTTP 400/422 naming ``response_format`` or ``json_schema``) is asked again in text, and
        that endpoint is asked in text from then on (:attr:`refused_structured`); nothing fails,
        and each answer says how it was asked (``ModelAnswer.structured``, saved in the
        suggestion's ``meta``).

    For Azure OpenAI use :meth:`azure` (deployment URL, ``api-version`` and ``api-key`` header).

    Examples
    --------
    >>> model = OpenAIChat("llama3.1:8b", base_url="http://localhost:11434/v1")
    >>> model
    OpenAIChat(model='llama3.1:8b', base_url='http://localhost:11434/v1', api_key_env='OPENAI_API_KEY')

    ``model.answer(["Say hi"])`` then returns ``[ModelAnswer(text='Hi!', ...)]``; a request that
    still fails after its retries comes back with ``error`` set instead of raising.
    """

    def __init__(
        self,
        model: str,
        base_url: str | None = None,
        *,
        api_key_env: str = "OPENAI_API_KEY",
        max_concurrency: int = 4,
        timeout: float = 60,
        retries: int = 3,
        temperature: float | None = None,
        max_tokens: int | None = None,
        max_completion_tokens: int | None = None,
        system_prompt: str | None = None,
        params: dict[str, Any] | None = None,
        backoff: float = 0.5,
        structured: bool | Literal["auto"] = False,
    ) -> None:
        try:
            import httpx  # noqa: F401
        except ImportError:
            raise ImportError(
                "OpenAIChat needs the 'openai' extra: pip install 'labelwidgets[openai]'"
            ) from None
        if not isinstance(model, str) or not model.strip():
            raise ValueError("OpenAIChat: model must be a non-empty model name")
        if not isinstance(max_concurrency, int) or max_concurrency < 1:
            raise ValueError(
                f"OpenAIChat: max_concurrency must be an int >= 1, got {max_concurrency!r}"
            )
        if not timeout or timeout <= 0:
            raise ValueError(f"OpenAIChat: timeout must be > 0 seconds, got {timeout!r}")
        if not isinstance(retries, int) or retries < 0:
            raise ValueError(f"OpenAIChat: retries must be an int >= 0, got {retries!r}")
        if structured not in (False, True, "auto"):
            raise ValueError(
                f"OpenAIChat: structured must be False, True or 'auto', got {structured!r}"
            )
        self.structured = bool(structured)
        self.model = model
        self.base_url = (base_url or "https://api.openai.com/v1").rstrip("/")
        self.api_key_env = api_key_env
        self.max_concurrency = max_concurrency
        self.timeout = timeout
        self.retries = retries
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.max_completion_tokens = max_completion_tokens
        self.params = dict(params or {})
        self.system_prompt = system_prompt
        self._url = f"{self.base_url}/chat/completions"
        self._query: dict[str, str] = {}
        self._key_header = "bearer"  # Azure: the key goes in an "api-key" header
        self.backoff = backoff
        self.name = model
        if self.base_url.startswith("https://api.openai.com") and not os.environ.get(api_key_env):
            raise ValueError(
                f"OpenAIChat: set the environment variable {api_key_env} to your API key"
            )

    @classmethod
    def azure(
        cls,
        endpoint: str,
        deployment: str,
        *,
        api_version: str = "2024-10-21",
        api_key_env: str = "AZURE_OPENAI_API_KEY",
        **kwargs: Any,
    ) -> OpenAIChat:
        """An Azure OpenAI deployment: ``POST {endpoint}/openai/deployments/{deployment}/chat/
        completions?api-version=...`` with the key in an ``api-key`` header.

        Parameters
        ----------
        endpoint
            The resource's endpoint, e.g. ``"https://my-resource.openai.azure.com"``.
        deployment
            The deployment name (also the name recorded on suggestions).
        api_version
            Azure's ``api-version`` query parameter.
        api_key_env, **kwargs
            As for :class:`OpenAIChat`.
        """
        if not isinstance(endpoint, str) or not endpoint.startswith(("http://", "https://")):
            raise ValueError(f"OpenAIChat.azure: endpoint must be an http(s) URL, got {endpoint!r}")
        if not isinstance(api_version, str) or not api_version.strip():
            raise ValueError("OpenAIChat.azure: api_version must be a non-empty string")
        model = cls(deployment, endpoint, api_key_env=api_key_env, **kwargs)
        model._url = f"{model.base_url}/openai/deployments/{deployment}/chat/completions"
        model._query = {"api-version": api_version}
        model._key_header = "api-key"
        return model

    # prelabel passes the question being asked (see labelwidgets.models.base.ask)
    takes_question = True

    @property
    def refused_structured(self) -> str | None:
        """Why this endpoint refused structured output (it is then asked in text), or ``None``."""
        return _REFUSED.get((self._url, self.model))

    def _body(self, prompt: str, question: Question | None = None) -> dict[str, Any]:
        """The request: the messages and only the parameters that were set (plus the reply
        schema when structured output is on, the question known and the endpoint not refusing
        it)."""
        messages = [{"role": "system", "content": self.system_prompt}] if self.system_prompt else []
        messages.append({"role": "user", "content": prompt})
        body: dict[str, Any] = {"model": self.model, "messages": messages}
        if self._key_header == "api-key":
            del body["model"]  # Azure: the deployment in the URL is the model
        for name in ("temperature", "max_tokens", "max_completion_tokens"):
            if getattr(self, name) is not None:
                body[name] = getattr(self, name)
        if self.structured and question is not None and self.refused_structured is None:
            body["response_format"] = response_format(question)
        return {**body, **self.params}

    def __repr__(self) -> str:
        return (
            f"OpenAIChat(model={self.model!r}, base_url={_without_userinfo(self.base_url)!r}, "
            f"api_key_env={self.api_key_env!r})"
        )

    def answer(self, prompts: list[str], *, question: Question | None = None) -> list[ModelAnswer]:
        """One :class:`ModelAnswer` per prompt, in order, at most ``max_concurrency`` at a time.

        Never raises for a failed request: after its retries the item comes back with ``error``.
        ``question`` (the :class:`~labelwidgets.Question` every prompt asks) lets a
        ``structured`` adapter ask for that question's reply schema.
        """
        import httpx

        if not prompts:
            return []
        limits = httpx.Limits(
            max_connections=self.max_concurrency, max_keepalive_connections=self.max_concurrency
        )
        with (
            httpx.Client(timeout=self.timeout, limits=limits) as client,
            ThreadPoolExecutor(max_workers=min(self.max_concurrency, len(prompts))) as pool,
        ):
            return list(pool.map(lambda p: self._asked(client, p, question), prompts))

    def _asked(self, client: Any, prompt: str, question: Question | None) -> ModelAnswer:
        """One prompt; a refused reply schema is remembered and the prompt asked in text."""
        body = self._body(prompt, question)
        if "response_format" not in body:
            reply = self._one(client, body)
            refused = self.refused_structured if self.structured and question else None
            return _noted(reply, False, refused) if refused else reply
        reply = self._one(client, body)
        if reply.error is None:
            return _noted(reply, True, None)
        if not _refuses_schema(reply.error):
            return reply
        with _REFUSED_LOCK:
            first = (self._url, self.model) not in _REFUSED
            _REFUSED.setdefault((self._url, self.model), reply.error)
        if first:
            log.warning(
                "%s: the server refused structured output (%s); asking in text from now on",
                self.name,
                reply.error,
            )
        del body["response_format"]
        return _noted(self._one(client, body), False, reply.error)

    def _one(self, client: Any, body: dict[str, Any]) -> ModelAnswer:
        import httpx

        key = os.environ.get(self.api_key_env) or None
        if not key:
            headers = {}
        elif self._key_header == "api-key":
            headers = {"api-key": key}
        else:
            headers = {"Authorization": f"Bearer {key}"}
        error = "no attempt made"
        for attempt in range(self.retries + 1):
            started = time.perf_counter()
            wait = self.backoff * (2**attempt) * (0.5 + random.random())
            try:
                response = client.post(self._url, params=self._query, json=body, headers=headers)
            except httpx.TimeoutException:
                error = f"timed out after {self.timeout:g} s"
            except httpx.HTTPError as exc:
                error = f"connection failed: {type(exc).__name__}"
            else:
                latency = (time.perf_counter() - started) * 1000
                if response.status_code == 200:
                    text, error = _content(response, key)
                    if error is None:
                        # a short "key" (Ollama's "ollama") is no secret and may be a real word
                        secret = key if key and len(key) >= 8 else None
                        return ModelAnswer(_masked(text, secret), None, latency, self.name)
                else:
                    error = f"HTTP {response.status_code}: {_error_message(response, key)}"
                    if response.status_code not in _RETRY_STATUS:
                        return ModelAnswer(None, _masked(error, key), latency, self.name)
                    wait = max(wait, _retry_after(response.headers.get("retry-after")))
            if attempt < self.retries:
                log.info("%s: %s; retrying in %.2f s", self.name, _masked(error, key), wait)
                time.sleep(wait)
        error = _masked(f"{error} (after {self.retries + 1} attempts)", key)
        log.warning("%s: %s", self.name, error)
        return ModelAnswer(None, error, None, self.name)


def _refuses_schema(error: str) -> bool:
    """Whether an error is the server refusing ``response_format`` (not a retryable failure)."""
    status = re.match(r"HTTP (\d+):", error)
    if status is None or status.group(1) not in {"400", "422", "501"}:
        return False
    return any(word in error.lower() for word in _REFUSAL_WORDS)


def _noted(reply: ModelAnswer, structured: bool, refused: str | None) -> ModelAnswer:
    note = f"structured output refused by the server: {refused}" if refused else None
    return dataclasses.replace(reply, structured=structured, note=note)


def _retry_after(value: str | None) -> float:
    """Seconds to wait from a ``Retry-After`` header (delay seconds or an HTTP date)."""
    if not value:
        return 0.0
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return 0.0
        seconds = when.timestamp() - time.time()
    return min(max(seconds, 0.0), _MAX_RETRY_AFTER)


def _content(response: Any, key: str | None) -> tuple[str, str | None]:
    """The reply text, or an error naming what is wrong with the response."""
    try:
        content = response.json()["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        return "", f"malformed response: {_masked(response.text, key)[:200]!r}"
    if not isinstance(content, str):
        return "", "malformed response: the message has no text content"
    return content, None


def _error_message(response: Any, key: str | None) -> str:
    try:
        message = response.json()["error"]["message"]
    except (ValueError, KeyError, TypeError):
        message = response.text
    return _masked(str(message), key)[:300]


def _masked(text: str, key: str | None) -> str:
    # a server may echo the request (headers included) in an error body; mask before any
    # truncation, or half a key survives
    return text.replace(key, _MASK) if key and text else text


def _without_userinfo(url: str) -> str:
    return re.sub(r"//[^/@]*@", f"//{_MASK}@", url)
