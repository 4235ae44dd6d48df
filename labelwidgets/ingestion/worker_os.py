"""What the extraction workers need from the OS, done portably (Linux, macOS, Windows): the
pipe protocol between parent and worker, a reader thread per worker pipe (instead of waiting on
pipe file descriptors, which only POSIX can), and the memory cap — ``resource.setrlimit`` where
the OS has it, else the worker's resident memory watched with ``psutil``, else a warning that
the cap is not enforced."""

from __future__ import annotations

import pickle
import queue
import struct
import threading
import warnings
from typing import IO, Any

from labelwidgets._warnings import LabelwidgetsWarning

EOF = "eof"  # put in a worker's inbox by its reader when the pipe closes (the worker died)
_HEADER = struct.Struct("!I")
_warned_unenforced = False


def send(stream: IO[bytes], obj: Any) -> None:
    """Write one message: a 4-byte length, then the pickled object."""
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:  # an unbuffered pipe may take part of it
        view = view[stream.write(view) or 0 :]
    stream.flush()


def _read_exact(stream: IO[bytes], size: int) -> bytearray:
    data = bytearray(size)
    view, got = memoryview(data), 0
    while got < size:
        n = stream.readinto(view[got:])  # type: ignore[attr-defined]
        if not n:
            raise EOFError
        got += n
    return data


def receive(stream: IO[bytes]) -> Any:
    """Read one message written by :func:`send` (``EOFError`` when the pipe has closed)."""
    size = _HEADER.unpack(_read_exact(stream, _HEADER.size))[0]
    return pickle.loads(_read_exact(stream, size))


def has_rlimit() -> bool:
    """Whether this OS lets a process limit its own memory (``resource.setrlimit``)."""
    try:
        import resource  # noqa: F401  (absent on Windows)
    except ImportError:
        return False
    return True


def limit_memory(memory_mb: int) -> None:
    """Cap this process's address space at ``memory_mb`` (where the OS can; else nothing)."""
    try:
        import resource
    except ImportError:  # the parent watches instead
        return
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def read_into(stream: IO[bytes], inbox: queue.SimpleQueue[Any], bell: threading.Condition) -> None:
    """A worker's reader thread: every message from its pipe into its inbox, then ``EOF``."""
    while True:
        try:
            message = receive(stream)
        except (EOFError, OSError, ValueError, pickle.UnpicklingError):
            message = EOF
        inbox.put(message)
        with bell:
            bell.notify_all()
        if message is EOF:
            return


def rss_reader() -> Any:
    """``pid -> resident bytes`` with psutil, or ``None`` when psutil is not installed."""
    try:
        import psutil
    except ImportError:
        return None

    def rss(pid: int) -> int:
        try:
            return int(psutil.Process(pid).memory_info().rss)
        except psutil.Error:  # exited: its end of the pipe says why
            return 0

    return rss


def warn_unenforced(memory_mb: int) -> None:
    """Warn, once per process, that the memory cap cannot be enforced here."""
    global _warned_unenforced
    if _warned_unenforced:
        return
    _warned_unenforced = True
    warnings.warn(
        f"memory_mb={memory_mb} is not enforced on this OS: it has no resource.setrlimit, and "
        "watching the extraction processes' memory instead needs psutil (pip install psutil); "
        "the time budget still applies",
        LabelwidgetsWarning,
        stacklevel=4,
    )
