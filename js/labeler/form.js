// @ts-check
// The Labeler's form: one box per question asked. Boxes stay in place while the labeler
// answers (focus and caret too); only questions that appear or disappear under `when=` are
// added or removed, and an answer changes only its own box.
import { humanName, isUnknown, keyed, optionsOf, pickedChoices, toggled } from "../lib/answers.js";
import { h, refocus } from "../lib/dom.js";
import { quote, spansOf } from "../lib/spans.js";

/** @typedef {import("../lib/types.js").JsonAnswer} JsonAnswer */
/** @typedef {import("../lib/types.js").QuestionView} QuestionView */
/** @typedef {import("../lib/spans.js").Shown} Shown */

/**
 * What the form needs from the Labeler view.
 * @typedef {object} FormHost
 * @property {HTMLElement} root
 * @property {{form: Record<string, JsonAnswer | undefined>, problems: Record<string, string[]>, focused: number,
 *             evidence: Record<string, [number, number][]>, evidenceFrom: Record<string, string>}} state
 * @property {() => QuestionView[]} visible
 * @property {(name: string, value: JsonAnswer | undefined) => void} setAnswer
 * @property {(name: string, value: string) => void} typed
 * @property {(q: QuestionView) => void} toggleUnknown
 * @property {(name: string) => void} clearEvidence
 * @property {() => void} focusMoved
 * @property {(index: number) => void} focusQuestion
 * @property {{shown: () => Shown, label: (index: number) => void}} text the chunk text
 * @property {import("../lib/types.js").LabelerModel} model
 */

/** @typedef {{el: HTMLElement, update: () => void, problems: () => void, evidence: () => void, reading: () => void}} QuestionBox */

export class FormPart {
  /** @param {FormHost} host */
  constructor(host) {
    this.host = host;
    /** @type {Map<string, QuestionBox>} */
    this.boxes = new Map();
    this.el = h("div");
  }

  /** A new form for the chunk on screen. */
  build() {
    this.boxes.clear();
    this.el = h("div", { class: "lw-form", testid: "lw-form" });
    this.sync();
    return this.el;
  }

  /** Add the questions that are now asked and remove those that are not, moving no other box. */
  sync() {
    const shown = this.host.visible();
    const names = new Set(shown.map((q) => q.name));
    for (const [name, box] of this.boxes) {
      if (names.has(name)) continue;
      const hadFocus = box.el.contains(document.activeElement);
      box.el.remove();
      this.boxes.delete(name);
      if (hadFocus) refocus(this.host.root, undefined);
    }
    /** @type {HTMLElement | null} */
    let after = null;
    for (const q of shown.slice().reverse()) {
      let box = this.boxes.get(q.name);
      if (!box) {
        box = questionBox(this.host, q);
        this.boxes.set(q.name, box);
        this.el.insertBefore(box.el, after);
      }
      after = box.el;
    }
    this.markFocus();
  }

  /** @param {string} name a question whose answer changed */
  refresh(name) {
    this.boxes.get(name)?.update();
    this.sync();
  }

  /** @param {string} name a question whose evidence changed */
  showEvidence(name) {
    this.boxes.get(name)?.evidence();
  }

  /** Show what Python read in each number field. */
  showReadings() {
    for (const box of this.boxes.values()) box.reading();
  }

  /** Show the problems of the last submission under each question. */
  showProblems() {
    for (const box of this.boxes.values()) box.problems();
  }

  /** Number the boxes as shown and mark the focused one. */
  markFocus() {
    this.host.visible().forEach((q, index) => {
      const box = this.boxes.get(q.name);
      if (!box) return;
      box.el.dataset.index = String(index);
      box.el.classList.toggle("lw-focused", index === this.host.state.focused);
    });
  }

  /** @param {number} index put the caret in that question's field, else the keys go to the widget */
  focusInput(index) {
    const input = this.el.querySelector(`.lw-question[data-index="${index}"] .lw-input`);
    if (input) /** @type {HTMLElement} */ (input).focus();
    else if (this.el.contains(document.activeElement)) this.host.root.focus({ preventScroll: true });
  }

  /**
   * A key typed outside the form lands in that question's field, as if typed there.
   * @param {number} index
   * @param {string} text
   */
  typeInto(index, text) {
    this.host.focusQuestion(index);
    const input = this.el.querySelector(`.lw-question[data-index="${index}"] .lw-input`);
    if (!(input instanceof HTMLInputElement || input instanceof HTMLTextAreaElement)) return;
    const at = input.selectionStart ?? input.value.length;
    input.setRangeText(text, at, input.selectionEnd ?? at, "end");
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }
}

/**
 * @param {FormHost} host
 * @param {QuestionView} q
 * @returns {QuestionBox}
 */
function questionBox(host, q) {
  const focusHere = () => {
    const index = host.visible().findIndex((v) => v.name === q.name);
    if (index === host.state.focused) return;
    host.state.focused = index;
    for (const node of host.root.querySelectorAll(".lw-question")) {
      node.classList.toggle("lw-focused", node === box);
    }
    host.focusMoved();
  };
  const box = h("div", { class: "lw-question", testid: `lw-q-${q.name}`, onfocusin: focusHere });
  box.appendChild(h("div", { class: "lw-q-label" }, [h("strong", { text: humanName(q.name) }),
                                                      q.instructions ? h("div", { class: "lw-muted", text: q.instructions }) : null]));
  const field = inputFor(host, q);
  const unknown = q.allow_unknown
    ? h("button", { class: "lw-unknown", testid: `lw-unknown-${q.name}`, "data-key": `unknown-${q.name}`,
                    text: "Not in the text (Alt+U)", onclick: () => host.toggleUnknown(q) })
    : null;
  box.appendChild(h("div", { class: "lw-answer-row" }, [field.el, unknown]));
  const echo = q.kind === "number" ? h("div", { class: "lw-muted lw-echo", testid: `lw-echo-${q.name}`, role: "status" }) : null;
  if (echo) box.appendChild(echo);
  const placed = Boolean((host.model.get("item") || {}).offsets);
  const evidenceLine = q.evidence && q.kind !== "spans" && placed ? evidenceNote(host, q) : null;
  if (evidenceLine) box.appendChild(evidenceLine.el);
  /** @type {HTMLElement[]} */
  let shownProblems = [];
  const update = () => {
    const value = host.state.form[q.name];
    field.update(isUnknown(value) ? undefined : value);
    unknown?.classList.toggle("lw-on", isUnknown(value));
    unknown?.setAttribute("aria-pressed", String(isUnknown(value)));
  };
  const problems = () => {
    for (const node of shownProblems) node.remove();
    shownProblems = (host.state.problems[q.name] || []).map((text) => h("div", { class: "lw-problem", testid: `lw-problem-${q.name}`, text }));
    box.append(...shownProblems);
  };
  const reading = () => { if (echo) echo.textContent = readBackText(host, q); };
  update();
  problems();
  evidenceLine?.update();
  return { el: box, update, problems, evidence: () => evidenceLine?.update(), reading };
}

/**
 * What Python read in the number on screen (the reader the submission uses), so a labeler sees
 * "1.500,00" become 1500 — or why it will be refused — before saving.
 * @param {FormHost} host
 * @param {QuestionView} q
 */
function readBackText(host, q) {
  const back = host.model.get("read_back") || {};
  const typed = host.state.form[q.name];
  if (back.question !== q.name || typeof typed !== "string" || back.text !== typed || !typed.trim()) return "";
  if (back.error) return `⚠ ${back.error}`;
  return `reads as ${Number(back.value).toLocaleString("en-US", { maximumFractionDigits: 20 })}`;
}

/**
 * The line under a question that takes evidence: the words marked as evidence, and a way to
 * clear them.
 * @param {FormHost} host
 * @param {QuestionView} q
 */
function evidenceNote(host, q) {
  const el = h("div", { class: "lw-evidence", testid: `lw-evidence-${q.name}` });
  const update = () => {
    const pairs = host.state.evidence[q.name] || [];
    if (!pairs.length) {
      el.replaceChildren(h("span", { class: "lw-muted", text: "evidence: select the words in the text (or type an answer written there)" }));
      return;
    }
    const found = host.state.evidenceFrom[q.name] === "auto" ? " (found in the text)" : "";
    el.replaceChildren(
      h("span", { class: "lw-who", text: "evidence: " }),
      h("mark", { class: "lw-ev", testid: `lw-evidence-quote-${q.name}`, text: pairs.map((p) => quote(host.text.shown(), p)).join(" … ") }),
      found,
      h("button", { class: "lw-link", testid: `lw-evidence-clear-${q.name}`, text: "clear", onclick: () => host.clearEvidence(q.name) }),
    );
  };
  return { el, update };
}

/**
 * The field of a question: choice buttons, check boxes, or a text/number/date input.
 * @param {FormHost} host
 * @param {QuestionView} q
 * @returns {{el: HTMLElement, update: (value: JsonAnswer | undefined) => void}}
 */
function inputFor(host, q) {
  if (q.kind === "choice" || q.kind === "rating") return choiceButtons(host, q);
  if (q.kind === "multi_choice") return checkBoxes(host, q);
  if (q.kind === "spans") return spansField(host, q);
  const attrs = { class: "lw-input lw-short", "data-key": `${q.name}-input`, testid: `lw-input-${q.name}`,
                  oninput: (/** @type {Event} */ e) => host.typed(q.name, /** @type {HTMLInputElement} */ (e.target).value) };
  const el = /** @type {HTMLInputElement} */ (
    q.kind === "text" ? h("textarea", { ...attrs, class: "lw-input", rows: "2", placeholder: "Type the answer as written" })
    : q.kind === "date" ? h("input", { ...attrs, type: "date" })
    : h("input", { ...attrs, type: "text", inputmode: "decimal", placeholder: "A number" }));
  const update = (/** @type {JsonAnswer | undefined} */ value) => {
    const text = value === undefined ? "" : String(value);
    if (el.value !== text) el.value = text; // an unchanged value keeps the caret where it is
  };
  return { el, update };
}

/** @param {FormHost} host @param {QuestionView} q */
function choiceButtons(host, q) {
  const options = optionsOf(q);
  const buttons = options.map((option, i) => h("button", {
    class: "lw-choice", "data-key": `${q.name}-${i}`, testid: `lw-choice-${q.name}-${i}`,
    text: keyed(i, option), onclick: () => host.setAnswer(q.name, option) }));
  const update = (/** @type {JsonAnswer | undefined} */ value) => buttons.forEach((button, i) => {
    button.classList.toggle("lw-on", value === options[i]);
    button.setAttribute("aria-pressed", String(value === options[i]));
  });
  return { el: h("div", { class: "lw-choices" }, buttons), update };
}

/** @param {FormHost} host @param {QuestionView} q */
function checkBoxes(host, q) {
  const picked = () => pickedChoices(host.state.form[q.name]);
  const boxes = q.choices.map((option, i) => /** @type {HTMLInputElement} */ (h("input", {
    type: "checkbox", "data-key": `${q.name}-${i}`,
    onchange: () => host.setAnswer(q.name, toggled(picked(), option, q.choices)) })));
  const update = () => boxes.forEach((box, i) => { box.checked = picked().includes(q.choices[i]); });
  const labels = boxes.map((box, i) => h("label", { class: "lw-check" }, [box, ` ${keyed(i, q.choices[i])}`]));
  return { el: h("div", { class: "lw-choices" }, labels), update };
}

/**
 * A spans question: its labels (keys 1–9 label the selection) and the spans marked so far.
 * @param {FormHost} host
 * @param {QuestionView} q
 */
function spansField(host, q) {
  const labels = q.labels || [];
  const placed = Boolean((host.model.get("item") || {}).offsets);
  const buttons = labels.map((label, i) => h("button", {
    class: "lw-choice", "data-key": `${q.name}-${i}`, testid: `lw-label-${q.name}-${i}`,
    text: keyed(i, label), onclick: () => host.text.label(i) }));
  const list = h("ul", { class: "lw-spans", testid: `lw-spans-${q.name}` });
  const update = (/** @type {JsonAnswer | undefined} */ value) => {
    const spans = spansOf(value);
    list.replaceChildren(...spans.map((span, i) => h("li", { class: "lw-span-item", testid: `lw-span-${q.name}-${i}` }, [
      h("strong", { text: `${span.label} ` }), `“${quote(host.text.shown(), span)}” `,
      h("button", { class: "lw-link", testid: `lw-span-remove-${q.name}-${i}`, text: "remove",
                    onclick: () => host.setAnswer(q.name, spans.filter((_, j) => j !== i)) }),
    ])));
    if (!spans.length) list.appendChild(h("li", { class: "lw-muted", text: "no spans: select words in the text, then press a label's number" }));
  };
  const el = placed
    ? h("div", { class: "lw-spans-field" }, [h("div", { class: "lw-choices" }, buttons), list])
    : h("div", { class: "lw-muted", text: "this chunk's place in its document is unknown: spans cannot be marked" });
  return { el, update: placed ? update : () => {} };
}
