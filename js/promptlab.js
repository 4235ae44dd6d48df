// @ts-check
// PromptLab: edit a prompt, run it on gold chunks, compare the scores with earlier versions.
// The editor is built once (what is typed stays while a run reports progress); each trait
// change redraws only its part.
import { answerText, humanName } from "./lib/answers.js";
import { commandSender, errorBanner, h, keyTarget, slot, unifiedDiff } from "./lib/dom.js";

/** @typedef {{version?: string, promoted?: boolean, scored?: boolean}} DefaultPrompt */
/** @typedef {import("./lib/types.js").PromptLabTraits & {default: DefaultPrompt, warning: string}} PromptLabTraits */
/** @typedef {import("./lib/types.js").Model<PromptLabTraits>} PromptLabModel */

// Abstention-aware first: coverage, accuracy where both answered, "not in the text" precision /
// recall and the overall score (see lw.prompt_report); then the per-answer string scores.
const COLUMNS = ["version", "n", "coverage", "accuracy_on_answered", "unknown_precision", "unknown_recall",
  "overall", "exact", "normalized", "token_f1", "hallucinated", "parse_errors"];

/**
 * The scores, one row per version; the default's row says so, every other row can be promoted.
 * The table scrolls inside its card instead of overflowing it (narrow notebook columns, marimo).
 * @param {PromptLabTraits["versions"]} versions @param {DefaultPrompt} current
 * @param {(version: string) => void} promote
 */
function scoreTable(versions, current, promote) {
  /** @param {string} version */
  const mark = (version) => version === current.version
    ? h("span", { class: "lw-badge lw-default", testid: "lw-default-badge", text: "default" })
    : h("button", { class: "lw-promote", testid: "lw-promote", text: "Promote",
      title: `Make ${version} the prompt prelabel and export use`, onclick: () => promote(version) });
  /** @param {PromptLabTraits["versions"][number]} row @param {string} c */
  const cell = (row, c) => {
    const text = row[c] === undefined || row[c] === null ? "" : String(row[c]);
    return c === "version" ? h("td", { class: "lw-version" }, [text, " ", mark(row.version)]) : h("td", { text });
  };
  return h("div", { class: "lw-scroll" }, [h("table", { class: "lw-scores", testid: "lw-scores" }, [
    h("tr", {}, COLUMNS.map((c) => h("th", { class: c === "version" ? "lw-version" : null, text: humanName(c) }))),
    ...versions.map((row) => h("tr", { testid: `lw-version-${row.version}` }, COLUMNS.map((c) => cell(row, c)))),
  ])]);
}

/** What prelabel and export use for this question, in words. @param {DefaultPrompt} current */
function defaultLine(current) {
  if (!current.version) return null;
  const which = current.promoted ? `${current.version} (promoted)`
    : current.version === "default" ? "the task's own template" : `the task's own template (${current.version})`;
  const unscored = current.scored ? "" : "; not run with this model yet";
  return h("div", { class: "lw-muted", testid: "lw-default" },
    [`Prelabel and export use ${which}${unscored}. A run adds a version; Promote makes it the default.`]);
}

/** @param {PromptLabTraits["changes"]} changes */
function changeList(changes) {
  if (!changes.length) return null;
  return h("div", {}, [
    h("div", { class: "lw-muted", text: "Answers that changed between the last two versions:" }),
    ...changes.map((c) => h("div", { class: "lw-review-q", testid: "lw-change" }, [
      h("span", { class: `lw-badge lw-${c.outcome}`, text: c.outcome }), " ",
      unifiedDiff(c.ops), h("span", { class: "lw-muted", text: ` (gold: ${answerText(c.gold)})` })])),
  ]);
}

class PromptLabView {
  /** @param {PromptLabModel} model @param {HTMLElement} root */
  constructor(model, root) {
    this.model = model;
    this.sender = commandSender(model);
    this.message = "";
    this.select = /** @type {HTMLSelectElement} */ (h("select", { class: "lw-input lw-select", testid: "lw-question-select",
      onchange: () => this.sender.send("select", { question: this.select.value }) }));
    this.editor = /** @type {HTMLTextAreaElement} */ (h("textarea", { class: "lw-input lw-template", rows: "10", testid: "lw-template" }));
    this.runButton = /** @type {HTMLButtonElement} */ (h("button", { class: "lw-primary", testid: "lw-run", text: "Run on gold (Ctrl+Enter)", onclick: () => this.run() }));
    this.progress = /** @type {HTMLProgressElement} */ (h("progress", { testid: "lw-run-progress" }));
    this.status = h("span", { class: "lw-status", testid: "lw-run-status" });
    root.appendChild(h("div", { class: "lw-bar" }, [h("strong", { text: "Question " }), this.select]));
    const place = () => slot(root, root);
    this.slots = { error: place(), editor: place(), actions: place(), current: place(), warning: place(),
      scores: place(), changes: place() };
    this.slots.editor.set(this.editor);
    this.cancel = h("button", { testid: "lw-cancel", text: "Cancel", onclick: () => this.sender.send("cancel") });
    this.slots.actions.set(h("div", { class: "lw-actions" }, [this.runButton, this.progress, this.status]));
    this.onQuestions();
    this.onTemplate();
    this.onRunning();
    this.onVersions();
    this.onWarning();
    this.onChanges();
    this.onError();
  }

  run() {
    this.message = "";
    this.sender.send("run", { template: this.editor.value });
    this.onRunning();
  }

  onQuestions() {
    this.select.replaceChildren(...this.model.get("questions").map((q) => h("option", { value: q, text: q })));
    this.select.value = this.model.get("question");
  }

  onTemplate() {
    const template = this.model.get("template");
    if (this.editor.value !== template) this.editor.value = template;
  }

  onRunning() {
    const running = this.model.get("running") || {};
    this.runButton.disabled = Boolean(running.running);
    if (!running.running) this.cancel.remove();
    else if (!this.cancel.isConnected) this.runButton.after(this.cancel);
    this.progress.max = running.total || 1;
    this.progress.value = running.done || 0;
    this.status.textContent = running.running ? `running ${running.done}/${running.total}` : running.cancelled ? "cancelled" : this.message;
  }

  onAck() {
    const ack = this.model.get("ack") || {};
    if (ack.ok) return;
    this.message = `not done: ${ack.message}`;
    this.onRunning();
  }

  onVersions() {
    const current = this.model.get("default") || {};
    this.slots.current.set(defaultLine(current));
    this.slots.scores.set(scoreTable(this.model.get("versions"), current, (version) => {
      this.message = "";
      this.sender.send("promote", { version });
    }));
  }

  onWarning() {
    const warning = this.model.get("warning");
    this.slots.warning.set(warning ? h("div", { class: "lw-warning", testid: "lw-warning", text: `⚠ ${warning}` }) : null);
  }

  onChanges() {
    this.slots.changes.set(changeList(this.model.get("changes")));
  }

  onError() {
    this.slots.error.set(errorBanner(this.model.get("error")));
  }
}

export default {
  /** @param {{model: PromptLabModel, el: HTMLElement}} ctx */
  render({ model, el }) {
    const root = h("div", { class: "lw-root lw-promptlab", tabindex: "0", testid: "lw-promptlab",
                            "data-lm-suppress-shortcuts": "true" });
    el.appendChild(root);
    const view = new PromptLabView(model, root);
    /** @type {[`change:${keyof PromptLabTraits & string}`, () => void][]} */
    const listeners = [
      ["change:questions", () => view.onQuestions()],
      ["change:question", () => view.onQuestions()],
      ["change:template", () => view.onTemplate()],
      ["change:running", () => view.onRunning()],
      ["change:versions", () => view.onVersions()],
      ["change:default", () => view.onVersions()],
      ["change:warning", () => view.onWarning()],
      ["change:changes", () => view.onChanges()],
      ["change:ack", () => view.onAck()],
      ["change:error", () => view.onError()],
    ];
    /** @param {KeyboardEvent} event */
    const onKey = (event) => {
      keyTarget(event);
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); view.run(); }
    };
    for (const [name, callback] of listeners) model.on(name, callback);
    root.addEventListener("keydown", onKey);
    return () => {
      for (const [name, callback] of listeners) model.off(name, callback);
      root.removeEventListener("keydown", onKey);
      root.remove();
    };
  },
};
