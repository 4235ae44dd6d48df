// @ts-check
// Text pieces for highlights and word diffs, without the DOM: dom.js turns them into text nodes
// and <mark>/<span> elements (never HTML).

/** @typedef {import("./types.js").DiffOp} DiffOp */
/** @typedef {{text: string, mark: "" | "hl" | "ins" | "del"}} Piece */

/**
 * `text` cut at the highlighted spans; overlapping or out-of-order spans are dropped.
 * @param {string} text
 * @param {[number, number][]} [spans] [start, end) character offsets
 * @returns {Piece[]}
 */
export function highlightPieces(text, spans = []) {
  /** @type {Piece[]} */
  const pieces = [];
  let at = 0;
  for (const [start, end] of spans) {
    if (start < at) continue;
    pieces.push({ text: text.slice(at, start), mark: "" });
    pieces.push({ text: text.slice(start, end), mark: "hl" });
    at = end;
  }
  pieces.push({ text: text.slice(at), mark: "" });
  return pieces.filter((p) => p.text !== "" || p.mark === "hl");
}

/**
 * One side of a word diff: side "a" marks what was removed, side "b" what was added.
 * @param {DiffOp[]} ops
 * @param {"a" | "b"} side
 * @returns {Piece[]}
 */
export function sidePieces(ops, side) {
  const changed = side === "a" ? "del" : "ins";
  return ops.filter((op) => op[side]).map((op) => ({ text: op[side], mark: op.op === "equal" ? "" : changed }));
}

/**
 * A unified inline diff: removed words then added words, at each change.
 * @param {DiffOp[]} ops
 * @returns {Piece[]}
 */
export function unifiedPieces(ops) {
  /** @type {Piece[]} */
  const pieces = [];
  for (const op of ops) {
    if (op.op === "equal") {
      pieces.push({ text: op.b, mark: "" });
      continue;
    }
    if (op.a) pieces.push({ text: op.a, mark: "del" });
    if (op.b) pieces.push({ text: op.b, mark: "ins" });
  }
  return pieces;
}
