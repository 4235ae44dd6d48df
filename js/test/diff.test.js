// @ts-check
import assert from "node:assert/strict";
import { test } from "node:test";
import { highlightPieces, sidePieces, unifiedPieces } from "../lib/diff.js";

// word_diff("the laws of England", "the laws of England and Wales") as Python sends it
const OPS = [
  { op: "equal", a: "the laws of England", b: "the laws of England" },
  { op: "insert", a: "", b: " and Wales" },
];
const REPLACE = [{ op: "equal", a: "the laws of ", b: "the laws of " }, { op: "replace", a: "England", b: "Wales" }];

test("each side of a diff joins back to its answer", () => {
  const join = (/** @type {{text: string}[]} */ pieces) => pieces.map((p) => p.text).join("");
  assert.equal(join(sidePieces(OPS, "a")), "the laws of England");
  assert.equal(join(sidePieces(OPS, "b")), "the laws of England and Wales");
  assert.deepEqual(sidePieces(OPS, "b")[1], { text: " and Wales", mark: "ins" });
  assert.deepEqual(sidePieces(REPLACE, "a")[1], { text: "England", mark: "del" });
});

test("a unified diff shows what went, then what came", () => {
  assert.deepEqual(unifiedPieces(REPLACE), [
    { text: "the laws of ", mark: "" }, { text: "England", mark: "del" }, { text: "Wales", mark: "ins" },
  ]);
  assert.deepEqual(unifiedPieces([]), []);
});

test("highlights cut the text at their spans and keep every character", () => {
  const text = "governed by the laws of England; the laws of Wales";
  const pieces = highlightPieces(text, [[16, 23], [37, 44]]);
  assert.equal(pieces.map((p) => p.text).join(""), text);
  assert.deepEqual(pieces.filter((p) => p.mark === "hl").map((p) => p.text), ["laws of", "laws of"]);
  assert.deepEqual(highlightPieces("abc", [[1, 2], [0, 3]]), [  // an overlapping span is dropped
    { text: "a", mark: "" }, { text: "b", mark: "hl" }, { text: "c", mark: "" },
  ]);
  assert.deepEqual(highlightPieces("abc"), [{ text: "abc", mark: "" }]);
  assert.deepEqual(highlightPieces("<img src=x>", [[0, 4]]).map((p) => p.text), ["<img", " src=x>"]);
});
