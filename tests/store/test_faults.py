"""Faults in the middle of a write.

A PostgreSQL commit whose reply is lost: the retry must not store the submission twice. A TCP
proxy between the store and the server forwards everything, except that once armed it
swallows the server's reply to the next COMMIT and cuts the connection: the commit happened,
but the client only sees the connection die.

A submission whose write fails after its events are inserted (a trigger of the database makes
the next statement fail): nothing of it is stored, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from labelwidgets.store import LabelStore, StoreError, StoreUnavailable
from tests.conftest import drop_pg_schema
from tests.store.helpers import CONTRACT_TASK, fill

_COMMIT = b"Q\x00\x00\x00\x0bCOMMIT\x00"  # the simple-query message psycopg sends to commit


class CommitReplyDropper:
    """Forwards 127.0.0.1:<port> to the PostgreSQL server; ``arm()`` drops one COMMIT reply."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.armed = threading.Event()
        self.dropped = threading.Event()
        self.port = 0
        self.open: list[socket.socket] = []
        self.start()

    def start(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def arm(self) -> None:
        self.dropped.clear()
        self.armed.set()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            self.open += [client, server]
            state = {"commit_sent": False}
            threading.Thread(target=self._up, args=(client, server, state), daemon=True).start()
            threading.Thread(target=self._down, args=(server, client, state), daemon=True).start()

    def _up(self, client: socket.socket, server: socket.socket, state: dict) -> None:
        while data := _recv(client):
            if self.armed.is_set() and _COMMIT in data:
                state["commit_sent"] = True
            try:
                server.sendall(data)
            except OSError:  # the other direction cut the connection first
                break
        _close(client, server)

    def _down(self, server: socket.socket, client: socket.socket, state: dict) -> None:
        while data := _recv(server):
            if state["commit_sent"]:  # the server committed; its reply never arrives
                self.armed.clear()
                self.dropped.set()
                break
            try:
                client.sendall(data)
            except OSError:
                break
        _close(client, server)

    def close(self) -> None:
        """Stop listening and cut every open connection: the server is gone."""
        _close(self.listener)  # shutdown wakes the thread blocked in accept()
        _close(*self.open)
        self.open.clear()


def _recv(sock: socket.socket) -> bytes:
    try:
        return sock.recv(65536)
    except OSError:
        return b""


def _close(*socks: socket.socket) -> None:
    for sock in socks:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()


@pytest.fixture
def proxied(pg_url: str) -> Iterator[tuple[LabelStore, CommitReplyDropper]]:
    host, _, port = pg_url.split("@", 1)[1].split("/", 1)[0].partition(":")
    proxy = CommitReplyDropper((host, int(port or 5432)))
    schema = f"lw_fault_{uuid.uuid4().hex[:10]}"
    url = pg_url.replace(f"{host}:{port}", f"127.0.0.1:{proxy.port}")
    store = LabelStore(url, schema=schema)
    yield store, proxy
    store.close()
    proxy.close()
    drop_pg_schema(pg_url, schema)


def test_a_commit_whose_reply_is_lost_is_stored_exactly_once(proxied) -> None:
    store, proxy = proxied
    ids = fill(store)
    proxy.arm()
    event_ids = store.record_answers(
        CONTRACT_TASK, ids[0], {"has_clause": "no", "renewal_months": 24}, labeler="alice"
    )
    assert proxy.dropped.is_set()  # the reply really was lost, and the call still succeeded
    events = store.events(CONTRACT_TASK)
    assert sorted(events["event_id"]) == sorted(event_ids)
    assert events["question"].tolist().count("renewal_months") == 1
    assert store.answers(CONTRACT_TASK)["answer"].tolist().count(24) == 1
    assert store.progress(CONTRACT_TASK, "alice")["done"] == 1


def test_the_same_submission_id_is_stored_once(proxied) -> None:
    store, _ = proxied
    ids = fill(store)
    first = store.record_answer(
        CONTRACT_TASK, ids[0], "renewal_months", 6, labeler="alice", submission_id="view-1:7"
    )
    again = store.record_answer(
        CONTRACT_TASK, ids[0], "renewal_months", 6, labeler="alice", submission_id="view-1:7"
    )
    assert again == first
    assert len(store.events(CONTRACT_TASK)) == 1


def test_a_server_that_cannot_be_reached_is_a_clear_error(proxied) -> None:
    store, proxy = proxied
    ids = fill(store)
    proxy.close()  # the server is gone: connections are refused
    with pytest.raises(StoreUnavailable, match="the database cannot be reached") as failure:
        store.record_answer(CONTRACT_TASK, ids[0], "has_clause", "no", labeler="alice")
    assert "Connection refused" in str(failure.value) and "INSERT" not in str(failure.value)
    proxy.start()
    assert store.record_answer(CONTRACT_TASK, ids[0], "has_clause", "no", labeler="alice") > 0


def _fail_on_insert(store: LabelStore, table: str) -> None:
    """A trigger that makes every INSERT into ``table`` fail, as a disk or server fault would."""
    prefix = f'"{store.schema}".' if store.schema else ""
    with store._engine.begin() as conn:
        if store.dialect == "sqlite":
            conn.execute(
                text(
                    f"CREATE TRIGGER lw_fault BEFORE INSERT ON {table} "
                    "BEGIN SELECT RAISE(ABORT, 'injected fault'); END"
                )
            )
            return
        conn.execute(
            text(
                f"CREATE FUNCTION {prefix}lw_fault() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'injected fault'; END $$"
            )
        )
        conn.execute(
            text(
                f"CREATE TRIGGER lw_fault BEFORE INSERT ON {prefix}{table} "
                f"FOR EACH ROW EXECUTE FUNCTION {prefix}lw_fault()"
            )
        )


@pytest.mark.parametrize("table", ["current_answers", "progress", "submissions"])
def test_a_submission_that_fails_after_its_events_leaves_nothing(
    store: LabelStore, table: str
) -> None:
    ids = fill(store)
    assert store.next_chunk(CONTRACT_TASK, "alice") == ids[0]  # leased to alice
    store.record_answers(
        CONTRACT_TASK, ids[1], {"has_clause": "no", "renewal_months": 6}, labeler="bob"
    )
    before = (store.events(CONTRACT_TASK), store.answers(CONTRACT_TASK))
    _fail_on_insert(store, table)  # the events go in, then writing `table` fails
    with pytest.raises(StoreError, match="injected fault"):
        store.record_submission(
            CONTRACT_TASK,
            ids[0],
            {"has_clause": "yes", "governing_law": "the laws of New York", "renewal_months": 12},
            labeler="alice",
            require_complete=True,
            submission_id="view-1:1",
        )
    events, answers = store.events(CONTRACT_TASK), store.answers(CONTRACT_TASK)
    assert events["event_id"].tolist() == before[0]["event_id"].tolist()  # no event of it
    assert answers.equals(before[1])  # no current answer of it
    assert store.finished(CONTRACT_TASK, "alice") == set()  # not done
    # its lease still holds: bob (one labeler per chunk) is not handed the chunk
    assert store.next_chunk(CONTRACT_TASK, "bob", lease=False) == ids[2]
    with store._engine.begin() as conn:
        on = "" if store.dialect == "sqlite" else f' ON "{store.schema}".{table}'
        conn.execute(text(f"DROP TRIGGER lw_fault{on}"))
    # the same submission id again is a new submission: nothing of the failed one was kept
    event_ids, result = store.record_submission(
        CONTRACT_TASK,
        ids[0],
        {"has_clause": "yes", "governing_law": "the laws of New York", "renewal_months": 12},
        labeler="alice",
        require_complete=True,
        submission_id="view-1:1",
    )
    assert result.complete and len(event_ids) == 3
    assert store.finished(CONTRACT_TASK, "alice") == {ids[0]}
    assert sorted(store.events(CONTRACT_TASK)["event_id"]) == sorted(
        [*before[0]["event_id"], *event_ids]
    )
