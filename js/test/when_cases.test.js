// @ts-check
// conditionMet against the cases the Python rule is tested on (tests/schema/when_cases.json).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { conditionMet } from "../lib/answers.js";

/** @typedef {{name: string, when: import("../lib/types.js").When | null,
 *             form: Record<string, import("../lib/types.js").JsonAnswer>, expected: boolean}} WhenCase */

/** @type {WhenCase[]} */
const CASES = JSON.parse(readFileSync(new URL("../../tests/schema/when_cases.json", import.meta.url), "utf8"));

test("the shared when= cases are there", () => {
  assert.ok(CASES.length >= 20);
  assert.deepEqual(new Set(CASES.map((c) => c.expected)), new Set([true, false]));
});

for (const c of CASES) {
  test(`when=: ${c.name}`, () => {
    assert.equal(conditionMet(c.when, c.form), c.expected);
  });
}
