// @ts-check
// The Labeler view: Python owns the state and the store; this renders the traits part by part
// and sends typed commands. Each trait change redraws only the part that shows it, and typing
// or picking an answer touches only that question's box.
import { isUnknown, optionsOf, pickedChoices, submission, toggled, visibleQuestions } from "../lib/answers.js";
import { commandSender, errorBanner, h, keyOf, slot } from "../lib/dom.js";
import { FindPart } from "../lib/find.js";
import { CommandGate } from "../lib/gate.js";
import { labelerKey, letsKeyThrough } from "../lib/keys.js";
import { shifted, submittedEvidence } from "../lib/spans.js";
import { ackStatus, isWrite, statusClass } from "../lib/status.js";
import { ChunkText } from "./chunk.js";
import { FormPart } from "./form.js";
import { actionsBar, chunkView, guidelinesView, helpSheet, reviewView, termsGate } from "./parts.js";

/** @typedef {import("../lib/types.js").LabelerModel} LabelerModel */
/** @typedef {import("../lib/types.js").JsonAnswer} JsonAnswer */
/** @typedef {import("../lib/types.js").QuestionView} QuestionView */

/** @type {[string, string][]} the Labeler's status filter: this labeler's own statuses */
const STATUSES = [["", "any status"], ["unanswered", "unanswered"], ["skipped", "skipped"],
                  ["flagged", "flagged"], ["answered", "answered"]];

/**
 * What the view keeps between trait changes.
 * @typedef {object} LabelerState
 * @property {Record<string, JsonAnswer | undefined>} form the answers on screen, typed or picked
 * @property {number} focused index of the focused question among those asked
 * @property {boolean} context the text around the chunk is shown
 * @property {boolean} help the shortcut sheet is shown
 * @property {number} pending seq of the command waiting for its ack
 * @property {string} status
 * @property {Record<string, string[]>} problems of the last submission, per question
 * @property {boolean} forceable "store anyway" is offered
 * @property {boolean} flagging the flag comment box is open
 * @property {number} shownAt when the chunk came up (ms)
 * @property {Record<string, [number, number][]>} evidence per question (chunk coordinates)
 * @property {Record<string, string>} evidenceFrom "selection", "auto" (found as typed) or "stored"
 * @property {[number, number] | null} selection the words selected in the text
 * @property {string} chunkId the chunk on screen
 * @property {number} textOffset where the text on screen starts in a long chunk shown in parts
 * @property {boolean} finding the search box is open
 */

export class LabelerView {
  /** @param {LabelerModel} model @param {HTMLElement} root */
  constructor(model, root) {
    this.model = model;
    this.root = root;
    this.sender = commandSender(model);
    this.gate = new CommandGate();
    /** @type {LabelerState} */
    this.state = { form: {}, focused: 0, context: false, help: false, pending: 0,
                   status: "", problems: {}, forceable: false, flagging: false, shownAt: Date.now(),
                   evidence: {}, evidenceFrom: {}, selection: null, chunkId: "", textOffset: 0, finding: false };
    this.form = new FormPart(this);
    this.text = new ChunkText(this);
    this.finder = new FindPart({ search: (query, page) => this.send("search", { ...query, page }),
                                 clear: () => this.closeFind(), choose: (chunkId) => this.send("go_to", { chunk_id: chunkId }),
                                 found: () => this.model.get("found") || {}, current: () => this.state.chunkId }, STATUSES);
    this.progressNode = h("span", { class: "lw-progress", testid: "lw-progress" });
    this.statusNode = h("div", { testid: "lw-status", role: "status" });
    this.skippedNode = h("button", { class: "lw-link", testid: "lw-skipped", onclick: () => this.findSkipped() });
    root.appendChild(h("div", { class: "lw-bar" }, [this.progressNode, this.statusNode, this.skippedNode,
      h("button", { class: "lw-link", testid: "lw-find-open", text: "Find (Alt+K)", onclick: () => this.openFind() }),
      h("button", { class: "lw-link", text: "? shortcuts", onclick: () => this.toggleHelp() })]));
    const place = () => slot(root, root);
    this.slots = { error: place(), help: place(), find: place(), terms: place(), done: place(), guidelines: place(),
                   chunk: place(), area: place(), actions: place() };
    /** @type {"" | "form" | "review"} */
    this.area = "";
    this.onProgress();
    this.showStatus();
    this.onError();
  }

  /** @returns {QuestionView[]} the task's questions that apply to the chunk on screen */
  questions() {
    const all = this.model.get("task_view").questions || [];
    const applies = (this.model.get("item") || {}).questions;
    return Array.isArray(applies) ? all.filter((q) => applies.includes(q.name)) : all;
  }

  /** @returns {QuestionView[]} */
  visible() {
    return visibleQuestions(this.questions(), this.state.form);
  }

  /** @returns {QuestionView | undefined} */
  focusedQuestion() {
    const shown = this.visible();
    return shown[Math.min(this.state.focused, shown.length - 1)];
  }

  reviewing() {
    const item = this.model.get("item") || {};
    return Boolean(item.chunk_id) && (this.model.get("review") || {}).chunk_id === item.chunk_id;
  }

  // -- commands ---------------------------------------------------------------------------------
  /** @param {string} type @param {Record<string, unknown>} [payload] */
  send(type, payload = {}) {
    // One command at a time (CommandGate). Writes also name their chunk, and Python checks it.
    if (!this.gate.offer(type, payload)) return;
    const write = isWrite(type);
    const chunk = write && type !== "accept_terms" && type !== "undo" ? { chunk_id: (this.model.get("item") || {}).chunk_id } : {};
    this.state.pending = this.sender.send(type, { ...payload, ...chunk });
    this.state.status = write ? "saving…" : "";
    this.showStatus();
  }

  submit(force = false) {
    const questions = this.questions();
    const answers = submission(questions, this.state.form);
    // a chunk without its place in the document takes no evidence (Python would refuse it)
    const evidence = this.text.placed() ? submittedEvidence(questions, answers, this.state.evidence) : {};
    this.send("submit", { answers, evidence, force, time_spent: (Date.now() - this.state.shownAt) / 1000 });
  }

  /** The next part of a long chunk, or back to its first part after the last. */
  more() {
    const item = this.model.get("item") || {};
    if (item.more || item.text_offset) this.send("show_more", item.more ? {} : { page: 0 });
  }

  // -- answers ----------------------------------------------------------------------------------
  /** @param {string} name @param {JsonAnswer | undefined} value */
  setAnswer(name, value) {
    this.state.form[name] = value;
    this.clearProblems(name);
    this.edited();
    this.form.refresh(name);
    this.text.paint();
  }

  /**
   * A key typed in a text field: the field already shows it, so only `when=` may change the form.
   * @param {string} name
   * @param {string} value
   */
  typed(name, value) {
    this.state.form[name] = value;
    if (this.visible().find((q) => q.name === name)?.kind === "number") {
      this.model.set("reading", { question: name, text: value }); // Python reads it back
      this.model.save_changes();
    }
    this.form.showReadings();
    this.clearProblems(name);
    this.edited();
    this.form.sync();
    this.text.propose(this.visible().find((q) => q.name === name), value);
  }

  /** @param {string} name that question's evidence changed */
  evidenceChanged(name) {
    this.edited();
    this.form.showEvidence(name);
  }

  /** @param {string} name forget that question's evidence */
  clearEvidence(name) {
    delete this.state.evidence[name];
    this.state.evidenceFrom[name] = "selection"; // cleared by hand: typing proposes none
    this.state.selection = null;
    this.evidenceChanged(name);
    this.text.paint();
  }

  /** @param {string} text a hint in the status line */
  hint(text) {
    this.state.status = text;
    this.showStatus();
  }

  /** @param {QuestionView} q */
  toggleUnknown(q) {
    this.setAnswer(q.name, isUnknown(this.state.form[q.name]) ? undefined : { unknown: true });
  }

  /** @param {number} index pick that option of the focused question (keys 1–9) */
  pick(index) {
    const shown = this.visible();
    const q = shown[Math.min(this.state.focused, shown.length - 1)];
    const option = optionsOf(q)[index];
    if (q.kind === "multi_choice") {
      this.setAnswer(q.name, toggled(pickedChoices(this.state.form[q.name]), option, q.choices));
      return;
    }
    this.setAnswer(q.name, option);
    const next = this.visible().findIndex((v) => v.name === q.name) + 1;
    if (next < this.visible().length) this.focusQuestion(next);
  }

  /** @param {string} name */
  clearProblems(name) {
    if (!(name in this.state.problems)) return;
    delete this.state.problems[name];
    this.form.showProblems();
  }

  // "saved ✓" speaks of what was sent; once the labeler changes an answer it no longer holds
  edited() {
    if (!this.state.status.startsWith("saved")) return;
    this.state.status = "";
    this.showStatus();
  }

  // -- finding chunks ---------------------------------------------------------------------------
  openFind() {
    if (this.model.get("terms")) return;
    if (!this.state.finding) {
      this.state.finding = true;
      this.slots.find.set(this.finder.el);
      this.finder.show();
    }
    this.finder.focus();
  }

  closeFind() {
    this.state.finding = false;
    this.slots.find.set(null);
    if (Object.keys(this.model.get("found") || {}).length) this.send("clear_search");
    this.root.focus({ preventScroll: true });
  }

  /** "Skipped (n)": this labeler's skips, to revisit. */
  findSkipped() {
    this.openFind();
    this.finder.fill({ text: "", document: "", status: "skipped" });
    this.finder.run(0);
  }

  onFound() {
    const found = this.model.get("found") || {};
    if (found.results && !this.state.finding) {
      this.state.finding = true;
      this.slots.find.set(this.finder.el);
    }
    this.finder.show();
  }

  // -- view state -------------------------------------------------------------------------------
  toggleHelp() {
    this.state.help = !this.state.help;
    this.slots.help.set(this.state.help ? helpSheet() : null);
  }

  toggleContext() {
    this.state.context = !this.state.context;
    this.showChunk();
  }

  /** @param {boolean} on */
  setFlagging(on) {
    this.state.flagging = on;
    this.showActions();
  }

  /** @param {number} index focus that question (and its text field, if it has one) */
  focusQuestion(index) {
    this.state.focused = index;
    this.form.markFocus();
    this.form.focusInput(index);
    this.text.paint();
  }

  /** The focus moved to another question's box (by mouse or Tab): show its evidence. */
  focusMoved() {
    this.text.paint();
  }

  // -- trait changes ----------------------------------------------------------------------------
  onItem() {
    const item = this.model.get("item") || {};
    if (item.paged && item.chunk_id === this.state.chunkId) {
      this.onPage(item.text_offset || 0);
      return;
    }
    Object.assign(this.state, { chunkId: item.chunk_id || "", textOffset: item.text_offset || 0 });
    if (this.state.finding) this.finder.show(); // mark the result on screen
    const evidence = { ...(item.evidence || {}) };
    this.text.labeled = [];
    Object.assign(this.state, { form: { ...(item.answers || {}) }, focused: 0, problems: {}, forceable: false,
                                flagging: false, shownAt: Date.now(), evidence, selection: null,
                                evidenceFrom: Object.fromEntries(Object.keys(evidence).map((name) => [name, "stored"])) });
    this.showBody();
    // the keys go back to the widget, but not from the search box: a chunk arriving while the
    // labeler types a search must not turn the next Enter into a submit of that chunk
    const active = document.activeElement;
    if (active === document.body || (this.root.contains(active) && !this.finder.el.contains(active))) {
      this.root.focus({ preventScroll: true });
    }
  }

  /** @param {number} offset another part of the same long chunk is shown: the answers stay */
  onPage(offset) {
    const moved = shifted(this.state.form, this.state.evidence, offset - this.state.textOffset);
    Object.assign(this.state, { ...moved, textOffset: offset, selection: null });
    this.text.labeled = [];
    this.showChunk();
    for (const q of this.visible()) {
      if (q.kind === "spans") this.form.refresh(q.name);
      if (q.evidence) this.form.showEvidence(q.name);
    }
  }

  onAck() {
    const ack = this.model.get("ack") || {};
    if (ack.seq !== this.state.pending) return;
    const forceable = this.state.forceable;
    const outcome = ackStatus(ack);
    Object.assign(this.state, outcome);
    const queued = this.gate.acked();
    if (ack.ok && ack.saved && typeof ack.event_id === "number") {
      // set from the front end, after Python confirmed the durable write: reactive notebooks
      // (marimo) re-run the cells that read the widget
      this.model.set("saved", ack.event_id);
      this.model.save_changes();
    }
    this.showStatus();
    this.form.showProblems();
    if (forceable !== outcome.forceable) this.showActions();
    if (queued) this.send(queued.type, queued.payload);
  }

  onProgress() {
    const progress = this.model.get("progress") || {};
    this.progressNode.textContent = `${progress.done ?? 0} / ${progress.total ?? 0} done`;
    this.skippedNode.textContent = progress.skipped ? `Skipped (${progress.skipped})` : "";
    this.skippedNode.hidden = !progress.skipped;
  }

  onError() {
    this.slots.error.set(errorBanner(this.model.get("error")));
  }

  // -- parts ------------------------------------------------------------------------------------
  showStatus() {
    this.statusNode.textContent = this.state.status;
    this.statusNode.className = statusClass(this.state.status);
  }

  /** Everything below the bar: the terms, the end, or the chunk with its form. */
  showBody() {
    const terms = this.model.get("terms");
    const item = this.model.get("item") || {};
    const chunk = !terms && !item.done && Boolean(item.chunk_id);
    const guidelines = this.model.get("task_view").guidelines;
    this.slots.terms.set(terms ? termsGate(terms, () => this.send("accept_terms")) : null);
    this.slots.done.set(!terms && item.done
      ? h("div", { class: "lw-done", testid: "lw-done" }, ["All chunks are done. Thank you! ",
          h("button", { class: "lw-link", testid: "lw-undo", text: "Undo the last (Alt+Z)", onclick: () => this.send("undo") })])
      : null);
    this.slots.guidelines.set(chunk && guidelines ? guidelinesView(guidelines) : null);
    this.area = "";
    this.showChunk();
    this.showArea();
  }

  showChunk() {
    const item = this.model.get("item") || {};
    const shown = !this.model.get("terms") && !item.done && item.chunk_id;
    if (!shown) {
      this.slots.chunk.set(null);
      return;
    }
    const view = chunkView(item, this.state.context, () => this.toggleContext(), () => this.more());
    this.slots.chunk.set(view.el);
    this.text.attach(view.container, view.parts);
  }

  /** The form, or the model's answers after a submit; rebuilt only when that choice changes. */
  showArea() {
    const item = this.model.get("item") || {};
    const shown = !this.model.get("terms") && !item.done && item.chunk_id;
    const area = !shown ? "" : this.reviewing() ? "review" : "form";
    if (area && area === this.area && area !== "review") return; // "" always clears (the end, the terms)
    this.area = area;
    if (area === "review") this.slots.area.set(reviewView(this.model.get("review"), this.text.shown()));
    else this.slots.area.set(area === "form" ? this.form.build() : null);
    this.showActions();
    this.text.paint();
  }

  showActions() {
    const shown = { reviewing: this.area === "review", forceable: this.state.forceable, flagging: this.state.flagging };
    this.slots.actions.set(this.area ? actionsBar(this, shown) : null);
  }

  // -- keyboard ---------------------------------------------------------------------------------
  /** @param {KeyboardEvent} event */
  onKey(event) {
    const key = keyOf(event); // stops the event: the notebook never sees it
    const action = labelerKey(key, { terms: Boolean(this.model.get("terms")), reviewing: this.reviewing(),
                                     forceable: this.state.forceable, focused: this.state.focused, shown: this.visible() });
    if (!action) return;
    if (!letsKeyThrough(action)) event.preventDefault();
    if (action.do === "help") this.toggleHelp();
    else if (action.do === "accept_terms") this.send("accept_terms");
    else if (action.do === "submit") this.submit(action.force);
    else if (action.do === "send") this.send(action.command);
    else if (action.do === "context") this.toggleContext();
    else if (action.do === "flag") this.setFlagging(true);
    else if (action.do === "focus" || action.do === "enter") this.focusQuestion(action.index);
    else if (action.do === "type") this.form.typeInto(action.index, action.text);
    else if (action.do === "more") this.more();
    else if (action.do === "find") this.openFind();
    else if (action.do === "pick") this.pick(action.index);
    else if (action.do === "toggle_unknown") this.toggleUnknown(/** @type {QuestionView} */ (this.focusedQuestion()));
    else if (action.do === "copy") this.text.copy();
    else if (action.do === "select") this.text.step(action.how);
    else if (action.do === "label") this.text.label(action.index);
    else if (action.do === "unspan") this.text.unspan();
    else {
      if (action.do === "cancel_flag") this.setFlagging(false);
      else /** @type {HTMLElement} */ (event.target).blur();
      this.root.focus({ preventScroll: true });
    }
  }
}
