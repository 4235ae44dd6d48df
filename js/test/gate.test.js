// @ts-check
import assert from "node:assert/strict";
import { test } from "node:test";
import { CommandGate } from "../lib/gate.js";

test("a second submit before the ack is dropped, not sent after it", () => {
  const gate = new CommandGate();
  assert.equal(gate.offer("submit"), true);
  assert.equal(gate.offer("submit"), false);
  assert.equal(gate.acked(), null);
  assert.equal(gate.offer("submit"), true);
});

test("a search typed while a command waits goes once the ack comes", () => {
  const gate = new CommandGate();
  assert.equal(gate.offer("search", { text: "" }), true);
  assert.equal(gate.offer("search", { text: "province of ontario" }), false);
  assert.deepEqual(gate.acked(), { type: "search", payload: { text: "province of ontario" } });
  assert.equal(gate.acked(), null);
});

test("only the latest read waits; a write in between does not replace it", () => {
  const gate = new CommandGate();
  gate.offer("submit");
  gate.offer("search", { text: "a" });
  gate.offer("skip");
  gate.offer("show_more", {});
  assert.deepEqual(gate.acked(), { type: "show_more", payload: {} });
});
