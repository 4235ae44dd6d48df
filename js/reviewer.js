// @ts-check
// The Reviewer widget: labelers' and model answers side by side with word diffs; adjudicate by key.
// Each trait change redraws only its part; moving the focus between answers repaints only the
// chunk text, which highlights the focused answer's evidence (or its spans).
import { answerText, humanName, pagesLabel } from "./lib/answers.js";
import { commandSender, errorBanner, h, keyOf, markedText, shortcutSheet, slot, unifiedDiff } from "./lib/dom.js";
import { FindPart } from "./lib/find.js";
import { reviewerKey } from "./lib/keys.js";
import { quote } from "./lib/spans.js";
import { ackStatus, isWrite, statusClass } from "./lib/status.js";

/** @typedef {import("./lib/types.js").ReviewerModel} ReviewerModel */
/** @typedef {import("./lib/types.js").ReviewItem} ReviewItem */
/** @typedef {import("./lib/types.js").ReviewAnswer} ReviewAnswer */
/** @typedef {"" | "edit" | "unclear" | "feedback"} Mode */

const SHORTCUTS = [
  ["Alt+1–9", "accept that answer as final"], ["Alt+E", "edit the final answer (Enter saves)"],
  ["Alt+U", "mark the question unclear (with a note)"], ["Alt+F", "feedback to the labeler of the focused answer"],
  ["↑ / ↓", "focus an answer: its evidence is highlighted in the text"], ["Alt+N / Alt+P", "next / previous item"],
  ["Alt+K", "find: words, a document, a status (disagreed, failed a validator, model disagrees, flagged); the queue narrows to what is found"],
  ["?", "these shortcuts"], ["⌥ on a Mac", "Alt is the Option key; plain letters and digits never act"],
];

/** @type {[string, string][]} the Reviewer's status filter */
const STATUSES = [["", "any status"], ["disagreed", "labelers disagree"], ["failed_validator", "failed a validator"],
                  ["model_disagrees", "model disagrees"], ["flagged", "flagged"]];

/**
 * The chunk's marks for one answer: its evidence (or where it occurs) or its labeled spans.
 * @param {ReviewAnswer | undefined} answer
 * @returns {import("./lib/spans.js").Mark[]}
 */
function answerMarks(answer) {
  if (!answer) return [];
  if (answer.spans) return answer.spans.map((s, i) => ({ ...s, cls: `lw-span lw-span-${i % 6}`, label: String(s.label) }));
  const cls = answer.via === "evidence" ? "lw-ev" : "lw-ev-model";
  return (answer.evidence || []).map(([start, end]) => ({ start, end, cls }));
}

/**
 * Where an answer is in the text: its evidence, where its words occur, its spans, or
 * "not found in the text".
 * @param {ReviewItem} item
 * @param {ReviewAnswer} answer
 * @param {number} i
 */
function whereLine(item, answer, i) {
  const shown = { text: item.text || "", base: 0 };
  if (answer.spans) {
    return h("div", { class: "lw-evidence", testid: `lw-where-${i}` },
      answer.spans.map((s) => h("span", { class: "lw-span-item" }, [`${s.label} `, h("mark", { class: "lw-ev", text: quote(shown, s) })])));
  }
  if (answer.supported === false) {
    const text = answer.via === "evidence" ? "not found in its evidence" : "not found in the text";
    return h("div", { class: "lw-not-found", testid: `lw-not-found-${i}`, text });
  }
  const pairs = answer.evidence || [];
  if (!pairs.length) return null;
  const words = pairs.map((p) => quote(shown, p)).filter(Boolean).join(" … ");
  return h("div", { class: "lw-evidence", testid: `lw-where-${i}` }, [
    h("span", { class: "lw-who", text: answer.via === "text" ? "found in the text: " : "evidence: " }),
    words ? h("mark", { class: answer.via === "text" ? "lw-ev-model" : "lw-ev", text: words })
      : h("span", { class: "lw-muted", text: "(outside this chunk)" }),
  ]);
}

/**
 * One listed answer with its accept button, diff against the reference, score and problems.
 * @param {ReviewItem} item
 * @param {ReviewAnswer} answer
 * @param {number} i
 * @param {(index: number) => void} accept
 * @param {(index: number) => void} focus
 */
function answerRow(item, answer, i, accept, focus) {
  const plain = answer.kind === "model" || (item.reference !== "model" && i === 0);
  const score = answer.score_vs_reference !== null && answer.kind !== "model"
    ? h("span", { class: "lw-muted", text: ` (${Math.round(answer.score_vs_reference * 100)}% like the ${item.reference})` })
    : null;
  return h("li", { class: "lw-answer", testid: `lw-answer-${i}`, onclick: () => focus(i) }, [
    h("button", { testid: `lw-accept-${i}`, text: `${i + 1} accept`, onclick: () => accept(i) }),
    h("span", { class: "lw-who", text: ` ${answer.kind === "model" ? "model" : "labeler"} ${answer.who}: ` }),
    plain ? h("span", { text: answerText(answer.answer) }) : unifiedDiff(answer.ops),
    score,
    whereLine(item, answer, i),
    ...answer.problems.map((p) => h("div", { class: "lw-problem", text: p })),
  ]);
}

/**
 * The item: its chunk, the question, every answer, and the final answer so far.
 * @param {ReviewItem} item
 * @param {(index: number) => void} accept
 * @param {(index: number) => void} focus
 */
function itemView(item, accept, focus) {
  const pages = pagesLabel(item.page_start, item.page_end);
  const text = h("div", { class: "lw-text", testid: "lw-chunk-text" });
  const question = item.question || { name: "", instructions: "" };
  const final = item.final !== null && item.final !== undefined
    ? h("div", { class: "lw-muted", testid: "lw-final", text: `final: ${answerText(item.final)} (by ${item.final_by})` })
    : null;
  return h("div", { class: "lw-item" }, [
    h("div", { class: "lw-source" }, [h("strong", { text: item.doc_name }), pages ? ` · ${pages}` : ""]),
    text,
    h("div", { class: "lw-q-label" }, [
      h("strong", { testid: "lw-question", text: humanName(question.name) }),
      question.instructions ? h("div", { class: "lw-muted", text: question.instructions }) : null]),
    h("ol", { class: "lw-answers", testid: "lw-answers" }, (item.answers || []).map((a, i) => answerRow(item, a, i, accept, focus))),
    final,
  ]);
}

class ReviewerView {
  /** @param {ReviewerModel} model @param {HTMLElement} root */
  constructor(model, root) {
    this.model = model;
    this.root = root;
    this.sender = commandSender(model);
    /** @type {{focused: number, mode: Mode, status: string, pending: number, help: boolean}} */
    this.state = { focused: 0, mode: "", status: "", pending: 0, help: false };
    this.finder = new FindPart({ search: (query, page) => this.send("search", { ...query, page }),
                                 clear: () => this.closeFind(), choose: (chunkId) => this.send("go_to", { chunk_id: chunkId }),
                                 found: () => this.model.get("found") || {}, current: () => (this.model.get("item") || {}).chunk_id || "" },
                               STATUSES);
    this.finding = false;
    this.progressNode = h("span", { class: "lw-progress", testid: "lw-progress" });
    this.statusNode = h("span", { testid: "lw-status" });
    root.appendChild(h("div", { class: "lw-bar" }, [this.progressNode, this.statusNode,
      h("button", { class: "lw-link", testid: "lw-find-open", text: "Find (Alt+K)", onclick: () => this.openFind() }),
      h("button", { class: "lw-link", text: "? shortcuts", onclick: () => this.toggleHelp() })]));
    const place = () => slot(root, root);
    this.slots = { error: place(), help: place(), find: place(), item: place(), mode: place() };
    this.showStatus("");
    this.onProgress();
    this.onItem();
    this.onError();
  }

  /** @param {string} type @param {Record<string, unknown>} [payload] */
  send(type, payload = {}) {
    this.state.pending = this.sender.send(type, payload);
    this.showStatus(isWrite(type) ? "saving…" : "");
    this.setMode("");
  }

  onAck() {
    const ack = this.model.get("ack") || {};
    if (ack.seq !== this.state.pending) return;
    this.showStatus(ackStatus(ack).status);
    if (ack.ok && ack.saved && typeof ack.event_id === "number") {
      this.model.set("saved", ack.event_id); // from the front end: marimo re-runs dependent cells
      this.model.save_changes();
    }
  }

  openFind() {
    if (!this.finding) {
      this.finding = true;
      this.slots.find.set(this.finder.el);
      this.finder.show();
    }
    this.finder.focus();
  }

  closeFind() {
    this.finding = false;
    this.slots.find.set(null);
    if (Object.keys(this.model.get("found") || {}).length) this.send("clear_search");
    this.root.focus({ preventScroll: true });
  }

  onFound() {
    if ((this.model.get("found") || {}).results && !this.finding) {
      this.finding = true;
      this.slots.find.set(this.finder.el);
    }
    this.finder.show();
  }

  /** @param {string} status */
  showStatus(status) {
    this.state.status = status;
    this.statusNode.textContent = status;
    this.statusNode.className = statusClass(status);
  }

  onProgress() {
    const progress = this.model.get("progress") || {};
    this.progressNode.textContent = `item ${progress.position ?? 0} / ${progress.total ?? 0} · ${progress.decided ?? 0} decided`;
  }

  onItem() {
    const item = this.model.get("item") || {};
    this.state.focused = 0;
    this.setMode("");
    if (this.finding) this.finder.show(); // mark the result on screen
    const shown = !item.done && item.chunk_id;
    this.slots.item.set(item.done ? h("div", { class: "lw-done", testid: "lw-done", text: "Nothing left to review." })
      : shown ? itemView(item, (index) => this.send("accept", { index }), (index) => this.focusAnswer(index)) : null);
    this.markFocus();
  }

  /** The chunk text with the focused answer's evidence or spans. */
  paintText() {
    const item = this.model.get("item") || {};
    const text = this.root.querySelector('.lw-item [data-testid="lw-chunk-text"]');
    if (!text || !item.chunk_id) return;
    text.replaceChildren(...markedText(item.text || "", 0, answerMarks((item.answers || [])[this.state.focused])));
  }

  onError() {
    this.slots.error.set(errorBanner(this.model.get("error")));
  }

  toggleHelp() {
    this.state.help = !this.state.help;
    this.slots.help.set(this.state.help ? shortcutSheet(SHORTCUTS) : null);
  }

  markFocus() {
    this.root.querySelectorAll(".lw-answer").forEach((node, i) => node.classList.toggle("lw-focused", i === this.state.focused));
    this.paintText();
  }

  /** @param {number} index focus that answer (its evidence shows in the text) */
  focusAnswer(index) {
    this.state.focused = index;
    this.markFocus();
  }

  /** @param {Mode} mode open the box for an edit, an "unclear" note or feedback (or close it) */
  setMode(mode) {
    this.state.mode = mode;
    this.slots.mode.set(mode ? this.modeInput(mode) : null);
  }

  /** @param {Exclude<Mode, "">} mode */
  modeInput(mode) {
    const item = this.model.get("item") || {};
    const answers = item.answers || [];
    const focused = answers[this.state.focused];
    const target = focused?.kind === "labeler" ? focused.who : answers.find((a) => a.kind === "labeler")?.who;
    const prompts = { edit: "Final answer (Enter saves, Esc cancels)", unclear: "What is unclear about the question? (Enter)",
                      feedback: `Note to ${target} (Enter sends)` };
    const input = /** @type {HTMLInputElement} */ (h("input", { class: "lw-input", testid: `lw-${mode}-input`, placeholder: prompts[mode] }));
    input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") { this.setMode(""); this.root.focus(); }
      if (event.key !== "Enter") return;
      event.preventDefault();
      const value = input.value;
      if (mode === "edit") {
        const answer = item.question?.kind === "multi_choice" ? value.split(",").map((v) => v.trim()).filter(Boolean) : value;
        this.send("edit", { answer });
      } else if (mode === "unclear") this.send("unclear", { note: value });
      else if (target) this.send("feedback", { labeler: target, note: value });
      this.root.focus();
    });
    queueMicrotask(() => input.focus());
    return input;
  }

  /** @param {KeyboardEvent} event */
  onKey(event) {
    const item = this.model.get("item") || {};
    const count = (item.answers || []).length;
    const action = reviewerKey(keyOf(event), { item: Boolean(item.chunk_id), count, focused: this.state.focused });
    if (!action) return;
    event.preventDefault();
    if (action.do === "help") this.toggleHelp();
    else if (action.do === "send") this.send(action.command);
    else if (action.do === "accept") this.send("accept", { index: action.index });
    else if (action.do === "mode") this.setMode(action.mode);
    else if (action.do === "find") this.openFind();
    else this.focusAnswer(action.index);
  }
}

export default {
  /** @param {{model: ReviewerModel, el: HTMLElement}} ctx */
  render({ model, el }) {
    const root = h("div", { class: "lw-root lw-reviewer", tabindex: "0", testid: "lw-reviewer",
                            "data-lm-suppress-shortcuts": "true" });
    el.appendChild(root);
    const view = new ReviewerView(model, root);
    /** @type {[`change:${keyof import("./lib/types.js").ReviewerTraits & string}`, () => void][]} */
    const listeners = [
      ["change:item", () => view.onItem()],
      ["change:progress", () => view.onProgress()],
      ["change:ack", () => view.onAck()],
      ["change:error", () => view.onError()],
      ["change:found", () => view.onFound()],
    ];
    const onKey = (/** @type {KeyboardEvent} */ event) => view.onKey(event);
    for (const [name, callback] of listeners) model.on(name, callback);
    root.addEventListener("keydown", onKey);
    root.focus({ preventScroll: true });
    return () => {
      for (const [name, callback] of listeners) model.off(name, callback);
      root.removeEventListener("keydown", onKey);
      root.remove();
    };
  },
};
