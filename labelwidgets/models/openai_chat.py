"""Any OpenAI-compatible chat-completions endpoint: OpenAI, vLLM, Ollama, llama.cpp server."""

from __future__ import annotations

import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from labelwidgets.models.base import ModelAnswer

_RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}


class OpenAIChat:
    """Chat completions over HTTP with bounded concurrency, timeouts and retries.

    Parameters
    ----------
    model
        The model name the server expects.
    base_url
        The API root, e.g. ``"http://localhost:8000/v1"`` for vLLM (default: OpenAI's).
    api_key_env
        Name of the environment variable holding the key. The key is read from the environment
        only and never appears in reprs, errors, logs or the store.
    max_concurrency
        Requests in flight at once.
    timeout
        Seconds per request.
    retries
        Extra attempts on 429, 5xx, timeouts and connection errors, with exponential backoff and
        jitter (``Retry-After`` is honoured).
    """

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key_env: str = "OPENAI_API_KEY",
        max_concurrency: int = 4,
        timeout: float = 60,
        retries: int = 3,
        temperature: float = 0.0,
        max_tokens: int | None = 256,
        system_prompt: str | None = None,
        backoff: float = 0.5,
    ) -> None:
        try:
            import httpx  # noqa: F401
        except ImportError:
            raise ImportError(
                "OpenAIChat needs the 'openai' extra: pip install 'labelwidgets[openai]'"
            ) from None
        if max_concurrency < 1:
            raise ValueError(f"max_concurrency must be >= 1, got {max_concurrency}")
        self.model = model
        self.base_url = (base_url or "https://api.openai.com/v1").rstrip("/")
        self.api_key_env = api_key_env
        self.max_concurrency = max_concurrency
        self.timeout = timeout
        self.retries = retries
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.system_prompt = system_prompt
        self.backoff = backoff
        self.name = model
        if self.base_url.startswith("https://api.openai.com") and not os.environ.get(api_key_env):
            raise ValueError(f"set the environment variable {api_key_env} to your API key")

    def __repr__(self) -> str:
        return f"OpenAIChat(model={self.model!r}, base_url={self.base_url!r}, api_key_env={self.api_key_env!r})"

    def _headers(self) -> dict[str, str]:
        key = os.environ.get(self.api_key_env)
        return {"Authorization": f"Bearer {key}"} if key else {}

    def answer(self, prompts: list[str]) -> list[ModelAnswer]:
        import httpx

        local = threading.local()

        def client() -> httpx.Client:
            if not hasattr(local, "client"):
                local.client = httpx.Client(timeout=self.timeout)
            return local.client

        with ThreadPoolExecutor(max_workers=self.max_concurrency) as pool:
            return list(pool.map(lambda p: self._one(client(), p), prompts))

    def _one(self, client: Any, prompt: str) -> ModelAnswer:
        import httpx

        messages = [{"role": "system", "content": self.system_prompt}] if self.system_prompt else []
        messages.append({"role": "user", "content": prompt})
        body: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "temperature": self.temperature,
        }
        if self.max_tokens:
            body["max_tokens"] = self.max_tokens
        error = "no attempt made"
        for attempt in range(self.retries + 1):
            started = time.perf_counter()
            wait = self.backoff * (2**attempt) * (0.5 + random.random())
            try:
                response = client.post(f"{self.base_url}/chat/completions", json=body,
                                       headers=self._headers())  # fmt: skip
            except httpx.TimeoutException:
                error = f"timed out after {self.timeout:g} s"
            except httpx.HTTPError as exc:
                error = f"connection failed: {type(exc).__name__}"
            else:
                latency = (time.perf_counter() - started) * 1000
                if response.status_code == 200:
                    return _reply(response, latency)
                error = f"HTTP {response.status_code}: {response.text[:200]}"
                if response.status_code not in _RETRY_STATUS:
                    return ModelAnswer(None, error, latency)
                wait = max(wait, _retry_after(response))
            if attempt < self.retries:
                time.sleep(wait)
        return ModelAnswer(None, f"{error} (after {self.retries + 1} attempts)")


def _retry_after(response: Any) -> float:
    try:
        return min(float(response.headers.get("retry-after", 0)), 60.0)
    except ValueError:
        return 0.0


def _reply(response: Any, latency: float) -> ModelAnswer:
    try:
        content = response.json()["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        return ModelAnswer(None, f"malformed response: {response.text[:200]!r}", latency)
    if not isinstance(content, str):
        return ModelAnswer(None, "malformed response: the message has no text content", latency)
    return ModelAnswer(content, None, latency)
