// @ts-check
// What a key does in each widget, decided without the DOM (the views carry the actions out).

import { optionsOf } from "./answers.js";

/** @typedef {import("./types.js").QuestionView} QuestionView */

/**
 * A keydown as the decisions need it.
 * @typedef {object} Key
 * @property {string} key KeyboardEvent.key
 * @property {string} [letter] the letter key pressed, whatever Alt makes it type (from KeyboardEvent.code)
 * @property {number} [digit] the digit key pressed (0–9), whatever Alt makes it type (from KeyboardEvent.code)
 * @property {boolean} [shift]
 * @property {boolean} [modifier] Ctrl, Meta or Alt held
 * @property {boolean} [ctrl] Ctrl or Meta (⌘) held
 * @property {boolean} [alt] Alt (⌥) held
 * @property {"typing" | "button" | "other"} on what has the focus: a text field, a button, else
 * @property {string} [field] data-key of the text field, if any ("flag-comment" for the flag box)
 */

/**
 * What the Labeler does for a key:
 * `{do: "help" | "accept_terms" | "context" | "flag" | "leave" | "cancel_flag" | "toggle_unknown" | "more" | "find"}`,
 * `{do: "submit", force}`, `{do: "send", command}` (next, previous, skip, unknown, undo),
 * `{do: "focus", index}` (a question), `{do: "pick", index}` (an option of the focused question),
 * `{do: "type", index, text}` (the text goes into that question's field), `{do: "enter", index}`
 * (focus that question's date field and let the key through: the browser types it there, as a
 * page cannot type into a date field), `{do: "copy"}` (the
 * selection into the focused answer), `{do: "select", how}` (move or resize the selection by a
 * word), `{do: "label", index}` (the selection becomes a span with that label), `{do: "unspan"}`
 * (remove the last span), or null (the key is not the widget's; the browser's default happens).
 * @typedef {{do: "help" | "accept_terms" | "context" | "flag" | "leave" | "cancel_flag" | "toggle_unknown" | "more" | "find"}
 *   | {do: "submit", force: boolean} | {do: "send", command: "next" | "previous" | "skip" | "unknown" | "undo"}
 *   | {do: "focus", index: number} | {do: "pick", index: number} | {do: "type", index: number, text: string}
 *   | {do: "enter", index: number}
 *   | {do: "copy"} | {do: "unspan"} | {do: "select", how: "next" | "prev" | "extend" | "shrink"}
 *   | {do: "label", index: number}} LabelerAction
 */

/**
 * @typedef {object} LabelerScreen
 * @property {boolean} terms the terms gate is shown
 * @property {boolean} reviewing the model's answers are shown after a submit
 * @property {boolean} forceable "store anyway" is offered
 * @property {number} focused index of the focused question among those shown
 * @property {QuestionView[]} shown the questions asked
 */

/**
 * Commands are Alt+letter (⌥ on a Mac), in a text field too: a printable key never runs one, so
 * typing can never skip or leave a chunk.
 * @type {Record<string, LabelerAction>}
 */
const ALT = {
  n: { do: "send", command: "next" },
  p: { do: "send", command: "previous" },
  z: { do: "send", command: "undo" },
  c: { do: "context" },
  f: { do: "flag" },
  m: { do: "more" },
  k: { do: "find" },
};

/** @type {Record<string, ["next" | "prev", "extend" | "shrink"]>} Alt+arrow, Alt+Shift+arrow */
const SELECT = { ArrowRight: ["next", "extend"], ArrowLeft: ["prev", "shrink"] };

/** @param {QuestionView | undefined} q @returns {boolean} it is answered in a text field */
export const hasField = (q) => Boolean(q) && ["text", "number", "date"].includes(/** @type {QuestionView} */ (q).kind);

/**
 * @param {Key} key
 * @param {LabelerScreen} screen
 * @returns {LabelerAction | null}
 */
export function labelerKey(key, screen) {
  const chunk = !screen.terms && !screen.reviewing;
  const flagging = key.field === "flag-comment";
  // Ctrl+E copies even from the answer field: it types nothing there
  if (key.ctrl && !key.alt && key.key.toLowerCase() === "e" && chunk && !flagging) return { do: "copy" };
  if (key.alt && !key.ctrl && SELECT[key.key] && chunk && key.on !== "typing") return { do: "select", how: SELECT[key.key][key.shift ? 1 : 0] };
  if (key.alt && !key.ctrl && !flagging && !screen.terms) return altKey(key, screen);
  if (key.key === "Tab" && !key.modifier && chunk && !flagging) return tabKey(key, screen);
  if (key.on === "typing") return typingKey(key);
  // outside a text field Ctrl+Z has no text to undo: it undoes the last submit or skip
  if (key.ctrl && !key.alt && !key.shift && (key.letter || key.key) === "z" && !screen.terms) return { do: "send", command: "undo" };
  if (key.modifier) return null;
  if (screen.terms) return key.key === "Enter" ? { do: "accept_terms" } : key.key === "?" ? { do: "help" } : null;
  if (key.key === "Enter" && key.on !== "button") {
    return screen.reviewing ? { do: "send", command: "next" } : { do: "submit", force: false };
  }
  const { shown } = screen;
  const index = Math.min(screen.focused, shown.length - 1);
  const q = shown[index];
  if (key.key === "?" && (screen.reviewing || !hasField(q))) return { do: "help" };
  if (!q || screen.reviewing) return null;
  if (key.key === "ArrowDown" || key.key === "ArrowUp") {
    const step = key.key === "ArrowDown" ? 1 : -1;
    return { do: "focus", index: Math.max(0, Math.min(shown.length - 1, screen.focused + step)) };
  }
  if (q.kind === "spans" && (key.key === "Backspace" || /^[1-9]$/.test(key.key))) return spansKey(key, q);
  if (/^[1-9]$/.test(key.key) && ["choice", "multi_choice", "rating"].includes(q.kind)) {
    const pick = Number(key.key) - 1;
    return pick < optionsOf(q).length ? { do: "pick", index: pick } : null;
  }
  return printable(key, screen);
}

/**
 * Alt+letter: a command; Alt+U toggles "Not in the text" on the focused question, Alt+Shift+U
 * says it of the whole chunk, Alt+S skips, Alt+O stores anyway, Alt+E copies the selection.
 * @param {Key} key
 * @param {LabelerScreen} screen
 * @returns {LabelerAction | null}
 */
function altKey(key, screen) {
  const letter = key.letter || key.key.toLowerCase();
  if (ALT[letter]) return ALT[letter];
  if (screen.reviewing) return null;
  const q = screen.shown[Math.min(screen.focused, screen.shown.length - 1)];
  if (letter === "u") return key.shift ? { do: "send", command: "unknown" } : q?.allow_unknown ? { do: "toggle_unknown" } : null;
  if (letter === "s") return { do: "send", command: "skip" };
  if (letter === "o") return screen.forceable ? { do: "submit", force: true } : null;
  if (letter === "e") return { do: "copy" };
  return null;
}

/**
 * Tab / Shift+Tab: the next / previous question; past the last or first, the browser's own.
 * @param {Key} key
 * @param {LabelerScreen} screen
 * @returns {LabelerAction | null}
 */
function tabKey(key, screen) {
  const index = Math.min(screen.focused, screen.shown.length - 1) + (key.shift ? -1 : 1);
  return index >= 0 && index < screen.shown.length ? { do: "focus", index } : null;
}

/**
 * A printable character outside a text field goes into the focused question's field, or the
 * first field shown when the focused question has none (typing right after focusing the widget).
 * @param {Key} key
 * @param {LabelerScreen} screen
 * @returns {LabelerAction | null}
 */
function printable(key, screen) {
  if ([...key.key].length !== 1 || (key.key === " " && key.on === "button")) return null;
  const focused = Math.min(screen.focused, screen.shown.length - 1);
  const index = hasField(screen.shown[focused]) ? focused : screen.shown.findIndex(hasField);
  if (index < 0) return null;
  return screen.shown[index].kind === "date" ? { do: "enter", index } : { do: "type", index, text: key.key };
}

/**
 * Whether the key's own default must still happen after the action (else it is stopped): Esc
 * leaving a field, and a key that the browser types into the date field it focused.
 * @param {LabelerAction} action
 */
export function letsKeyThrough(action) {
  return action.do === "leave" || action.do === "cancel_flag" || action.do === "enter";
}

/**
 * Keys on a spans question: 1–9 label the selection, Backspace removes the last span.
 * @param {Key} key
 * @param {QuestionView} q
 * @returns {LabelerAction | null}
 */
function spansKey(key, q) {
  if (key.key === "Backspace") return { do: "unspan" };
  if (!/^[1-9]$/.test(key.key)) return null;
  const index = Number(key.key) - 1;
  return index < (q.labels || []).length ? { do: "label", index } : null;
}

/**
 * In a text field only Esc (leave it) and Enter (submit; Shift+Enter is a new line) are ours.
 * @param {Key} key
 * @returns {LabelerAction | null}
 */
function typingKey(key) {
  const flagging = key.field === "flag-comment";
  if (key.key === "Escape") return flagging ? { do: "cancel_flag" } : { do: "leave" };
  if (key.key === "Enter" && !key.shift && !flagging) return { do: "submit", force: false };
  return null;
}

/**
 * What the Reviewer does for a key: `{do: "help"}`, `{do: "find"}` (open the search box),
 * `{do: "send", command}` (next, previous), `{do: "accept", index}`, `{do: "focus", index}`,
 * `{do: "mode", mode}` (edit, unclear, feedback) or null.
 * @typedef {{do: "help"} | {do: "find"} | {do: "send", command: "next" | "previous"} | {do: "accept", index: number}
 *   | {do: "focus", index: number} | {do: "mode", mode: "edit" | "unclear" | "feedback"}} ReviewerAction
 */

/** @type {Record<string, "edit" | "unclear" | "feedback">} */
const MODES = { e: "edit", u: "unclear", f: "feedback" };

/**
 * Commands take Alt (by physical key, so ⌥ on a Mac works), as in the Labeler: Alt+1–9 accept
 * an answer, Alt+E/U/F open a box, Alt+N/P move, Alt+K finds; ↑/↓ focus an answer and ? shows
 * the shortcuts. A plain letter or digit does nothing, so typing in the wrong place stores nothing.
 * @param {Key} key
 * @param {{item: boolean, count: number, focused: number}} screen an item is shown, with `count` answers
 * @returns {ReviewerAction | null}
 */
export function reviewerKey(key, screen) {
  if (key.alt && !key.ctrl) {
    const letter = key.letter || key.key.toLowerCase();
    if (letter === "k") return { do: "find" };
    if (letter === "n") return { do: "send", command: "next" };
    if (letter === "p") return { do: "send", command: "previous" };
    if (!screen.item) return null;
    const digit = key.digit ?? (/^[1-9]$/.test(key.key) ? Number(key.key) : undefined);
    if (digit && digit >= 1 && digit <= screen.count) return { do: "accept", index: digit - 1 };
    return MODES[letter] ? { do: "mode", mode: MODES[letter] } : null;
  }
  if (key.on === "typing" || key.modifier) return null;
  if (key.key === "?") return { do: "help" };
  if (screen.item && (key.key === "ArrowDown" || key.key === "ArrowUp")) {
    const step = key.key === "ArrowDown" ? 1 : -1;
    return { do: "focus", index: Math.max(0, Math.min(screen.count - 1, screen.focused + step)) };
  }
  return null;
}
