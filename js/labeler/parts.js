// @ts-check
// The Labeler's parts that are rebuilt whole when what they show changes: the chunk, the
// model's answers after a submit, the terms gate, the shortcut sheet and the action bar.
import { humanName, pagesLabel } from "../lib/answers.js";
import { diffSide, h, highlighted, shortcutSheet } from "../lib/dom.js";

/** @typedef {import("../lib/types.js").LabelerItem} LabelerItem */
/** @typedef {import("../lib/types.js").LabelerReview} LabelerReview */

const SHORTCUTS = [
  ["Enter", "submit (Shift+Enter: new line in a text answer)"],
  ["1–9", "pick a choice of the focused question"],
  ["↑ / ↓", "focus the previous / next question"],
  ["u", "mark the focused question “Not in the text”"],
  ["Shift+U", "the whole chunk is “Not in the text”: store that and move on"],
  ["n / p", "next / previous chunk"],
  ["s", "skip this chunk"],
  ["f", "flag this chunk with a comment"],
  ["c", "more context around the chunk"],
  ["o", "store anyway when a validator complained (the override is recorded)"],
  ["Esc", "leave a text field"],
  ["?", "show / hide these shortcuts"],
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
 * The chunk with its source line; `context` shows the text around it.
 * @param {LabelerItem} item
 * @param {boolean} context
 * @param {() => void} onToggle
 */
export function chunkView(item, context, onToggle) {
  const pages = pagesLabel(item.page_start, item.page_end);
  const text = h("div", { class: "lw-text", testid: "lw-text" });
  if (context && item.context_before) text.appendChild(h("span", { class: "lw-context", text: item.context_before }));
  const body = h("span", { class: "lw-chunk", testid: "lw-chunk-text" });
  body.appendChild(highlighted(item.text || "", item.highlights));
  text.appendChild(body);
  if (context && item.context_after) text.appendChild(h("span", { class: "lw-context", text: item.context_after }));
  const toggle = item.context_before || item.context_after
    ? h("button", { class: "lw-link", testid: "lw-context-toggle", text: context ? "less context (c)" : "more context (c)",
                    onclick: onToggle })
    : null;
  return h("div", { class: "lw-item" }, [
    h("div", { class: "lw-source", testid: "lw-source" }, [
      h("strong", { text: item.doc_name }), pages ? ` · ${pages}` : "",
      item.prefilled ? h("span", { class: "lw-badge", text: "prefilled by the model" }) : null,
      item.done_before ? h("span", { class: "lw-badge", text: "answered before" }) : null,
      toggle,
    ]),
    text,
  ]);
}

/**
 * The model's answers next to the labeler's, once the labeler's are saved.
 * @param {LabelerReview} review
 */
export function reviewView(review) {
  const panel = h("div", { class: "lw-review", testid: "lw-review" },
    [h("div", { class: "lw-muted", text: "Saved. The model answered (differences highlighted):" })]);
  for (const [name, r] of Object.entries(review.questions || {})) {
    panel.appendChild(h("div", { class: "lw-review-q" }, [
      h("strong", { text: humanName(name) }),
      h("div", {}, [h("span", { class: "lw-who", text: `model (${r.model}): ` }), diffSide(r.ops, "a")]),
      h("div", {}, [h("span", { class: "lw-who", text: "you: " }), diffSide(r.ops, "b")]),
    ]));
  }
  panel.appendChild(h("div", { class: "lw-muted", text: "Enter or n: next chunk · p: back to change it" }));
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
    shown.forceable ? h("button", { class: "lw-warn", testid: "lw-override", text: "Store anyway (o)", onclick: () => act.submit(true) }) : null,
    reviewing ? null : h("button", { testid: "lw-skip", text: "Skip (s)", onclick: () => act.send("skip") }),
    h("button", { testid: "lw-prev", text: "◀ Previous (p)", onclick: () => act.send("previous") }),
    h("button", { testid: "lw-next", text: "Next (n) ▶", onclick: () => act.send("next") }),
    h("button", { testid: "lw-flag", text: "Flag (f)", onclick: () => act.setFlagging(true) }),
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
