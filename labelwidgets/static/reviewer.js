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
function pagesLabel(start, end) {
  if (!start) return "";
  return end && end !== start ? `pages ${start}\u2013${end}` : `page ${start}`;
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

// js/lib/spans.js
function quote(shown, span) {
  const [start, end] = Array.isArray(span) ? span : [span.start, span.end];
  const from = Math.max(0, start - shown.base);
  return shown.text.slice(from, Math.max(from, end - shown.base));
}
function layeredPieces(text, base, marks) {
  const low = base;
  const high = base + text.length;
  const inside = marks.filter((m) => m.end > low && m.start < high && m.end > m.start);
  const cuts = /* @__PURE__ */ new Set([low, high]);
  for (const m of inside) {
    cuts.add(Math.max(low, m.start));
    cuts.add(Math.min(high, m.end));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const pieces = [];
  for (let i = 0; i + 1 < points.length; i += 1) {
    const [a, b] = [points[i], points[i + 1]];
    const over = inside.filter((m) => m.start <= a && m.end >= b);
    const classes = [...new Set(over.map((m) => m.cls))];
    const label = over.filter((m) => m.end === b && m.label).map((m) => m.label).join(" \xB7 ");
    pieces.push({ text: text.slice(a - base, b - base), classes, label });
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
function markedText(text, base, marks) {
  return layeredPieces(text, base, marks).map(({ text: piece, classes, label }) => {
    if (!classes.length) return document.createTextNode(piece);
    const node = h(classes.includes("lw-hl") ? "mark" : "span", { class: classes.join(" "), text: piece });
    if (label) {
      node.classList.add("lw-span-end");
      node.dataset.label = label;
    }
    return node;
  });
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
  const typing = target.tagName === "TEXTAREA" || target.tagName === "SELECT" || target.tagName === "INPUT" && /** @type {HTMLInputElement} */
  target.type !== "checkbox";
  return typing ? "typing" : "key";
}
function keyOf(event) {
  const target = (
    /** @type {HTMLElement} */
    event.target
  );
  const typing = keyTarget(event) === "typing";
  const letter = /^Key[A-Z]$/.test(event.code || "") ? event.code.slice(3).toLowerCase() : void 0;
  const digit = /^Digit[0-9]$/.test(event.code || "") ? Number(event.code.slice(5)) : void 0;
  return {
    key: event.key,
    letter,
    digit,
    shift: event.shiftKey,
    modifier: event.ctrlKey || event.metaKey || event.altKey,
    ctrl: event.ctrlKey || event.metaKey,
    alt: event.altKey,
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

// js/lib/find.js
function resultsLine(found) {
  const total = found.total ?? 0;
  if (!total) return "no results";
  const first = (found.page ?? 0) * (found.page_size ?? 0);
  const count = (n) => n.toLocaleString("en");
  const last = first + (found.results || []).length;
  return `${count(first + 1)}\u2013${count(last)} of ${count(total)} result${total === 1 ? "" : "s"}`;
}
function pageSteps(found) {
  const page = found.page ?? 0;
  const size = found.page_size || 1;
  const pages = Math.ceil((found.total ?? 0) / size);
  return { previous: page > 0 ? page - 1 : null, next: page + 1 < pages ? page + 1 : null };
}
var FindPart = class {
  /**
   * @param {FindHost} host
   * @param {[string, string][]} statuses [value, label] of the status filter ("" first: any)
   */
  constructor(host, statuses) {
    this.host = host;
    this.text = /** @type {HTMLInputElement} */
    h("input", {
      class: "lw-input",
      testid: "lw-find-text",
      "data-key": "find-text",
      placeholder: "Find words or a phrase (Enter)",
      "aria-label": "find text"
    });
    this.document = /** @type {HTMLInputElement} */
    h("input", {
      class: "lw-input lw-short",
      testid: "lw-find-document",
      "data-key": "find-document",
      placeholder: "document (id or name)",
      "aria-label": "document"
    });
    this.status = /** @type {HTMLSelectElement} */
    h(
      "select",
      {
        class: "lw-input lw-short",
        testid: "lw-find-status",
        "data-key": "find-status",
        "aria-label": "status"
      },
      statuses.map(([value, label]) => h("option", { value, text: label }))
    );
    for (const input of [this.text, this.document, this.status]) {
      input.addEventListener("keydown", (event) => {
        if (
          /** @type {KeyboardEvent} */
          event.key !== "Enter"
        ) return;
        event.preventDefault();
        event.stopPropagation();
        this.run(0);
      });
    }
    this.status.addEventListener("change", () => this.run(0));
    this.list = h("div", { class: "lw-found", testid: "lw-found" });
    this.el = h("div", { class: "lw-find", testid: "lw-find" }, [
      h("div", { class: "lw-find-form" }, [
        this.text,
        this.document,
        this.status,
        h("button", { testid: "lw-find-go", text: "Search", onclick: () => this.run(0) }),
        h("button", { testid: "lw-find-clear", text: "Clear", onclick: () => this.host.clear() })
      ]),
      this.list
    ]);
  }
  /** @param {number} page ask for that page of what the fields say */
  run(page) {
    this.host.search({ text: this.text.value, document: this.document.value, status: this.status.value }, page);
  }
  /** @param {Query} query fill the fields (e.g. "Skipped (n)" asked for the skips) */
  fill(query) {
    this.text.value = query.text;
    this.document.value = query.document;
    this.status.value = query.status;
  }
  focus() {
    this.text.focus({ preventScroll: true });
  }
  /** The page of results Python sent, the chunk on screen marked. */
  show() {
    const found = this.host.found() || {};
    if (!found.results) {
      this.list.replaceChildren();
      return;
    }
    if (found.query) this.fill(found.query);
    const current = this.host.current();
    const rows = found.results.map((row, i) => {
      const pages = pagesLabel(row.page_start, row.page_end);
      return h("button", {
        class: `lw-result${row.chunk_id === current ? " lw-on-screen" : ""}`,
        testid: `lw-result-${i}`,
        onclick: () => this.host.choose(row.chunk_id)
      }, [
        h("span", { class: "lw-result-source" }, [
          h("strong", { text: row.doc_name || "" }),
          pages ? ` \xB7 ${pages}` : "",
          row.status ? h("span", { class: "lw-badge", text: row.status }) : null
        ]),
        h("span", { class: "lw-result-snippet", text: row.snippet })
      ]);
    });
    const { previous, next } = pageSteps(found);
    this.list.replaceChildren(
      h("div", { class: "lw-muted", testid: "lw-found-count" }, [
        resultsLine(found),
        previous !== null ? h("button", { class: "lw-link", testid: "lw-found-prev", text: "\u25C0 previous page", onclick: () => this.run(previous) }) : null,
        next !== null ? h("button", { class: "lw-link", testid: "lw-found-next", text: "next page \u25B6", onclick: () => this.run(next) }) : null
      ]),
      ...rows
    );
  }
};

// js/lib/keys.js
var MODES = { e: "edit", u: "unclear", f: "feedback" };
function reviewerKey(key, screen) {
  if (key.alt && !key.ctrl) {
    const letter = key.letter || key.key.toLowerCase();
    if (letter === "k") return { do: "find" };
    if (letter === "n") return { do: "send", command: "next" };
    if (letter === "p") return { do: "send", command: "previous" };
    if (!screen.item) return null;
    const digit = key.digit ?? (/^[1-9]$/.test(key.key) ? Number(key.key) : void 0);
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
  return ["submit", "unknown", "skip", "undo", "flag", "accept_terms", "accept", "edit", "unclear", "feedback"].includes(type);
}

// js/reviewer.js
var SHORTCUTS = [
  ["Alt+1\u20139", "accept that answer as final"],
  ["Alt+E", "edit the final answer (Enter saves)"],
  ["Alt+U", "mark the question unclear (with a note)"],
  ["Alt+F", "feedback to the labeler of the focused answer"],
  ["\u2191 / \u2193", "focus an answer: its evidence is highlighted in the text"],
  ["Alt+N / Alt+P", "next / previous item"],
  ["Alt+K", "find: words, a document, a status (disagreed, failed a validator, model disagrees, flagged); the queue narrows to what is found"],
  ["?", "these shortcuts"],
  ["\u2325 on a Mac", "Alt is the Option key; plain letters and digits never act"]
];
var STATUSES = [
  ["", "any status"],
  ["disagreed", "labelers disagree"],
  ["failed_validator", "failed a validator"],
  ["model_disagrees", "model disagrees"],
  ["flagged", "flagged"]
];
function answerMarks(answer) {
  if (!answer) return [];
  if (answer.spans) return answer.spans.map((s, i) => ({ ...s, cls: `lw-span lw-span-${i % 6}`, label: String(s.label) }));
  const cls = answer.via === "evidence" ? "lw-ev" : "lw-ev-model";
  return (answer.evidence || []).map(([start, end]) => ({ start, end, cls }));
}
function whereLine(item, answer, i) {
  const shown = { text: item.text || "", base: 0 };
  if (answer.spans) {
    return h(
      "div",
      { class: "lw-evidence", testid: `lw-where-${i}` },
      answer.spans.map((s) => h("span", { class: "lw-span-item" }, [`${s.label} `, h("mark", { class: "lw-ev", text: quote(shown, s) })]))
    );
  }
  if (answer.supported === false) {
    const text = answer.via === "evidence" ? "not found in its evidence" : "not found in the text";
    return h("div", { class: "lw-not-found", testid: `lw-not-found-${i}`, text });
  }
  const pairs = answer.evidence || [];
  if (!pairs.length) return null;
  const words = pairs.map((p) => quote(shown, p)).filter(Boolean).join(" \u2026 ");
  return h("div", { class: "lw-evidence", testid: `lw-where-${i}` }, [
    h("span", { class: "lw-who", text: answer.via === "text" ? "found in the text: " : "evidence: " }),
    words ? h("mark", { class: answer.via === "text" ? "lw-ev-model" : "lw-ev", text: words }) : h("span", { class: "lw-muted", text: "(outside this chunk)" })
  ]);
}
function answerRow(item, answer, i, accept, focus) {
  const plain = answer.kind === "model" || item.reference !== "model" && i === 0;
  const score = answer.score_vs_reference !== null && answer.kind !== "model" ? h("span", { class: "lw-muted", text: ` (${Math.round(answer.score_vs_reference * 100)}% like the ${item.reference})` }) : null;
  return h("li", { class: "lw-answer", testid: `lw-answer-${i}`, onclick: () => focus(i) }, [
    h("button", { testid: `lw-accept-${i}`, text: `${i + 1} accept`, onclick: () => accept(i) }),
    h("span", { class: "lw-who", text: ` ${answer.kind === "model" ? "model" : "labeler"} ${answer.who}: ` }),
    plain ? h("span", { text: answerText(answer.answer) }) : unifiedDiff(answer.ops),
    score,
    whereLine(item, answer, i),
    ...answer.problems.map((p) => h("div", { class: "lw-problem", text: p }))
  ]);
}
function itemView(item, accept, focus) {
  const pages = pagesLabel(item.page_start, item.page_end);
  const text = h("div", { class: "lw-text", testid: "lw-chunk-text" });
  const question = item.question || { name: "", instructions: "" };
  const final = item.final !== null && item.final !== void 0 ? h("div", { class: "lw-muted", testid: "lw-final", text: `final: ${answerText(item.final)} (by ${item.final_by})` }) : null;
  return h("div", { class: "lw-item" }, [
    h("div", { class: "lw-source" }, [h("strong", { text: item.doc_name }), pages ? ` \xB7 ${pages}` : ""]),
    text,
    h("div", { class: "lw-q-label" }, [
      h("strong", { testid: "lw-question", text: humanName(question.name) }),
      question.instructions ? h("div", { class: "lw-muted", text: question.instructions }) : null
    ]),
    h("ol", { class: "lw-answers", testid: "lw-answers" }, (item.answers || []).map((a, i) => answerRow(item, a, i, accept, focus))),
    final
  ]);
}
var ReviewerView = class {
  /** @param {ReviewerModel} model @param {HTMLElement} root */
  constructor(model, root) {
    this.model = model;
    this.root = root;
    this.sender = commandSender(model);
    this.state = { focused: 0, mode: "", status: "", pending: 0, help: false };
    this.finder = new FindPart(
      {
        search: (query, page) => this.send("search", { ...query, page }),
        clear: () => this.closeFind(),
        choose: (chunkId) => this.send("go_to", { chunk_id: chunkId }),
        found: () => this.model.get("found") || {},
        current: () => (this.model.get("item") || {}).chunk_id || ""
      },
      STATUSES
    );
    this.finding = false;
    this.progressNode = h("span", { class: "lw-progress", testid: "lw-progress" });
    this.statusNode = h("span", { testid: "lw-status" });
    root.appendChild(h("div", { class: "lw-bar" }, [
      this.progressNode,
      this.statusNode,
      h("button", { class: "lw-link", testid: "lw-find-open", text: "Find (Alt+K)", onclick: () => this.openFind() }),
      h("button", { class: "lw-link", text: "? shortcuts", onclick: () => this.toggleHelp() })
    ]));
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
    this.showStatus(isWrite(type) ? "saving\u2026" : "");
    this.setMode("");
  }
  onAck() {
    const ack = this.model.get("ack") || {};
    if (ack.seq !== this.state.pending) return;
    this.showStatus(ackStatus(ack).status);
    if (ack.ok && ack.saved && typeof ack.event_id === "number") {
      this.model.set("saved", ack.event_id);
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
    this.progressNode.textContent = `item ${progress.position ?? 0} / ${progress.total ?? 0} \xB7 ${progress.decided ?? 0} decided`;
  }
  onItem() {
    const item = this.model.get("item") || {};
    this.state.focused = 0;
    this.setMode("");
    if (this.finding) this.finder.show();
    const shown = !item.done && item.chunk_id;
    this.slots.item.set(item.done ? h("div", { class: "lw-done", testid: "lw-done", text: "Nothing left to review." }) : shown ? itemView(item, (index) => this.send("accept", { index }), (index) => this.focusAnswer(index)) : null);
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
    const prompts = {
      edit: "Final answer (Enter saves, Esc cancels)",
      unclear: "What is unclear about the question? (Enter)",
      feedback: `Note to ${target} (Enter sends)`
    };
    const input = (
      /** @type {HTMLInputElement} */
      h("input", { class: "lw-input", testid: `lw-${mode}-input`, placeholder: prompts[mode] })
    );
    input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        this.setMode("");
        this.root.focus();
      }
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
};
var reviewer_default = {
  /** @param {{model: ReviewerModel, el: HTMLElement}} ctx */
  render({ model, el }) {
    const root = h("div", {
      class: "lw-root lw-reviewer",
      tabindex: "0",
      testid: "lw-reviewer",
      "data-lm-suppress-shortcuts": "true"
    });
    el.appendChild(root);
    const view = new ReviewerView(model, root);
    const listeners = [
      ["change:item", () => view.onItem()],
      ["change:progress", () => view.onProgress()],
      ["change:ack", () => view.onAck()],
      ["change:error", () => view.onError()],
      ["change:found", () => view.onFound()]
    ];
    const onKey = (event) => view.onKey(event);
    for (const [name, callback] of listeners) model.on(name, callback);
    root.addEventListener("keydown", onKey);
    root.focus({ preventScroll: true });
    return () => {
      for (const [name, callback] of listeners) model.off(name, callback);
      root.removeEventListener("keydown", onKey);
      root.remove();
    };
  }
};
export {
  reviewer_default as default
};
