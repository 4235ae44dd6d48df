// js/lib/diff.js
function highlightPieces(text, spans = []) {
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
function sidePieces(ops, side) {
  const changed = side === "a" ? "del" : "ins";
  return ops.filter((op) => op[side]).map((op) => ({ text: op[side], mark: op.op === "equal" ? "" : changed }));
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
function highlighted(text, spans = []) {
  return (
    /** @type {DocumentFragment} */
    appendPieces(highlightPieces(text, spans), document.createDocumentFragment())
  );
}
function diffSide(ops, side) {
  return (
    /** @type {HTMLElement} */
    appendPieces(sidePieces(ops, side), h("span", { class: "lw-diff" }))
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
function shortcutSheet(rows) {
  return h(
    "table",
    { class: "lw-help", testid: "lw-help" },
    rows.map(([key, what]) => h("tr", {}, [h("th", { text: key }), h("td", { text: what })]))
  );
}
function keyTarget(event) {
  event.stopPropagation();
  const target = (
    /** @type {HTMLElement} */
    event.target
  );
  const typing = target.tagName === "TEXTAREA" || target.tagName === "INPUT" && /** @type {HTMLInputElement} */
  target.type !== "checkbox";
  return typing ? "typing" : "key";
}
function keyOf(event) {
  const target = (
    /** @type {HTMLElement} */
    event.target
  );
  const typing = keyTarget(event) === "typing";
  return {
    key: event.key,
    shift: event.shiftKey,
    modifier: event.ctrlKey || event.metaKey || event.altKey,
    on: typing ? "typing" : target.tagName === "BUTTON" ? "button" : "other",
    field: typing ? target.dataset.key : void 0
  };
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

// js/lib/answers.js
function isUnknown(value) {
  return Boolean(value && typeof value === "object" && !Array.isArray(value) && /** @type {{unknown?: unknown}} */
  value.unknown === true);
}
function pyEqual(a, b) {
  const numeric = (x) => typeof x === "number" || typeof x === "boolean";
  if (numeric(a) && numeric(b)) return Number(a) === Number(b);
  if (isUnknown(a) || isUnknown(b)) return isUnknown(a) && isUnknown(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => pyEqual(x, b[i]));
  }
  return a === b;
}
function conditionMet(when, form) {
  if (!when) return true;
  if (!Object.prototype.hasOwnProperty.call(form, when.question)) return false;
  const given = form[when.question];
  if (given === void 0 || given === "") return false;
  if (given === null || isUnknown(given)) return when.values.some(isUnknown);
  const wanted = when.values;
  if (!Array.isArray(given)) return wanted.some((v) => pyEqual(given, v));
  const picked = spanLabels(given) ?? given;
  return wanted.some((v) => picked.some((g) => pyEqual(g, v)));
}
function spanLabels(given) {
  const first = given[0];
  if (!first || typeof first !== "object" || Array.isArray(first)) return null;
  return given.map((span) => {
    const label = span && typeof span === "object" ? (
      /** @type {{label?: unknown}} */
      span.label
    ) : void 0;
    return label === void 0 ? null : label;
  });
}
function visibleQuestions(questions, form) {
  return questions.filter((q) => conditionMet(q.when, form));
}
function isBlank(value) {
  return value === void 0 || value === "" || Array.isArray(value) && !value.length;
}
function submission(questions, form) {
  const answers = {};
  for (const q of visibleQuestions(questions, form)) {
    const value = form[q.name];
    if (value !== void 0 && !isBlank(value)) answers[q.name] = value;
  }
  return answers;
}
function range(low, high) {
  return Array.from({ length: high - low + 1 }, (_, i) => low + i);
}
function optionsOf(q) {
  return q.kind === "rating" ? range(q.scale[0], q.scale[1]) : q.choices;
}
function pickedChoices(value) {
  if (!Array.isArray(value)) return [];
  return value.filter((v) => typeof v === "string" || typeof v === "number");
}
function toggled(picked, option, order) {
  const set = new Set(picked);
  if (set.has(option)) set.delete(option);
  else set.add(option);
  return order.filter((c) => set.has(c));
}
function keyed(index, option) {
  const key = String(index + 1);
  return index >= 9 || String(option) === key ? String(option) : `${key} ${option}`;
}
function humanName(name) {
  return name.replaceAll("_", " ");
}
function pagesLabel(start, end) {
  if (!start) return "";
  return end && end !== start ? `pages ${start}\u2013${end}` : `page ${start}`;
}

// js/lib/keys.js
var PLAIN = {
  n: { do: "send", command: "next" },
  p: { do: "send", command: "previous" },
  U: { do: "send", command: "unknown" },
  c: { do: "context" },
  f: { do: "flag" }
};
function labelerKey(key, screen) {
  if (key.on === "typing") return typingKey(key);
  if (key.modifier) return null;
  if (key.key === "?") return { do: "help" };
  if (screen.terms) return key.key === "Enter" ? { do: "accept_terms" } : null;
  if (key.key === "Enter" && key.on !== "button") {
    return screen.reviewing ? { do: "send", command: "next" } : { do: "submit", force: false };
  }
  if (PLAIN[key.key]) return PLAIN[key.key];
  if (key.key === "s" && !screen.reviewing) return { do: "send", command: "skip" };
  if (key.key === "o" && screen.forceable) return { do: "submit", force: true };
  const { shown } = screen;
  const index = Math.min(screen.focused, shown.length - 1);
  const q = shown[index];
  if (!q || screen.reviewing) return null;
  if (key.key === "ArrowDown" || key.key === "ArrowUp") {
    const step = key.key === "ArrowDown" ? 1 : -1;
    return { do: "focus", index: Math.max(0, Math.min(shown.length - 1, screen.focused + step)) };
  }
  if (key.key === "u" && q.allow_unknown) return { do: "toggle_unknown" };
  if (/^[1-9]$/.test(key.key) && ["choice", "multi_choice", "rating"].includes(q.kind)) {
    const pick = Number(key.key) - 1;
    return pick < optionsOf(q).length ? { do: "pick", index: pick } : null;
  }
  return null;
}
function typingKey(key) {
  const flagging = key.field === "flag-comment";
  if (key.key === "Escape") return flagging ? { do: "cancel_flag" } : { do: "leave" };
  if (key.key === "Enter" && !key.shift && !flagging) return { do: "submit", force: false };
  return null;
}

// js/lib/status.js
function ackStatus(ack) {
  const problems = ack.problems || {};
  const forceable = Boolean(ack.forceable);
  if (ack.ok) return { status: ack.saved ? "saved \u2713" : "", problems, forceable };
  const status = Object.keys(problems).length ? "not saved: fix the answers marked below" : `not saved: ${ack.message}`;
  return { status, problems, forceable };
}
function statusClass(status) {
  return `lw-status ${status.startsWith("saved") ? "lw-ok" : ""} ${status.startsWith("not saved") ? "lw-bad" : ""}`;
}
function isWrite(type) {
  return ["submit", "unknown", "skip", "flag", "accept_terms", "accept", "edit", "unclear", "feedback"].includes(type);
}

// js/labeler/form.js
var FormPart = class {
  /** @param {FormHost} host */
  constructor(host) {
    this.host = host;
    this.boxes = /* @__PURE__ */ new Map();
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
      if (hadFocus) refocus(this.host.root, void 0);
    }
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
  /** @param {number} index put the caret in that question's field, if it has one */
  focusInput(index) {
    const input = this.el.querySelector(`.lw-question[data-index="${index}"] .lw-input`);
    if (input) input.focus();
  }
};
function questionBox(host, q) {
  const focusHere = () => {
    host.state.focused = host.visible().findIndex((v) => v.name === q.name);
    for (const node of host.root.querySelectorAll(".lw-question")) {
      node.classList.toggle("lw-focused", node === box);
    }
  };
  const box = h("div", { class: "lw-question", testid: `lw-q-${q.name}`, onfocusin: focusHere });
  box.appendChild(h("div", { class: "lw-q-label" }, [
    h("strong", { text: humanName(q.name) }),
    q.instructions ? h("div", { class: "lw-muted", text: q.instructions }) : null
  ]));
  const field = inputFor(host, q);
  const unknown = q.allow_unknown ? h("button", {
    class: "lw-unknown",
    testid: `lw-unknown-${q.name}`,
    "data-key": `unknown-${q.name}`,
    text: "Not in the text (u)",
    onclick: () => host.toggleUnknown(q)
  }) : null;
  box.appendChild(h("div", { class: "lw-answer-row" }, [field.el, unknown]));
  let shownProblems = [];
  const update = () => {
    const value = host.state.form[q.name];
    field.update(isUnknown(value) ? void 0 : value);
    unknown?.classList.toggle("lw-on", isUnknown(value));
    unknown?.setAttribute("aria-pressed", String(isUnknown(value)));
  };
  const problems = () => {
    for (const node of shownProblems) node.remove();
    shownProblems = (host.state.problems[q.name] || []).map((text) => h("div", { class: "lw-problem", testid: `lw-problem-${q.name}`, text }));
    box.append(...shownProblems);
  };
  update();
  problems();
  return { el: box, update, problems };
}
function inputFor(host, q) {
  if (q.kind === "choice" || q.kind === "rating") return choiceButtons(host, q);
  if (q.kind === "multi_choice") return checkBoxes(host, q);
  const attrs = {
    class: "lw-input lw-short",
    "data-key": `${q.name}-input`,
    testid: `lw-input-${q.name}`,
    oninput: (e) => host.typed(
      q.name,
      /** @type {HTMLInputElement} */
      e.target.value
    )
  };
  const el = (
    /** @type {HTMLInputElement} */
    q.kind === "text" ? h("textarea", { ...attrs, class: "lw-input", rows: "2", placeholder: "Type the answer as written" }) : q.kind === "date" ? h("input", { ...attrs, type: "date" }) : h("input", { ...attrs, type: "text", inputmode: "decimal", placeholder: "A number" })
  );
  const update = (value) => {
    const text = value === void 0 ? "" : String(value);
    if (el.value !== text) el.value = text;
  };
  return { el, update };
}
function choiceButtons(host, q) {
  const options = optionsOf(q);
  const buttons = options.map((option, i) => h("button", {
    class: "lw-choice",
    "data-key": `${q.name}-${i}`,
    testid: `lw-choice-${q.name}-${i}`,
    text: keyed(i, option),
    onclick: () => host.setAnswer(q.name, option)
  }));
  const update = (value) => buttons.forEach((button, i) => {
    button.classList.toggle("lw-on", value === options[i]);
    button.setAttribute("aria-pressed", String(value === options[i]));
  });
  return { el: h("div", { class: "lw-choices" }, buttons), update };
}
function checkBoxes(host, q) {
  const picked = () => pickedChoices(host.state.form[q.name]);
  const boxes = q.choices.map((option, i) => (
    /** @type {HTMLInputElement} */
    h("input", {
      type: "checkbox",
      "data-key": `${q.name}-${i}`,
      onchange: () => host.setAnswer(q.name, toggled(picked(), option, q.choices))
    })
  ));
  const update = () => boxes.forEach((box, i) => {
    box.checked = picked().includes(q.choices[i]);
  });
  const labels = boxes.map((box, i) => h("label", { class: "lw-check" }, [box, ` ${keyed(i, q.choices[i])}`]));
  return { el: h("div", { class: "lw-choices" }, labels), update };
}

// js/labeler/parts.js
var SHORTCUTS = [
  ["Enter", "submit (Shift+Enter: new line in a text answer)"],
  ["1\u20139", "pick a choice of the focused question"],
  ["\u2191 / \u2193", "focus the previous / next question"],
  ["u", "mark the focused question \u201CNot in the text\u201D"],
  ["Shift+U", "the whole chunk is \u201CNot in the text\u201D: store that and move on"],
  ["n / p", "next / previous chunk"],
  ["s", "skip this chunk"],
  ["f", "flag this chunk with a comment"],
  ["c", "more context around the chunk"],
  ["o", "store anyway when a validator complained (the override is recorded)"],
  ["Esc", "leave a text field"],
  ["?", "show / hide these shortcuts"]
];
var helpSheet = () => shortcutSheet(SHORTCUTS);
function termsGate(terms, onAccept) {
  return h("div", { class: "lw-terms", testid: "lw-terms" }, [
    h("p", { class: "lw-muted", text: "Please read and accept before any document is shown:" }),
    h("pre", { class: "lw-terms-text", text: terms }),
    h("button", { class: "lw-primary", testid: "lw-accept", text: "I accept (Enter)", onclick: onAccept })
  ]);
}
function guidelinesView(guidelines) {
  return h("details", { class: "lw-guidelines" }, [h("summary", { text: "Guidelines" }), h("div", { text: guidelines })]);
}
function chunkView(item, context, onToggle) {
  const pages = pagesLabel(item.page_start, item.page_end);
  const text = h("div", { class: "lw-text", testid: "lw-text" });
  if (context && item.context_before) text.appendChild(h("span", { class: "lw-context", text: item.context_before }));
  const body = h("span", { class: "lw-chunk", testid: "lw-chunk-text" });
  body.appendChild(highlighted(item.text || "", item.highlights));
  text.appendChild(body);
  if (context && item.context_after) text.appendChild(h("span", { class: "lw-context", text: item.context_after }));
  const toggle = item.context_before || item.context_after ? h("button", {
    class: "lw-link",
    testid: "lw-context-toggle",
    text: context ? "less context (c)" : "more context (c)",
    onclick: onToggle
  }) : null;
  return h("div", { class: "lw-item" }, [
    h("div", { class: "lw-source", testid: "lw-source" }, [
      h("strong", { text: item.doc_name }),
      pages ? ` \xB7 ${pages}` : "",
      item.prefilled ? h("span", { class: "lw-badge", text: "prefilled by the model" }) : null,
      item.done_before ? h("span", { class: "lw-badge", text: "answered before" }) : null,
      toggle
    ]),
    text
  ]);
}
function reviewView(review) {
  const panel = h(
    "div",
    { class: "lw-review", testid: "lw-review" },
    [h("div", { class: "lw-muted", text: "Saved. The model answered (differences highlighted):" })]
  );
  for (const [name, r] of Object.entries(review.questions || {})) {
    panel.appendChild(h("div", { class: "lw-review-q" }, [
      h("strong", { text: humanName(name) }),
      h("div", {}, [h("span", { class: "lw-who", text: `model (${r.model}): ` }), diffSide(r.ops, "a")]),
      h("div", {}, [h("span", { class: "lw-who", text: "you: " }), diffSide(r.ops, "b")])
    ]));
  }
  panel.appendChild(h("div", { class: "lw-muted", text: "Enter or n: next chunk \xB7 p: back to change it" }));
  return panel;
}
function actionsBar(act, shown) {
  const { reviewing } = shown;
  const bar = h("div", { class: "lw-actions" }, [
    h("button", {
      class: "lw-primary",
      testid: "lw-submit",
      text: reviewing ? "Next (Enter)" : "Submit (Enter)",
      onclick: () => reviewing ? act.send("next") : act.submit(false)
    }),
    shown.forceable ? h("button", { class: "lw-warn", testid: "lw-override", text: "Store anyway (o)", onclick: () => act.submit(true) }) : null,
    reviewing ? null : h("button", { testid: "lw-skip", text: "Skip (s)", onclick: () => act.send("skip") }),
    h("button", { testid: "lw-prev", text: "\u25C0 Previous (p)", onclick: () => act.send("previous") }),
    h("button", { testid: "lw-next", text: "Next (n) \u25B6", onclick: () => act.send("next") }),
    h("button", { testid: "lw-flag", text: "Flag (f)", onclick: () => act.setFlagging(true) })
  ]);
  if (shown.flagging) bar.appendChild(flagBox(act));
  return bar;
}
function flagBox(act) {
  const input = (
    /** @type {HTMLInputElement} */
    h("input", {
      class: "lw-input",
      testid: "lw-flag-comment",
      "data-key": "flag-comment",
      placeholder: "What is wrong with this chunk? (Enter to flag, Esc to cancel)"
    })
  );
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

// js/labeler/view.js
var LabelerView = class {
  /** @param {LabelerModel} model @param {HTMLElement} root */
  constructor(model, root) {
    this.model = model;
    this.root = root;
    this.sender = commandSender(model);
    this.state = {
      form: {},
      focused: 0,
      context: false,
      help: false,
      pending: 0,
      inflight: false,
      status: "",
      problems: {},
      forceable: false,
      flagging: false,
      shownAt: Date.now()
    };
    this.form = new FormPart(this);
    this.progressNode = h("span", { class: "lw-progress", testid: "lw-progress" });
    this.statusNode = h("div", { testid: "lw-status", role: "status" });
    root.appendChild(h("div", { class: "lw-bar" }, [
      this.progressNode,
      this.statusNode,
      h("button", { class: "lw-link", text: "? shortcuts", onclick: () => this.toggleHelp() })
    ]));
    const place = () => slot(root, root);
    this.slots = {
      error: place(),
      help: place(),
      terms: place(),
      done: place(),
      guidelines: place(),
      chunk: place(),
      area: place(),
      actions: place()
    };
    this.area = "";
    this.onProgress();
    this.showStatus();
    this.onError();
  }
  /** @returns {QuestionView[]} */
  visible() {
    return visibleQuestions(this.model.get("task_view").questions || [], this.state.form);
  }
  reviewing() {
    const item = this.model.get("item") || {};
    return Boolean(item.chunk_id) && (this.model.get("review") || {}).chunk_id === item.chunk_id;
  }
  // -- commands ---------------------------------------------------------------------------------
  /** @param {string} type @param {Record<string, unknown>} [payload] */
  send(type, payload = {}) {
    if (this.state.inflight) return;
    const write = isWrite(type);
    const chunk = write && type !== "accept_terms" ? { chunk_id: (this.model.get("item") || {}).chunk_id } : {};
    this.state.inflight = true;
    this.state.pending = this.sender.send(type, { ...payload, ...chunk });
    this.state.status = write ? "saving\u2026" : "";
    this.showStatus();
  }
  submit(force = false) {
    const answers = submission(this.model.get("task_view").questions || [], this.state.form);
    this.send("submit", { answers, force, time_spent: (Date.now() - this.state.shownAt) / 1e3 });
  }
  // -- answers ----------------------------------------------------------------------------------
  /** @param {string} name @param {JsonAnswer | undefined} value */
  setAnswer(name, value) {
    this.state.form[name] = value;
    this.clearProblems(name);
    this.edited();
    this.form.refresh(name);
  }
  /**
   * A key typed in a text field: the field already shows it, so only `when=` may change the form.
   * @param {string} name
   * @param {string} value
   */
  typed(name, value) {
    this.state.form[name] = value;
    this.clearProblems(name);
    this.edited();
    this.form.sync();
  }
  /** @param {QuestionView} q */
  toggleUnknown(q) {
    this.setAnswer(q.name, isUnknown(this.state.form[q.name]) ? void 0 : { unknown: true });
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
  }
  // -- trait changes ----------------------------------------------------------------------------
  onItem() {
    const item = this.model.get("item") || {};
    Object.assign(this.state, {
      form: { ...item.answers || {} },
      focused: 0,
      problems: {},
      forceable: false,
      flagging: false,
      shownAt: Date.now()
    });
    this.showBody();
    if (this.root.contains(document.activeElement) || document.activeElement === document.body) {
      this.root.focus({ preventScroll: true });
    }
  }
  onAck() {
    const ack = this.model.get("ack") || {};
    if (ack.seq !== this.state.pending) return;
    const forceable = this.state.forceable;
    const outcome = ackStatus(ack);
    Object.assign(this.state, { inflight: false, ...outcome });
    this.showStatus();
    this.form.showProblems();
    if (forceable !== outcome.forceable) this.showActions();
  }
  onProgress() {
    const progress = this.model.get("progress") || {};
    this.progressNode.textContent = `${progress.done ?? 0} / ${progress.total ?? 0} done`;
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
    this.slots.done.set(!terms && item.done ? h("div", { class: "lw-done", testid: "lw-done", text: "All chunks are done. Thank you!" }) : null);
    this.slots.guidelines.set(chunk && guidelines ? guidelinesView(guidelines) : null);
    this.area = "";
    this.showChunk();
    this.showArea();
  }
  showChunk() {
    const item = this.model.get("item") || {};
    const shown = !this.model.get("terms") && !item.done && item.chunk_id;
    this.slots.chunk.set(shown ? chunkView(item, this.state.context, () => this.toggleContext()) : null);
  }
  /** The form, or the model's answers after a submit; rebuilt only when that choice changes. */
  showArea() {
    const item = this.model.get("item") || {};
    const shown = !this.model.get("terms") && !item.done && item.chunk_id;
    const area = !shown ? "" : this.reviewing() ? "review" : "form";
    if (area === this.area && area !== "review") return;
    this.area = area;
    if (area === "review") this.slots.area.set(reviewView(this.model.get("review")));
    else this.slots.area.set(area === "form" ? this.form.build() : null);
    this.showActions();
  }
  showActions() {
    const shown = { reviewing: this.area === "review", forceable: this.state.forceable, flagging: this.state.flagging };
    this.slots.actions.set(this.area ? actionsBar(this, shown) : null);
  }
  // -- keyboard ---------------------------------------------------------------------------------
  /** @param {KeyboardEvent} event */
  onKey(event) {
    const key = keyOf(event);
    const action = labelerKey(key, {
      terms: Boolean(this.model.get("terms")),
      reviewing: this.reviewing(),
      forceable: this.state.forceable,
      focused: this.state.focused,
      shown: this.visible()
    });
    if (!action) return;
    if (action.do !== "leave" && action.do !== "cancel_flag") event.preventDefault();
    if (action.do === "help") this.toggleHelp();
    else if (action.do === "accept_terms") this.send("accept_terms");
    else if (action.do === "submit") this.submit(action.force);
    else if (action.do === "send") this.send(action.command);
    else if (action.do === "context") this.toggleContext();
    else if (action.do === "flag") this.setFlagging(true);
    else if (action.do === "focus") this.focusQuestion(action.index);
    else if (action.do === "pick") this.pick(action.index);
    else if (action.do === "toggle_unknown") this.toggleUnknown(this.visible()[Math.min(this.state.focused, this.visible().length - 1)]);
    else {
      if (action.do === "cancel_flag") this.setFlagging(false);
      else event.target.blur();
      this.root.focus({ preventScroll: true });
    }
  }
};

// js/labeler.js
var labeler_default = {
  /** @param {{model: LabelerModel, el: HTMLElement}} ctx */
  render({ model, el }) {
    const root = h("div", {
      class: "lw-root lw-labeler",
      tabindex: "0",
      testid: "lw-labeler",
      "data-lm-suppress-shortcuts": "true"
    });
    el.appendChild(root);
    const view = new LabelerView(model, root);
    const listeners = [
      ["change:item", () => view.onItem()],
      ["change:ack", () => view.onAck()],
      ["change:review", () => view.showArea()],
      ["change:progress", () => view.onProgress()],
      ["change:terms", () => view.showBody()],
      ["change:error", () => view.onError()]
    ];
    const onKey = (event) => view.onKey(event);
    for (const [name, callback] of listeners) model.on(name, callback);
    root.addEventListener("keydown", onKey);
    view.onItem();
    root.focus({ preventScroll: true });
    return () => {
      for (const [name, callback] of listeners) model.off(name, callback);
      root.removeEventListener("keydown", onKey);
      root.remove();
    };
  }
};
export {
  labeler_default as default
};
