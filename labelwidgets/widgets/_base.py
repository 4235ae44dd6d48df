"""What every labelwidgets widget shares: its bundle, typed messages with sequence numbers,
acknowledgements sent only after the store's durable write, and JSON encoding of answers."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import anywidget
import traitlets

from labelwidgets.schema import answer_from_json, answer_to_json
from labelwidgets.widgets._payload import MalformedCommand, check_command, check_fields

STATIC = Path(__file__).resolve().parents[1] / "static"


def bundle(stem: str) -> tuple[Path, Path]:
    """The bundled front end of the widget called ``stem`` (``js/<stem>.js`` built by esbuild)."""
    return STATIC / f"{stem}.js", STATIC / f"{stem}.css"


encode = answer_to_json  # UNKNOWN <-> {"unknown": true} on the way to and from the front end
decode = answer_from_json


class JobFailed(RuntimeError):
    """A background job's expected failure (a model that is down): shown as is, no traceback."""


class CommandWidget(anywidget.AnyWidget):
    """Routes ``{"type": ..., "seq": ...}`` messages from the front end to ``_on_<type>``.

    The reply is the ``ack`` trait, ``{"seq", "ok", "message", ...}``, set after the handler
    returned, i.e. after the store made the write durable. ``seq`` changes on every action, so
    repeating the same action is never lost as an unchanged trait. A failure that is not the
    user's to fix (a bug, a lost database connection, a background job that failed) goes to the
    ``error`` trait, which the view shows until the next command.
    """

    # True: a command's trait changes and its ack reach the front end as one message. Leave it
    # False for widgets whose background threads set traits (ipywidgets' hold is not thread-safe).
    batch_replies: ClassVar[bool] = False
    ack = traitlets.Dict({}).tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.command_seq: Any = None
        self.on_msg(self._dispatch)

    def _dispatch(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not self.batch_replies:
            self._run(content)
            return
        with self.hold_sync():
            self._run(content)

    def _run(self, content: Any) -> None:
        seq = content.get("seq") if isinstance(content, dict) else None
        try:
            kind, handler = check_command(content, lambda k: getattr(self, f"_on_{k}", None))
            payload = {k: v for k, v in content.items() if k not in ("type", "seq")}
            check_fields(kind, handler, payload)
        except MalformedCommand as exc:  # the front end never sends this: a bug, shown as one
            self.error = f"{exc}; nothing was stored"
            self.ack = {"seq": seq, "ok": False, "message": str(exc)}
            return
        self.command_seq = seq  # a handler may key an idempotent write on it
        # cleared before the handler runs: a job it starts may report a failure at once
        self.error = ""
        try:
            extra = handler(**payload) or {}
        except (ValueError, TypeError, KeyError) as exc:
            self.ack = {"seq": seq, "ok": False, "message": str(exc), **_details(exc)}
            return
        except Exception as exc:  # shown in the widget; the store is unchanged (transaction)
            self._report(exc)
            self.ack = {"seq": seq, "ok": False, "message": self.error}
            return
        self.ack = {"seq": seq, "ok": True, "message": "", **extra}

    def start_job(
        self, work: Callable[[], object], *, finish: Callable[[], object], wait: bool = False
    ) -> threading.Thread:
        """Run ``work`` on a background thread, then ``finish``, which always runs.

        Every background job of a widget goes through here: whatever ``work`` or ``finish``
        raises goes to the ``error`` trait (the view shows it), and ``finish`` resets the
        widget's busy state, so a failing job never leaves the view running or fails silently.
        ``wait=True`` returns once both ran (for scripts and tests).
        """

        def body() -> None:
            failed = False
            try:
                work()
            except Exception as exc:
                failed = True
                self._report(exc)
            try:
                finish()
            except Exception as exc:
                if not failed:  # the first failure is the one worth reading
                    self._report(exc)
                else:
                    traceback.print_exception(exc)

        thread = threading.Thread(target=body, name=f"{type(self).__name__}-job", daemon=True)
        thread.start()
        if wait:
            thread.join()
        return thread

    def _report(self, exc: Exception) -> None:
        if isinstance(exc, JobFailed):
            self.error = str(exc)
            return
        traceback.print_exception(exc)
        self.error = f"{type(exc).__name__}: {exc}"

    def send_command(self, type_: str, seq: int = 0, **payload: Any) -> dict[str, Any]:
        """Act exactly as the front end does (for scripts and tests); returns the ack."""
        self._dispatch(self, {"type": type_, "seq": seq, **payload}, [])
        return dict(self.ack)


def _details(exc: BaseException) -> dict[str, Any]:
    problems = getattr(exc, "problems", None)
    if problems is None:
        return {}
    return {"problems": problems, "forceable": bool(getattr(exc, "forceable", False))}
