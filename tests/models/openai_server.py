"""A real HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions API, for the tests.

It answers deterministically from the prompt (the "law" named in the text, or NOT_IN_TEXT), and
can be told, request by request (``server.script``), to fail with a status code (429s carry
``Retry-After: server.retry_after``), to stall past the client's timeout, to return garbage, or
to fail with an error body that echoes the request headers (as some proxies do). It records every
request body, Authorization header and arrival time, and the most requests ever in flight.

Structured output (``server.json_schema``): ``"supported"`` (the default) answers a request with
``response_format`` by a JSON object that follows the schema's envelope (``not_in_text``,
``answer`` typed by the schema, ``quote``); ``"refused"`` answers it with HTTP 400 naming
``response_format``, as servers and models without JSON-schema support do."""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def deterministic_reply(prompt: str) -> str:
    text = prompt.split('"""')[1] if '"""' in prompt else prompt
    if "SCRAMBLED" in text:  # a model having a bad day: a reply no parser can read
        return "lorem ipsum dolor"
    if "Reply with exactly one of: yes, no" in prompt:
        return "Yes." if "governed by" in text else "no"
    found = re.search(
        r"governed by (?:and construed in accordance with )?(the laws of [^,.]+)", text
    )
    return found.group(1) if found else "NOT_IN_TEXT"


def structured_reply(prompt: str, response_format: dict[str, Any]) -> str:
    """The deterministic reply as a JSON object following the requested schema's envelope."""
    schema = response_format["json_schema"]["schema"]
    answer_schema = schema["properties"]["answer"]
    text = deterministic_reply(prompt)
    if answer_schema["type"] == "array" and "label" in answer_schema["items"]["properties"]:
        label = answer_schema["items"]["properties"]["label"]["enum"][0]  # a spans question
        spans = [] if text == "NOT_IN_TEXT" else [{"label": label, "quote": text}]
        reply: dict[str, Any] = {"not_in_text": False, "answer": spans}
    elif "number" in answer_schema["type"]:  # the first number written in the text
        text_only = prompt.split('"""')[1] if '"""' in prompt else prompt
        found = re.search(r"\d+(?:\.\d+)?", text_only)
        reply = {"not_in_text": not found, "answer": float(found[0]) if found else None}
    elif text == "NOT_IN_TEXT":
        reply = {"not_in_text": True, "answer": None}
    elif "enum" in answer_schema:  # a choice: the choice the text reply names
        options = [c for c in answer_schema["enum"] if c is not None]
        picked = [c for c in options if str(c).lower() == text.lower().rstrip(".")]
        reply = {"not_in_text": not picked, "answer": picked[0] if picked else None}
    else:
        reply = {"not_in_text": False, "answer": text}
    if "quote" in schema["properties"]:
        reply["quote"] = None if reply["not_in_text"] else text
    return json.dumps(reply)


def _content(prompt: str, response_format: dict[str, Any] | None) -> str:
    if response_format is None:
        return deterministic_reply(prompt)
    return structured_reply(prompt, response_format)


class FakeOpenAI(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        # per request: int status, "stall", "garbage", "echo" or "ok" (the default)
        self.script: deque[Any] = deque()
        self.stall_s = 5.0
        self.hold_s = 0.02  # every request takes this long, so concurrent ones overlap
        self.retry_after = "0"
        self.arrivals: list[float] = []
        self.requests: list[dict[str, Any]] = []
        self.auth_headers: list[str] = []
        self.api_key_headers: list[str] = []  # Azure's "api-key" header
        self.paths: list[str] = []  # path and query of each request
        self.json_schema = "supported"  # or "refused"
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class _Handler(BaseHTTPRequestHandler):
    server: FakeOpenAI

    def log_message(self, *args: Any) -> None:  # keep test output quiet
        pass

    def do_POST(self) -> None:
        server = self.server
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with server.lock:
            server.requests.append(body)
            server.auth_headers.append(self.headers.get("Authorization", ""))
            server.api_key_headers.append(self.headers.get("api-key", ""))
            server.paths.append(self.path)
            server.arrivals.append(time.monotonic())
            action = server.script.popleft() if server.script else "ok"
            server.in_flight += 1
            server.max_in_flight = max(server.max_in_flight, server.in_flight)
        try:
            time.sleep(server.hold_s)
            if action == "stall":
                time.sleep(server.stall_s)
            if isinstance(action, int):
                headers = {"Retry-After": server.retry_after} if action == 429 else {}
                self._send(action, {"error": {"message": "try again"}}, headers)
            elif action == "echo":
                # like a proxy that quotes the request, key and all
                headers = {"Authorization": self.headers.get("Authorization"), **self.headers}
                self._send(500, {"error": {"message": f"bad gateway; request headers: {headers}"}})
            elif action == "garbage":
                self._send(200, None, raw=b"<html>oops</html>")
            elif "response_format" in body and server.json_schema == "refused":
                message = (
                    "Invalid parameter: 'response_format' of type 'json_schema' is not "
                    "supported with this model."
                )
                self._send(400, {"error": {"message": message, "param": "response_format"}})
            else:
                prompt = body["messages"][-1]["content"]
                reply = {
                    "id": "x",
                    "object": "chat.completion",
                    "model": body.get("model", "a deployment"),  # Azure names none
                    "choices": [
                        {
                            "index": 0,
                            "finish_reason": "stop",
                            "message": {
                                "role": "assistant",
                                "content": _content(prompt, body.get("response_format")),
                            },
                        }
                    ],
                }
                self._send(200, reply)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with server.lock:
                server.in_flight -= 1

    def _send(
        self,
        status: int,
        payload: Any,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> None:
        data = raw if raw is not None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)
