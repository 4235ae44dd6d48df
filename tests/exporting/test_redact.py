"""Redaction that knows what it touches: only personal data changes, targets of date and
amount questions survive, PII answers are redacted, and the report counts each kind."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

import labelwidgets as lw
from labelwidgets._warnings import LabelwidgetsWarning
from labelwidgets.exporting.redact import iban_ok, luhn_ok

PARAGRAPH = (
    "Notices to Jane Roe, jane.roe@example.com, +1 (212) 555-0142 or +44 20 7946 0958. "
    "Payment by card 4111 1111 1111 1111 or to IBAN DE89 3704 0044 0532 0130 00, "
    "within 30 days of March 4th, 2021 (also written 2021-03-04, 04.03.2021 and 03/04/2021). "
    "The fee is EUR 10.500.000, plus $1,500.00 and USD 2,000,000. "
    "Invoice No. 2021-004512 and INV-2021-0045; see ISBN 978-3-16-148410-0 and "
    "ISBN 0-306-40615-2, section 12.3, page 1500."
)
REDACTED = (
    "Notices to Jane Roe, [EMAIL], [PHONE] or [PHONE]. "
    "Payment by card [CARD] or to IBAN [IBAN], "
    "within 30 days of March 4th, 2021 (also written 2021-03-04, 04.03.2021 and 03/04/2021). "
    "The fee is EUR 10.500.000, plus $1,500.00 and USD 2,000,000. "
    "Invoice No. 2021-004512 and INV-2021-0045; see ISBN 978-3-16-148410-0 and "
    "ISBN 0-306-40615-2, section 12.3, page 1500."
)


def test_only_personal_data_changes() -> None:
    redact = lw.redact.basic()
    assert redact(PARAGRAPH) == REDACTED
    assert redact.counts == {"EMAIL": 1, "PHONE": 2, "CARD": 1, "IBAN": 1}


@pytest.mark.parametrize(
    "text",
    [
        "4111 1111 1111 1112",  # fails the Luhn check
        "ISBN 978-0-306-40615-7",  # a valid ISBN-13 is not a card
        "9780306406157",  # nor without its label: no card network starts with 978
        "DE89 3704 0044 0532 0130 01",  # wrong IBAN checksum
        "EUR 10.500.000",
        "2021-03-04 04.03.2021 03/04/2021 March 4, 2021",
        "Invoice 2125550142",  # an identifier, not a phone
        "user at example dot com",
    ],
)
def test_what_is_not_personal_data_stays(text: str) -> None:
    assert lw.redact.basic()(text) == text


def test_validators() -> None:
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert iban_ok("GB82 WEST 1234 5698 7654 32") and not iban_ok("GB82 WEST 1234 5698 7654 33")
    assert lw.redact.basic(phone_regions=["GB"])("Call 020 7946 0958.") == "Call [PHONE]."
    assert lw.redact.basic(only=["EMAIL"])("+1 212 555 0142, a@b.org") == "+1 212 555 0142, [EMAIL]"
    custom = lw.redact.basic(extra={"EMPLOYEE": r"\bEMP-\d{5}\b"}, only=["EMAIL"])
    assert custom("EMP-12345 wrote") == "[EMPLOYEE] wrote"
    with pytest.raises(ValueError, match="unknown kind"):
        lw.redact.basic(only=["SSN"])


TASK = lw.Task(
    "notice-facts",
    questions=[
        lw.Question("signed", kind="date", prompt="When was it signed?"),
        lw.Question("fee", kind="number", prompt="What is the fee?"),
        lw.Question("contact", prompt="Who receives notices, and how?", pii=True),
    ],
)


def test_export_redacts_prompts_and_pii_answers_only(tmp_path: Path) -> None:
    store = lw.LabelStore(tmp_path / "labels.db")
    store.add_chunks([{"doc_id": "contract", "text": PARAGRAPH}])
    store.add_task(TASK)
    chunk = store.chunk_order()[0]
    contact = "Jane Roe, jane.roe@example.com, +1 (212) 555-0142"
    answers = {"signed": "March 4th, 2021", "fee": "EUR 10.500.000", "contact": contact}
    store.add_gold(
        TASK, [{"chunk_id": chunk, "question": q, "answer": a} for q, a in answers.items()]
    )
    assert store.gold(TASK).set_index("question")["answer"].to_dict() == {
        "signed": "2021-03-04",
        "fee": 10_500_000,
        "contact": contact,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LabelwidgetsWarning)
        report = lw.export(store, TASK, "openai-chat", tmp_path / "out", redact=lw.redact.basic())
    rows = [json.loads(line) for line in report.paths["train"].read_text().splitlines()]
    targets = [row["messages"][-1]["content"] for row in rows]
    assert sorted(targets) == sorted(["2021-03-04", "10500000", "Jane Roe, [EMAIL], [PHONE]"])
    for row in rows:
        prompt = row["messages"][0]["content"]
        assert "jane.roe@example.com" not in prompt and "4111 1111" not in prompt
        assert "March 4th, 2021" in prompt and "EUR 10.500.000" in prompt
        assert "ISBN 978-3-16-148410-0" in prompt and "Invoice No. 2021-004512" in prompt
    # three prompts with five replacements each, and the contact answer's two
    assert report.redactions == {
        "rows_changed": 3,
        "CARD": 3,
        "EMAIL": 4,
        "IBAN": 3,
        "PHONE": 7,
    }
    store.close()
