// @ts-check
// The Labeler's parts that are rebuilt whole when what they show changes: the chunk, the
// model's answers after a submit, the terms gate, the shortcut sheet and the action bar.
import { humanName, pagesLabel } from "../lib/answers.js";
import { diffSide, h, shortcutSheet } from "../lib/dom.js";
import { quote, snippet } from "../lib/spans.js";

/** @typedef {import("../lib/types.js").LabelerItem} LabelerItem */
/** @typedef {import("../lib/types.js").LabelerReview} LabelerReview */
/** @typedef {import("../lib/types.js").ReviewEntry} ReviewEntry */
/** @typedef {import("../lib/spans.js").Shown} Shown */
/** @typedef {import("./chunk.js").TextPart} TextPart */

const SHORTCUTS = [
  ["typing", "letters, digits and spaces go into the focused question's answer (or the first text answer): typing never runs a command"],
  ["Enter", "submit (Shift+Enter: new line in a text answer)"],
  ["Tab / Shift+Tab", "next / previous question (↑ / ↓ too, outside a text field)"],
  ["1–9", "pick a choice of the focused choice or rating question; on a spans question: label the selection"],
  ["mouse", "select words in the text: the focused question's evidence (where its answer is written)"],
  ["Alt+→ / Alt+←", "select the next / previous word of the chunk"],
  ["Alt+Shift+→ / Alt+Shift+←", "extend the selection by a word / take its last word off"],
  ["Ctrl+E (or Alt+E)", "copy the selection into the focused answer (⌘E on a Mac)"],
  ["Backspace", "remove the span labeled last (on a spans question)"],
  ["Alt+U", "mark the focused question “Not in the text”"],
  ["Alt+Shift+U", "the whole chunk is “Not in the text”: store that and move on"],
  ["Alt+N / Alt+P", "next / previous chunk"],
  ["Alt+S", "skip this chunk"],
  ["Alt+Z", "undo your last submit or skip here (Ctrl+Z outside a text field): that chunk comes back; again: the one before"],
  ["Alt+F", "flag this chunk with a comment"],
  ["Alt+C", "more context around the chunk"],
  ["Alt+M", "show more of a long chunk"],
  ["Alt+K", "find chunks: words or a phrase, a document, a status (Enter searches; pick a result to show it; Clear returns to your queue)"],
  ["Alt+O", "store anyway when a validator complained (the override is recorded)"],
  ["Esc", "leave a text field"],
  ["?", "show / hide these shortcuts (outside a text answer; or the “? shortcuts” button)"],
  ["⌥ on a Mac", "Alt is the Option key"],
];

export const helpSheet = () => shortcutSheet(SHORTCUTS);

/** @param {string} terms @param {() => void} onAccept */
export function termsGate(terms, onAccept) {
  return h("div", { class: "lw-terms", testid: "lw-terms" }, [
    h("p", { class: "lw-muted", text: "Please read and accept before any document is shown:" }),
    h("pre", { class: "lw-terms-text", text: terms }),
    h("button", { class: "lw-primary", testid: "lw-accept", text: "I accept (Enter)", onclick: onAccept }),
  ]);
}

/** @param {string} guidelines */
export function guidelinesView(guidelines) {
  return h("details", { class: "lw-guidelines" }, [h("summary", { text: "Guidelines" }), h("div", { text: guidelines })]);
}

/**
 * The chunk with its source line; `context` shows the text around it. The text itself is
 * painted by ChunkText into `parts` (the context before, the chunk, the context after).
 * @param {LabelerItem} item
 * @param {boolean} context
 * @param {() => void} onToggle
 * @param {() => void} onMore show the next part of a long chunk (or the first, after the last)
 * @returns {{el: HTMLElement, container: HTMLElement, parts: TextPart[]}}
 */
export function chunkView(item, context, onToggle, onMore) {
  const pages = pagesLabel(item.page_start, item.page_end);
  const container = h("div", { class: "lw-text", testid: "lw-text" });
  const before = item.context_before || "";
  const chunkText = item.text || "";
  /** @type {TextPart[]} */
  const parts = [];
  const part = (/** @type {HTMLElement} */ el, /** @type {number} */ base, /** @type {number} */ length) => {
    container.appendChild(el);
    parts.push({ el, base, length });
  };
  if (context && before) part(h("span", { class: "lw-context" }), -before.length, before.length);
  part(h("span", { class: "lw-chunk", testid: "lw-chunk-text" }), 0, chunkText.length);
  if (context && item.context_after) part(h("span", { class: "lw-context" }), chunkText.length, item.context_after.length);
  const toggle = item.context_before || item.context_after
    ? h("button", { class: "lw-link", testid: "lw-context-toggle", text: context ? "less context (Alt+C)" : "more context (Alt+C)",
                    onclick: onToggle })
    : null;
  const el = h("div", { class: "lw-item" }, [
    h("div", { class: "lw-source", testid: "lw-source" }, [
      h("strong", { text: item.doc_name }), pages ? ` · ${pages}` : "",
      item.prefilled ? h("span", { class: "lw-badge", text: "prefilled by the model" }) : null,
      item.status || item.done_before
        ? h("span", { class: "lw-badge", testid: "lw-status-badge",
                      text: item.status === "skipped" ? "skipped" : "answered before" }) : null,
      toggle,
    ]),
    container,
    pager(item, onMore),
  ]);
  return { el, container, parts };
}

/**
 * A long chunk comes a part at a time (Labeler(max_text_chars=...)): which part, and a button
 * for the next one; null when the whole chunk is shown.
 * @param {LabelerItem} item
 * @param {() => void} onMore
 */
function pager(item, onMore) {
  const start = item.text_offset || 0;
  const total = item.text_length ?? (item.text || "").length;
  if (!item.more && !start) return null;
  const end = start + (item.text || "").length;
  const count = (/** @type {number} */ n) => n.toLocaleString("en");
  return h("div", { class: "lw-pager", testid: "lw-pager" }, [
    `characters ${count(start + 1)}–${count(end)} of ${count(total)} `,
    h("button", { class: "lw-link", testid: "lw-show-more", text: item.more ? "show more" : "back to the start",
                  onclick: onMore }),
  ]);
}

/**
 * Where the model found its answer: its evidence (or where its answer occurs) in context, its
 * spans, or "not found in the text".
 * @param {string} name
 * @param {ReviewEntry} r
 * @param {Shown} shown
 */
function modelEvidence(name, r, shown) {
  if (r.model_spans) {
    return h("div", { class: "lw-evidence", testid: `lw-model-evidence-${name}` },
      r.model_spans.map((s) => h("span", { class: "lw-span-item" }, [`${s.label} `, h("mark", { class: "lw-ev-model", text: quote(shown, s) })])));
  }
  if (r.model_supported === false) {
    const text = r.model_via === "evidence" ? "model's answer: not in its evidence" : "model's answer: not found in the text";
    return h("div", { class: "lw-not-found", testid: `lw-model-not-found-${name}`, text });
  }
  const first = (r.model_evidence || [])[0];
  if (!first) return null;
  const { before, quote: words, after } = snippet(shown, first);
  const where = r.model_via === "evidence" ? "model's evidence: " : "found in the text: ";
  return h("div", { class: "lw-evidence", testid: `lw-model-evidence-${name}` },
    [h("span", { class: "lw-who", text: where }), before, h("mark", { class: "lw-ev-model", text: words }), after]);
}

/**
 * The model's answers next to the labeler's, once the labeler's are saved.
 * @param {LabelerReview} review
 * @param {Shown} shown the text on screen, for the model's evidence
 */
export function reviewView(review, shown) {
  const panel = h("div", { class: "lw-review", testid: "lw-review" },
    [h("div", { class: "lw-muted", text: "Saved. The model answered (differences highlighted):" })]);
  for (const [name, r] of Object.entries(review.questions || {})) {
    panel.appendChild(h("div", { class: "lw-review-q" }, [
      h("strong", { text: humanName(name) }),
      h("div", {}, [h("span", { class: "lw-who", text: `model (${r.model}): ` }), diffSide(r.ops, "a")]),
      h("div", {}, [h("span", { class: "lw-who", text: "you: " }), diffSide(r.ops, "b")]),
      modelEvidence(name, r, shown),
    ]));
  }
  panel.appendChild(h("div", { class: "lw-muted", text: "Enter or Alt+N: next chunk · Alt+P: back to change it · Alt+Z: undo" }));
  return panel;
}

/**
 * @typedef {object} ActionHandlers
 * @property {(force: boolean) => void} submit
 * @property {(type: string, payload?: Record<string, unknown>) => void} send
 * @property {(on: boolean) => void} setFlagging
 */

/**
 * The buttons under the form (or the model's answers), and the flag comment box when open.
 * @param {ActionHandlers} act
 * @param {{reviewing: boolean, forceable: boolean, flagging: boolean}} shown
 */
export function actionsBar(act, shown) {
  const { reviewing } = shown;
  const bar = h("div", { class: "lw-actions" }, [
    h("button", { class: "lw-primary", testid: "lw-submit", text: reviewing ? "Next (Enter)" : "Submit (Enter)",
                  onclick: () => (reviewing ? act.send("next") : act.submit(false)) }),
    shown.forceable ? h("button", { class: "lw-warn", testid: "lw-override", text: "Store anyway (Alt+O)", onclick: () => act.submit(true) }) : null,
    reviewing ? null : h("button", { testid: "lw-skip", text: "Skip (Alt+S)", onclick: () => act.send("skip") }),
    h("button", { testid: "lw-undo", text: "Undo (Alt+Z)", onclick: () => act.send("undo") }),
    h("button", { testid: "lw-prev", text: "◀ Previous (Alt+P)", onclick: () => act.send("previous") }),
    h("button", { testid: "lw-next", text: "Next (Alt+N) ▶", onclick: () => act.send("next") }),
    h("button", { testid: "lw-flag", text: "Flag (Alt+F)", onclick: () => act.setFlagging(true) }),
  ]);
  if (shown.flagging) bar.appendChild(flagBox(act));
  return bar;
}

/** @param {ActionHandlers} act */
function flagBox(act) {
  const input = /** @type {HTMLInputElement} */ (h("input", {
    class: "lw-input", testid: "lw-flag-comment", "data-key": "flag-comment",
    placeholder: "What is wrong with this chunk? (Enter to flag, Esc to cancel)" }));
  input.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    event.stopPropagation();
    const comment = input.value;
    act.setFlagging(false);
    act.send("flag", { comment });
  });
  queueMicrotask(() => input.focus());
  return input;
}
