"""Passwords never show: repr, str, ``store.url``, errors, logs, the export manifest and widget
state all go through one masking function over the whole URL."""

from __future__ import annotations

import json
import logging
import warnings
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import labelwidgets as lw
from labelwidgets.store import LabelStore, StoreUnavailable, mask_url
from tests.store.helpers import CONTRACT_TASK, fill

# Any text a password can be, short of line breaks (which no URL carries).
passwords = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), min_size=1
)
SKELETON = "postgresql+psycopg://bob:***@db.example:5432/labels?sslmode=require"


@given(passwords)
def test_a_password_in_the_userinfo_is_masked_in_every_encoding(password: str) -> None:
    assume("://" not in password)
    forms = {
        password,  # as typed, even with "@", "/", "?" or spaces in it
        quote(password, safe=""),  # percent-encoded
        quote(password, safe=" +"),  # as SQLAlchemy renders it (spaces stay raw)
    }
    for form in forms:
        url = f"postgresql+psycopg://bob:{form}@db.example:5432/labels?sslmode=require"
        assert mask_url(url) == SKELETON
        assert mask_url(f"could not open {url}") == f"could not open {SKELETON}"


@given(passwords, st.sampled_from(["password", "PASSWORD", "pass%77ord", "sslpassword", "pwd"]))
def test_a_password_in_the_query_is_masked(password: str, key: str) -> None:
    url = f"postgresql+psycopg://bob@db/labels?sslmode=require&{key}={quote_plus(password)}&x=1"
    assert mask_url(url) == f"postgresql+psycopg://bob@db/labels?sslmode=require&{key}=***&x=1"


@given(passwords)
def test_a_known_secret_is_masked_wherever_it_appears(password: str) -> None:
    assume(len(password) >= 3 and "***" not in password)
    text = f"libpq said: bad option near {password!s} and {quote(password, safe='')}"
    masked = mask_url(text, [password])
    assert password not in masked
    assert quote(password, safe="") not in masked


def _urls(pg_url: str, secret: str) -> list[str]:
    host = pg_url.removeprefix("postgresql+psycopg://postgres@")
    return [
        f"postgresql+psycopg://postgres:{quote(secret, safe='')}@{host}",
        f"postgresql+psycopg://postgres:{quote(secret, safe=' ')}@{host}",
        f"postgresql+psycopg://postgres@{host}?password={quote_plus(secret)}",
        f"postgresql+psycopg://postgres@{host}?pass%77ord={quote(secret, safe='')}",
    ]


def test_no_password_shows_anywhere_a_user_looks(
    pg_url: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    secret = "Zq9 s3cr%t@pa55/word"
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy")  # statements, parameters, the pool
    shown: list[str] = []
    for url in _urls(pg_url, secret):
        with LabelStore(url) as store:  # trust auth: the password is accepted and ignored
            shown += [repr(store), str(store), store.url]
            print(store)
        bad_port = url.replace(":5432/", ":1/")
        with pytest.raises(StoreUnavailable) as failure:
            LabelStore(bad_port)
        shown += [str(failure.value), repr(failure.value)]
    shown += [caplog.text, *capsys.readouterr()]
    for form in {secret, quote(secret, safe=""), quote(secret, safe=" "), quote_plus(secret)}:
        assert all(form not in text for text in shown), form
    assert all("***" in text for text in shown[:3])


def test_the_export_manifest_and_widget_state_hold_no_password(pg_url: str, tmp_path: Path) -> None:
    secret = "manifest-s3cret"
    schema = f"lw_cred_{abs(hash(tmp_path)) % 10**9}"
    url = _urls(pg_url, secret)[2]  # the password as a query parameter
    store = LabelStore(url, schema=schema)
    try:
        ids = fill(store)
        store.record_answers(
            CONTRACT_TASK, ids[0], {"has_clause": "no", "renewal_months": 12}, labeler="alice"
        )
        store.mark_gold(CONTRACT_TASK, ids[0], "renewal_months", 12)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            report = lw.export(
                store, CONTRACT_TASK, "openai-chat", tmp_path / "out", answers="adjudicated"
            )
        manifest = (tmp_path / "out" / "manifest.json").read_text()
        assert json.loads(manifest)["store"] == store.url
        assert secret not in manifest and "password=***" in manifest
        assert all(secret not in p.read_text() for p in report.paths.values())
        widget = lw.Labeler(store, CONTRACT_TASK, labeler="alice")
        assert secret not in json.dumps(widget.get_state(), default=str)
    finally:
        store.close()
        from tests.conftest import drop_pg_schema

        drop_pg_schema(pg_url, schema)
