// js/lib/answers.js
function isUnknown(value) {
  return Boolean(value && typeof value === "object" && !Array.isArray(value) && /** @type {{unknown?: unknown}} */
  value.unknown === true);
}
function answerText(value) {
  if (isUnknown(value)) return "(not in the text)";
  if (Array.isArray(value)) {
    return value.map((v) => v && typeof v === "object" ? `${v.label} [${v.start}, ${v.end})` : String(v)).join(", ");
  }
  return value === void 0 || value === null ? "" : String(value);
}
function humanName(name) {
  return name.replaceAll("_", " ");
}

// js/lib/diff.js
function unifiedPieces(ops) {
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

// js/lib/dom.js
function h(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === void 0 || value === null || value === false) continue;
    if (key === "class") node.className = String(value);
    else if (key === "text") node.textContent = String(value);
    else if (key === "testid") node.dataset.testid = String(value);
    else if (key.startsWith("on") && typeof value === "function") {
      node.addEventListener(
        key.slice(2).toLowerCase(),
        /** @type {EventListener} */
        value
      );
    } else if (key === "value") node.value = String(value);
    else if (key === "checked") node.checked = Boolean(value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === void 0 || child === false) continue;
    node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}
function appendPieces(pieces, into) {
  for (const { text, mark } of pieces) {
    if (!mark) into.appendChild(document.createTextNode(text));
    else if (mark === "hl") into.appendChild(h("mark", { class: "lw-hl", text }));
    else into.appendChild(h("span", { class: `lw-${mark}`, text }));
  }
  return into;
}
function unifiedDiff(ops) {
  return (
    /** @type {HTMLElement} */
    appendPieces(unifiedPieces(ops), h("span", { class: "lw-diff" }))
  );
}
function commandSender(model) {
  let seq = Math.floor(Math.random() * 2 ** 40);
  return {
    /** @param {string} type @param {Record<string, unknown>} [payload] @returns {number} */
    send(type, payload = {}) {
      seq += 1;
      model.send({ type, seq, ...payload });
      return seq;
    }
  };
}
function errorBanner(error) {
  return error ? h("div", { class: "lw-error", testid: "lw-error", role: "alert", text: `Something went wrong: ${error}` }) : null;
}
function keyTarget(event) {
  event.stopPropagation();
  const target = (
    /** @type {HTMLElement} */
    event.target
  );
  const typing = target.tagName === "TEXTAREA" || target.tagName === "SELECT" || target.tagName === "INPUT" && /** @type {HTMLInputElement} */
  target.type !== "checkbox";
  return typing ? "typing" : "key";
}
function refocus(home, key) {
  const again = key ? home.querySelector(`[data-key="${CSS.escape(key)}"]`) : null;
  (again || home).focus({ preventScroll: true });
}
function slot(parent, home) {
  let current = parent.appendChild(document.createComment(""));
  return {
    /** @param {Element | null} node */
    set(node) {
      const next = node ?? document.createComment("");
      const active = document.activeElement;
      const lost = active instanceof HTMLElement && current.contains(active);
      current.replaceWith(next);
      current = next;
      if (lost) refocus(home, active.dataset.key);
    },
    /** @returns {Element | null} */
    get node() {
      return current instanceof Element ? current : null;
    }
  };
}

// js/promptlab.js
var COLUMNS = [
  "version",
  "n",
  "coverage",
  "accuracy_on_answered",
  "unknown_precision",
  "unknown_recall",
  "overall",
  "exact",
  "normalized",
  "token_f1",
  "hallucinated",
  "parse_errors"
];
function scoreTable(versions, current, promote) {
  const mark = (version) => version === current.version ? h("span", { class: "lw-badge lw-default", testid: "lw-default-badge", text: "default" }) : h("button", {
    class: "lw-promote",
    testid: "lw-promote",
    text: "Promote",
    title: `Make ${version} the prompt prelabel and export use`,
    onclick: () => promote(version)
  });
  const cell = (row, c) => {
    const text = row[c] === void 0 || row[c] === null ? "" : String(row[c]);
    return c === "version" ? h("td", { class: "lw-version" }, [text, " ", mark(row.version)]) : h("td", { text });
  };
  return h("div", { class: "lw-scroll" }, [h("table", { class: "lw-scores", testid: "lw-scores" }, [
    h("tr", {}, COLUMNS.map((c) => h("th", { class: c === "version" ? "lw-version" : null, text: humanName(c) }))),
    ...versions.map((row) => h("tr", { testid: `lw-version-${row.version}` }, COLUMNS.map((c) => cell(row, c))))
  ])]);
}
function defaultLine(current) {
  if (!current.version) return null;
  const which = current.promoted ? `${current.version} (promoted)` : current.version === "default" ? "the task's own template" : `the task's own template (${current.version})`;
  const unscored = current.scored ? "" : "; not run with this model yet";
  return h(
    "div",
    { class: "lw-muted", testid: "lw-default" },
    [`Prelabel and export use ${which}${unscored}. A run adds a version; Promote makes it the default.`]
  );
}
function changeList(changes) {
  if (!changes.length) return null;
  return h("div", {}, [
    h("div", { class: "lw-muted", text: "Answers that changed between the last two versions:" }),
    ...changes.map((c) => h("div", { class: "lw-review-q", testid: "lw-change" }, [
      h("span", { class: `lw-badge lw-${c.outcome}`, text: c.outcome }),
      " ",
      unifiedDiff(c.ops),
      h("span", { class: "lw-muted", text: ` (gold: ${answerText(c.gold)})` })
    ]))
  ]);
}
var PromptLabView = class {
  /** @param {PromptLabModel} model @param {HTMLElement} root */
  constructor(model, root) {
    this.model = model;
    this.sender = commandSender(model);
    this.message = "";
    this.select = /** @type {HTMLSelectElement} */
    h("select", {
      class: "lw-input lw-select",
      testid: "lw-question-select",
      onchange: () => this.sender.send("select", { question: this.select.value })
    });
    this.editor = /** @type {HTMLTextAreaElement} */
    h("textarea", { class: "lw-input lw-template", rows: "10", testid: "lw-template" });
    this.runButton = /** @type {HTMLButtonElement} */
    h("button", { class: "lw-primary", testid: "lw-run", text: "Run on gold (Ctrl+Enter)", onclick: () => this.run() });
    this.progress = /** @type {HTMLProgressElement} */
    h("progress", { testid: "lw-run-progress" });
    this.status = h("span", { class: "lw-status", testid: "lw-run-status" });
    root.appendChild(h("div", { class: "lw-bar" }, [h("strong", { text: "Question " }), this.select]));
    const place = () => slot(root, root);
    this.slots = {
      error: place(),
      editor: place(),
      actions: place(),
      current: place(),
      warning: place(),
      scores: place(),
      changes: place()
    };
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
    this.slots.warning.set(warning ? h("div", { class: "lw-warning", testid: "lw-warning", text: `\u26A0 ${warning}` }) : null);
  }
  onChanges() {
    this.slots.changes.set(changeList(this.model.get("changes")));
  }
  onError() {
    this.slots.error.set(errorBanner(this.model.get("error")));
  }
};
var promptlab_default = {
  /** @param {{model: PromptLabModel, el: HTMLElement}} ctx */
  render({ model, el }) {
    const root = h("div", {
      class: "lw-root lw-promptlab",
      tabindex: "0",
      testid: "lw-promptlab",
      "data-lm-suppress-shortcuts": "true"
    });
    el.appendChild(root);
    const view = new PromptLabView(model, root);
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
      ["change:error", () => view.onError()]
    ];
    const onKey = (event) => {
      keyTarget(event);
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        view.run();
      }
    };
    for (const [name, callback] of listeners) model.on(name, callback);
    root.addEventListener("keydown", onKey);
    return () => {
      for (const [name, callback] of listeners) model.off(name, callback);
      root.removeEventListener("keydown", onKey);
      root.remove();
    };
  }
};
export {
  promptlab_default as default
};
