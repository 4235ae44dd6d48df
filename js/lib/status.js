// @ts-check
// The one-line status the widgets show for the reply to a command (no DOM).

/** @typedef {import("./types.js").Ack} Ack */

/**
 * What an ack means for the status line, the problems shown per question, and "store anyway".
 * @param {Ack} ack
 * @returns {{status: string, problems: Record<string, string[]>, forceable: boolean}}
 */
export function ackStatus(ack) {
  const problems = ack.problems || {};
  const forceable = Boolean(ack.forceable);
  if (ack.ok) return { status: ack.saved ? "saved ✓" : "", problems, forceable };
  const status = Object.keys(problems).length ? "not saved: fix the answers marked below" : `not saved: ${ack.message}`;
  return { status, problems, forceable };
}

/**
 * The status line's classes: green once saved, red when not.
 * @param {string} status
 */
export function statusClass(status) {
  return `lw-status ${status.startsWith("saved") ? "lw-ok" : ""} ${status.startsWith("not saved") ? "lw-bad" : ""}`;
}

/**
 * Whether a command writes to the store (its status reads "saving…" until the ack).
 * @param {string} type
 */
export function isWrite(type) {
  return ["submit", "unknown", "skip", "undo", "flag", "accept_terms", "accept", "edit", "unclear", "feedback"].includes(type);
}
