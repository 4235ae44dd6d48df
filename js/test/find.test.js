// @ts-check
import assert from "node:assert/strict";
import { test } from "node:test";
import { pageSteps, resultsLine } from "../lib/find.js";

/** @param {number} total @param {number} page @param {number} shown */
const found = (total, page, shown) => ({ total, page, page_size: 20,
  results: Array.from({ length: shown }, (_, i) => ({ chunk_id: `c${i}`, snippet: "" })) });

test("the results line counts the page shown out of the total", () => {
  assert.equal(resultsLine(found(0, 0, 0)), "no results");
  assert.equal(resultsLine(found(1, 0, 1)), "1–1 of 1 result");
  assert.equal(resultsLine(found(9999, 0, 20)), "1–20 of 9,999 results");
  assert.equal(resultsLine(found(9999, 499, 19)), "9,981–9,999 of 9,999 results");
});

test("previous and next pages stop at either end", () => {
  assert.deepEqual(pageSteps(found(0, 0, 0)), { previous: null, next: null });
  assert.deepEqual(pageSteps(found(20, 0, 20)), { previous: null, next: null });
  assert.deepEqual(pageSteps(found(21, 0, 20)), { previous: null, next: 1 });
  assert.deepEqual(pageSteps(found(9999, 499, 19)), { previous: 498, next: null });
  assert.deepEqual(pageSteps(found(9999, 3, 20)), { previous: 2, next: 4 });
});
