// @ts-check
import assert from "node:assert/strict";
import { test } from "node:test";
import { ackStatus, isWrite, statusClass } from "../lib/status.js";

test("an ack becomes the status line", () => {
  assert.deepEqual(ackStatus({ seq: 1, ok: true, saved: true }), { status: "saved ✓", problems: {}, forceable: false });
  assert.equal(ackStatus({ seq: 1, ok: true }).status, "");
  assert.equal(ackStatus({ seq: 1, ok: false, message: "chunk 'x' is no longer on screen" }).status,
               "not saved: chunk 'x' is no longer on screen");
  const rejected = ackStatus({ ok: false, message: "answer rejected", problems: { law: ["not allowed"] }, forceable: true });
  assert.deepEqual(rejected, { status: "not saved: fix the answers marked below", problems: { law: ["not allowed"] },
                               forceable: true });
});

test("the status is green once saved and red when not", () => {
  assert.match(statusClass("saved ✓"), /\blw-ok\b/);
  assert.match(statusClass("not saved: x"), /\blw-bad\b/);
  assert.doesNotMatch(statusClass("saving…"), /lw-ok|lw-bad/);
});

test("writes say 'saving…', moves do not", () => {
  for (const type of ["submit", "unknown", "skip", "flag", "accept_terms", "accept", "edit", "unclear", "feedback"]) {
    assert.equal(isWrite(type), true, type);
  }
  for (const type of ["next", "previous", "go_to", "select", "run", "refresh"]) assert.equal(isWrite(type), false, type);
});
