// js/lib/diff.js
function sidePieces(ops, side) {
  const changed = side === "a" ? "del" : "ins";
  return ops.filter((op) => op[side]).map((op) => ({ text: op[side], mark: op.op === "equal" ? "" : changed }));
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
  const seen = {};
  return questions.filter((q) => {
    const asked = conditionMet(q.when, seen);
    if (asked && Object.prototype.hasOwnProperty.call(form, q.name)) seen[q.name] = form[q.name];
    return asked;
  });
}
function isBlank(value) {
  return value === void 0 || value === "" || Array.isArray(value) && !value.length;
}
function submission(questions, form) {
  const answers = {};
  for (const q of visibleQuestions(questions, form)) {
    const value = form[q.name];
    if (q.kind === "spans") answers[q.name] = Array.isArray(value) ? value : [];
    else if (value !== void 0 && !isBlank(value)) answers[q.name] = value;
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

// js/lib/spans.js
var WORD = /[\p{L}\p{N}]+(?:['’.\-][\p{L}\p{N}]+)*/gu;
function wordSpans(text) {
  return Array.from(text.matchAll(WORD), (m) => (
    /** @type {Pair} */
    [m.index ?? 0, (m.index ?? 0) + m[0].length]
  ));
}
function locateAnswer(answer, text) {
  if (typeof answer !== "string") return null;
  const words = answer.trim().split(/\s+/).filter(Boolean);
  if (!words.length) return null;
  const escape = (w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/['’‘]/g, "['\u2019\u2018]");
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${words.map(escape).join("\\s+")}(?![\\p{L}\\p{N}])`, "iu");
  const found = pattern.exec(text);
  return found ? [found.index, found.index + found[0].length] : null;
}
function trimmed(text, [start, end]) {
  let s = Math.max(0, start);
  let e = Math.min(text.length, end);
  while (s < e && /\s/.test(text[s])) s += 1;
  while (e > s && /\s/.test(text[e - 1])) e -= 1;
  return s < e ? [s, e] : null;
}
function stepSelection(text, selection, how) {
  const words = wordSpans(text);
  if (!words.length) return null;
  if (!selection) return words[0];
  const [start, end] = selection;
  if (how === "next") return words.find(([s]) => s > start) ?? words[words.length - 1];
  if (how === "prev") return words.filter(([s]) => s < start).pop() ?? words[0];
  if (how === "extend") {
    const next = words.find(([, e]) => e > end);
    return next ? [start, next[1]] : [start, end];
  }
  const inside = words.filter(([s, e]) => s >= start && e <= end);
  if (inside.length <= 1) return [start, end];
  return [start, inside[inside.length - 2][1]];
}
function withSpan(spans, [start, end], label) {
  const all = [...spans, { start, end, label }];
  const key = (s) => `${s.start}:${s.end}:${s.label}`;
  const unique = [...new Map(all.map((s) => [key(s), s])).values()];
  return unique.sort((a, b) => a.start - b.start || a.end - b.end || String(a.label).localeCompare(String(b.label)));
}
function spansOf(value) {
  if (!Array.isArray(value)) return [];
  return (
    /** @type {Span[]} */
    value.filter((s) => s !== null && typeof s === "object" && "start" in s && "end" in s)
  );
}
function submittedEvidence(questions, answers, evidence) {
  const sent = {};
  for (const q of questions) {
    const pairs = evidence[q.name];
    if (!q.evidence || !(q.name in answers) || isUnknown(answers[q.name]) || !pairs?.length) continue;
    sent[q.name] = pairs;
  }
  return sent;
}
function quote(shown, span) {
  const [start, end] = Array.isArray(span) ? span : [span.start, span.end];
  const from = Math.max(0, start - shown.base);
  return shown.text.slice(from, Math.max(from, end - shown.base));
}
function snippet(shown, [start, end], around = 40) {
  const s = Math.max(0, start - shown.base);
  const e = Math.max(s, Math.min(shown.text.length, end - shown.base));
  const from = Math.max(0, s - around);
  const to = Math.min(shown.text.length, e + around);
  const squash = (t) => t.replace(/\s+/g, " ");
  return {
    before: (from > 0 ? "\u2026" : "") + squash(shown.text.slice(from, s)),
    quote: squash(shown.text.slice(s, e)),
    after: squash(shown.text.slice(e, to)) + (to < shown.text.length ? "\u2026" : "")
  };
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
function shifted(form, evidence, shift) {
  const move = ([start, end]) => (
    /** @type {Pair} */
    [start - shift, end - shift]
  );
  const spans = Object.entries(form).map(([name, value]) => {
    const list = spansOf(value);
    return [name, list.length ? list.map((s) => ({ ...s, start: s.start - shift, end: s.end - shift })) : value];
  });
  return {
    form: Object.fromEntries(spans),
    evidence: Object.fromEntries(Object.entries(evidence).map(([name, pairs]) => [name, pairs.map(move)]))
  };
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

// js/lib/gate.js
var CommandGate = class {
  constructor() {
    this.inflight = false;
    this.queued = null;
  }
  /**
   * Whether ``type`` may go now; if not, a read is kept for :meth:`acked`.
   * @param {string} type @param {Record<string, unknown>} [payload]
   * @returns {boolean}
   */
  offer(type, payload = {}) {
    if (!this.inflight) {
      this.inflight = true;
      return true;
    }
    if (!isWrite(type)) this.queued = { type, payload };
    return false;
  }
  /**
   * The ack came: the read kept meanwhile, to send now, or null.
   * @returns {Command | null}
   */
  acked() {
    this.inflight = false;
    const next = this.queued;
    this.queued = null;
    return next;
  }
};

// js/lib/keys.js
var ALT = {
  n: { do: "send", command: "next" },
  p: { do: "send", command: "previous" },
  z: { do: "send", command: "undo" },
  c: { do: "context" },
  f: { do: "flag" },
  m: { do: "more" },
  k: { do: "find" }
};
var SELECT = { ArrowRight: ["next", "extend"], ArrowLeft: ["prev", "shrink"] };
var hasField = (q) => Boolean(q) && ["text", "number", "date"].includes(
  /** @type {QuestionView} */
  q.kind
);
function labelerKey(key, screen) {
  const chunk = !screen.terms && !screen.reviewing;
  const flagging = key.field === "flag-comment";
  if (key.ctrl && !key.alt && key.key.toLowerCase() === "e" && chunk && !flagging) return { do: "copy" };
  if (key.alt && !key.ctrl && SELECT[key.key] && chunk && key.on !== "typing") return { do: "select", how: SELECT[key.key][key.shift ? 1 : 0] };
  if (key.alt && !key.ctrl && !flagging && !screen.terms) return altKey(key, screen);
  if (key.key === "Tab" && !key.modifier && chunk && !flagging) return tabKey(key, screen);
  if (key.on === "typing") return typingKey(key);
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
function tabKey(key, screen) {
  const index = Math.min(screen.focused, screen.shown.length - 1) + (key.shift ? -1 : 1);
  return index >= 0 && index < screen.shown.length ? { do: "focus", index } : null;
}
function printable(key, screen) {
  if ([...key.key].length !== 1 || key.key === " " && key.on === "button") return null;
  const focused = Math.min(screen.focused, screen.shown.length - 1);
  const index = hasField(screen.shown[focused]) ? focused : screen.shown.findIndex(hasField);
  if (index < 0) return null;
  return screen.shown[index].kind === "date" ? { do: "enter", index } : { do: "type", index, text: key.key };
}
function letsKeyThrough(action) {
  return action.do === "leave" || action.do === "cancel_flag" || action.do === "enter";
}
function spansKey(key, q) {
  if (key.key === "Backspace") return { do: "unspan" };
  if (!/^[1-9]$/.test(key.key)) return null;
  const index = Number(key.key) - 1;
  return index < (q.labels || []).length ? { do: "label", index } : null;
}
function typingKey(key) {
  const flagging = key.field === "flag-comment";
  if (key.key === "Escape") return flagging ? { do: "cancel_flag" } : { do: "leave" };
  if (key.key === "Enter" && !key.shift && !flagging) return { do: "submit", force: false };
  return null;
}

// js/labeler/chunk.js
var spanClass = (labels, label) => `lw-span lw-span-${Math.max(0, labels.indexOf(label)) % 6}`;
var ChunkText = class {
  /** @param {ChunkHost} host */
  constructor(host) {
    this.host = host;
    this.parts = [];
    this.container = null;
    this.painted = "";
    this.labeled = [];
  }
  /** @returns {Shown} the chunk with the context around it (offset of its first character) */
  shown() {
    const item = this.host.model.get("item") || {};
    const before = item.context_before || "";
    return { text: before + (item.text || "") + (item.context_after || ""), base: -before.length };
  }
  /** @returns {boolean} the chunk's place in its document is known: evidence can be stored */
  placed() {
    return Boolean((this.host.model.get("item") || {}).offsets);
  }
  /** @returns {string} the chunk's own text */
  chunk() {
    return (this.host.model.get("item") || {}).text || "";
  }
  /**
   * Paint into a freshly built chunk view.
   * @param {HTMLElement} container the element the text parts sit in
   * @param {TextPart[]} parts
   */
  attach(container, parts) {
    this.container = container;
    this.parts = parts;
    this.painted = "";
    this.paint();
  }
  /** @returns {Mark[]} everything marked in the text now */
  marks() {
    const item = this.host.model.get("item") || {};
    const { state } = this.host;
    const marks = (item.highlights || []).map(([start, end]) => ({ start, end, cls: "lw-hl" }));
    const focused = this.host.focusedQuestion();
    if (focused && focused.kind !== "spans") {
      for (const [start, end] of state.evidence[focused.name] || []) marks.push({ start, end, cls: "lw-ev" });
    }
    for (const q of this.host.visible().filter((v) => v.kind === "spans")) {
      for (const s of spansOf(state.form[q.name])) marks.push({ ...s, cls: spanClass(q.labels || [], String(s.label)) });
    }
    if (state.selection) marks.push({ start: state.selection[0], end: state.selection[1], cls: "lw-sel" });
    if (this.host.reviewing()) marks.push(...this.modelMarks());
    return marks;
  }
  /** @returns {Mark[]} where the model found its answers (shown after a submit) */
  modelMarks() {
    const questions = (this.host.model.get("review") || {}).questions || {};
    return Object.values(questions).flatMap((r) => [
      ...(r.model_evidence || []).map(([start, end]) => ({ start, end, cls: "lw-ev-model" })),
      ...(r.model_spans || []).map((s) => ({ start: s.start, end: s.end, cls: "lw-ev-model", label: `model: ${s.label}` }))
    ]);
  }
  /** Redraw the marks, only when they changed (a redraw ends a selection in progress). */
  paint() {
    const marks = this.marks();
    const signature = JSON.stringify(marks);
    if (signature === this.painted || !this.parts.length) return;
    this.painted = signature;
    const { text, base } = this.shown();
    for (const part of this.parts) {
      const own = text.slice(part.base - base, part.base - base + part.length);
      part.el.replaceChildren(...markedText(own, part.base, marks));
    }
  }
  // -- selecting ----------------------------------------------------------------------------------
  /** @returns {Pair | null} the browser's selection in the text, in chunk coordinates */
  domSelection() {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount || !this.container) return null;
    const range2 = selection.getRangeAt(0);
    if (!range2.intersectsNode(this.container)) return null;
    const start = this.offsetAt(range2.startContainer, range2.startOffset);
    const end = this.offsetAt(range2.endContainer, range2.endOffset);
    return end > start ? [start, end] : null;
  }
  /** @param {Node} node @param {number} offset @returns {number} a point of the DOM as an offset */
  offsetAt(node, offset) {
    for (const part of this.parts) {
      if (!part.el.contains(node)) continue;
      const range2 = document.createRange();
      range2.selectNodeContents(part.el);
      range2.setEnd(node, offset);
      return part.base + range2.toString().length;
    }
    const first = this.parts[0];
    const last = this.parts[this.parts.length - 1];
    const whole = document.createRange();
    whole.selectNodeContents(
      /** @type {HTMLElement} */
      this.container
    );
    return whole.comparePoint(node, offset) < 0 ? first.base : last.base + last.length;
  }
  /** A mouse selection ended: it becomes the selection (and the focused question's evidence). */
  fromMouse() {
    const pair = this.domSelection();
    if (!pair) return;
    window.getSelection()?.removeAllRanges();
    this.select(pair);
  }
  /**
   * Select `pair` (chunk coordinates); for a question that takes evidence, it is its evidence.
   * @param {Pair | null} pair
   */
  select(pair) {
    const shown = this.shown();
    const inText = pair && trimmed(shown.text, [pair[0] - shown.base, pair[1] - shown.base]);
    const selection = inText ? (
      /** @type {Pair} */
      [inText[0] + shown.base, inText[1] + shown.base]
    ) : null;
    const { state } = this.host;
    state.selection = selection;
    const q = this.host.focusedQuestion();
    if (selection && q && q.evidence && q.kind !== "spans" && this.placed()) {
      state.evidence[q.name] = [selection];
      state.evidenceFrom[q.name] = "selection";
      this.host.evidenceChanged(q.name);
    }
    if (selection && q?.kind === "spans") this.host.hint(`press 1\u2013${Math.min(9, (q.labels || []).length)} to label \u201C${quote(shown, selection)}\u201D`);
    this.paint();
  }
  /** @param {"next" | "prev" | "extend" | "shrink"} how move or resize the selection by a word */
  step(how) {
    const { state } = this.host;
    const q = this.host.focusedQuestion();
    const from = state.selection ?? (q ? (state.evidence[q.name] || [])[0] : void 0) ?? null;
    const inChunk = from && from[0] >= 0 && from[1] <= this.chunk().length ? from : null;
    this.select(stepSelection(this.chunk(), inChunk, how));
  }
  // -- answers from the text ----------------------------------------------------------------------
  /**
   * A typed answer: where the chunk has it, that is proposed as the question's evidence (unless
   * the labeler chose the evidence).
   * @param {QuestionView | undefined} q
   * @param {string} value
   */
  propose(q, value) {
    if (!q || !q.evidence || q.kind === "spans" || !this.placed()) return;
    const { state } = this.host;
    const from = state.evidenceFrom[q.name];
    if (from && from !== "auto") return;
    const found = locateAnswer(value, this.chunk());
    if (found) {
      state.evidence[q.name] = [found];
      state.evidenceFrom[q.name] = "auto";
    } else if (from === "auto") {
      delete state.evidence[q.name];
      delete state.evidenceFrom[q.name];
    } else return;
    this.host.evidenceChanged(q.name);
    this.paint();
  }
  /** The selection (or the focused question's evidence) becomes the focused question's answer. */
  copy() {
    const { state } = this.host;
    const q = this.host.focusedQuestion();
    if (!q || !["text", "number"].includes(q.kind)) {
      this.host.hint("the focused question takes no typed answer");
      return;
    }
    const pair = state.selection ?? (state.evidence[q.name] || [])[0];
    if (!pair) {
      this.host.hint("select the words in the text first (mouse, or Alt+Shift+\u2192)");
      return;
    }
    if (q.evidence && this.placed()) {
      state.evidence[q.name] = [pair];
      state.evidenceFrom[q.name] = "selection";
      this.host.evidenceChanged(q.name);
    }
    this.host.setAnswer(q.name, quote(this.shown(), pair).replace(/\s+/g, " ").trim());
    this.paint();
  }
  /** @param {number} index the selection becomes a span with that label of the focused question */
  label(index) {
    const { state } = this.host;
    const q = this.host.focusedQuestion();
    const label = (q?.labels || [])[index];
    if (!q || label === void 0) return;
    const pair = state.selection && trimmed(this.chunk(), state.selection);
    if (!pair) {
      this.host.hint("select the words of the span in the chunk first (mouse, or Alt+Shift+\u2192)");
      return;
    }
    state.selection = null;
    const current = isUnknown(state.form[q.name]) ? [] : spansOf(state.form[q.name]);
    this.labeled.push({ question: q.name, span: { start: pair[0], end: pair[1], label } });
    this.host.setAnswer(q.name, withSpan(current, pair, label));
    this.host.hint(`${label}: \u201C${quote(this.shown(), pair)}\u201D`);
  }
  /** Remove the span labeled last in the focused spans question (else its last span). */
  unspan() {
    const q = this.host.focusedQuestion();
    if (!q || q.kind !== "spans") return;
    const spans = spansOf(this.host.state.form[q.name]);
    const same = (a, b) => a.start === b.start && a.end === b.end && a.label === b.label;
    while (this.labeled.length) {
      const { question, span } = (
        /** @type {{question: string, span: import("../lib/types.js").Span}} */
        this.labeled.pop()
      );
      const index = spans.findIndex((s) => same(s, span));
      if (question !== q.name || index < 0) continue;
      this.host.setAnswer(q.name, spans.filter((_, i) => i !== index));
      this.host.hint(`removed ${span.label}: \u201C${quote(this.shown(), span)}\u201D`);
      return;
    }
    if (spans.length) this.host.setAnswer(q.name, spans.slice(0, -1));
  }
};

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
    if (input) input.focus();
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
};
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
  box.appendChild(h("div", { class: "lw-q-label" }, [
    h("strong", { text: humanName(q.name) }),
    q.instructions ? h("div", { class: "lw-muted", text: q.instructions }) : null
  ]));
  const field = inputFor(host, q);
  const unknown = q.allow_unknown ? h("button", {
    class: "lw-unknown",
    testid: `lw-unknown-${q.name}`,
    "data-key": `unknown-${q.name}`,
    text: "Not in the text (Alt+U)",
    onclick: () => host.toggleUnknown(q)
  }) : null;
  box.appendChild(h("div", { class: "lw-answer-row" }, [field.el, unknown]));
  const echo = q.kind === "number" ? h("div", { class: "lw-muted lw-echo", testid: `lw-echo-${q.name}`, role: "status" }) : null;
  if (echo) box.appendChild(echo);
  const placed = Boolean((host.model.get("item") || {}).offsets);
  const evidenceLine = q.evidence && q.kind !== "spans" && placed ? evidenceNote(host, q) : null;
  if (evidenceLine) box.appendChild(evidenceLine.el);
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
  const reading = () => {
    if (echo) echo.textContent = readBackText(host, q);
  };
  update();
  problems();
  evidenceLine?.update();
  return { el: box, update, problems, evidence: () => evidenceLine?.update(), reading };
}
function readBackText(host, q) {
  const back = host.model.get("read_back") || {};
  const typed = host.state.form[q.name];
  if (back.question !== q.name || typeof typed !== "string" || back.text !== typed || !typed.trim()) return "";
  if (back.error) return `\u26A0 ${back.error}`;
  return `reads as ${Number(back.value).toLocaleString("en-US", { maximumFractionDigits: 20 })}`;
}
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
      h("mark", { class: "lw-ev", testid: `lw-evidence-quote-${q.name}`, text: pairs.map((p) => quote(host.text.shown(), p)).join(" \u2026 ") }),
      found,
      h("button", { class: "lw-link", testid: `lw-evidence-clear-${q.name}`, text: "clear", onclick: () => host.clearEvidence(q.name) })
    );
  };
  return { el, update };
}
function inputFor(host, q) {
  if (q.kind === "choice" || q.kind === "rating") return choiceButtons(host, q);
  if (q.kind === "multi_choice") return checkBoxes(host, q);
  if (q.kind === "spans") return spansField(host, q);
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
function spansField(host, q) {
  const labels = q.labels || [];
  const placed = Boolean((host.model.get("item") || {}).offsets);
  const buttons = labels.map((label, i) => h("button", {
    class: "lw-choice",
    "data-key": `${q.name}-${i}`,
    testid: `lw-label-${q.name}-${i}`,
    text: keyed(i, label),
    onclick: () => host.text.label(i)
  }));
  const list = h("ul", { class: "lw-spans", testid: `lw-spans-${q.name}` });
  const update = (value) => {
    const spans = spansOf(value);
    list.replaceChildren(...spans.map((span, i) => h("li", { class: "lw-span-item", testid: `lw-span-${q.name}-${i}` }, [
      h("strong", { text: `${span.label} ` }),
      `\u201C${quote(host.text.shown(), span)}\u201D `,
      h("button", {
        class: "lw-link",
        testid: `lw-span-remove-${q.name}-${i}`,
        text: "remove",
        onclick: () => host.setAnswer(q.name, spans.filter((_, j) => j !== i))
      })
    ])));
    if (!spans.length) list.appendChild(h("li", { class: "lw-muted", text: "no spans: select words in the text, then press a label's number" }));
  };
  const el = placed ? h("div", { class: "lw-spans-field" }, [h("div", { class: "lw-choices" }, buttons), list]) : h("div", { class: "lw-muted", text: "this chunk's place in its document is unknown: spans cannot be marked" });
  return { el, update: placed ? update : () => {
  } };
}

// js/labeler/parts.js
var SHORTCUTS = [
  ["typing", "letters, digits and spaces go into the focused question's answer (or the first text answer): typing never runs a command"],
  ["Enter", "submit (Shift+Enter: new line in a text answer)"],
  ["Tab / Shift+Tab", "next / previous question (\u2191 / \u2193 too, outside a text field)"],
  ["1\u20139", "pick a choice of the focused choice or rating question; on a spans question: label the selection"],
  ["mouse", "select words in the text: the focused question's evidence (where its answer is written)"],
  ["Alt+\u2192 / Alt+\u2190", "select the next / previous word of the chunk"],
  ["Alt+Shift+\u2192 / Alt+Shift+\u2190", "extend the selection by a word / take its last word off"],
  ["Ctrl+E (or Alt+E)", "copy the selection into the focused answer (\u2318E on a Mac)"],
  ["Backspace", "remove the span labeled last (on a spans question)"],
  ["Alt+U", "mark the focused question \u201CNot in the text\u201D"],
  ["Alt+Shift+U", "the whole chunk is \u201CNot in the text\u201D: store that and move on"],
  ["Alt+N / Alt+P", "next / previous chunk"],
  ["Alt+S", "skip this chunk"],
  ["Alt+Z", "undo your last submit or skip here (Ctrl+Z outside a text field): that chunk comes back; again: the one before"],
  ["Alt+F", "flag this chunk with a comment"],
  ["Alt+C", "more context around the chunk"],
  ["Alt+M", "show more of a long chunk"],
  ["Alt+K", "find chunks: words or a phrase, a document, a status (Enter searches; pick a result to show it; Clear returns to your queue)"],
  ["Alt+O", "store anyway when a validator complained (the override is recorded)"],
  ["Esc", "leave a text field"],
  ["?", "show / hide these shortcuts (outside a text answer; or the \u201C? shortcuts\u201D button)"],
  ["\u2325 on a Mac", "Alt is the Option key"]
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
function chunkView(item, context, onToggle, onMore) {
  const pages = pagesLabel(item.page_start, item.page_end);
  const container = h("div", { class: "lw-text", testid: "lw-text" });
  const before = item.context_before || "";
  const chunkText = item.text || "";
  const parts = [];
  const part = (el2, base, length) => {
    container.appendChild(el2);
    parts.push({ el: el2, base, length });
  };
  if (context && before) part(h("span", { class: "lw-context" }), -before.length, before.length);
  part(h("span", { class: "lw-chunk", testid: "lw-chunk-text" }), 0, chunkText.length);
  if (context && item.context_after) part(h("span", { class: "lw-context" }), chunkText.length, item.context_after.length);
  const toggle = item.context_before || item.context_after ? h("button", {
    class: "lw-link",
    testid: "lw-context-toggle",
    text: context ? "less context (Alt+C)" : "more context (Alt+C)",
    onclick: onToggle
  }) : null;
  const el = h("div", { class: "lw-item" }, [
    h("div", { class: "lw-source", testid: "lw-source" }, [
      h("strong", { text: item.doc_name }),
      pages ? ` \xB7 ${pages}` : "",
      item.prefilled ? h("span", { class: "lw-badge", text: "prefilled by the model" }) : null,
      item.status || item.done_before ? h("span", {
        class: "lw-badge",
        testid: "lw-status-badge",
        text: item.status === "skipped" ? "skipped" : "answered before"
      }) : null,
      toggle
    ]),
    container,
    pager(item, onMore)
  ]);
  return { el, container, parts };
}
function pager(item, onMore) {
  const start = item.text_offset || 0;
  const total = item.text_length ?? (item.text || "").length;
  if (!item.more && !start) return null;
  const end = start + (item.text || "").length;
  const count = (n) => n.toLocaleString("en");
  return h("div", { class: "lw-pager", testid: "lw-pager" }, [
    `characters ${count(start + 1)}\u2013${count(end)} of ${count(total)} `,
    h("button", {
      class: "lw-link",
      testid: "lw-show-more",
      text: item.more ? "show more" : "back to the start",
      onclick: onMore
    })
  ]);
}
function modelEvidence(name, r, shown) {
  if (r.model_spans) {
    return h(
      "div",
      { class: "lw-evidence", testid: `lw-model-evidence-${name}` },
      r.model_spans.map((s) => h("span", { class: "lw-span-item" }, [`${s.label} `, h("mark", { class: "lw-ev-model", text: quote(shown, s) })]))
    );
  }
  if (r.model_supported === false) {
    const text = r.model_via === "evidence" ? "model's answer: not in its evidence" : "model's answer: not found in the text";
    return h("div", { class: "lw-not-found", testid: `lw-model-not-found-${name}`, text });
  }
  const first = (r.model_evidence || [])[0];
  if (!first) return null;
  const { before, quote: words, after } = snippet(shown, first);
  const where = r.model_via === "evidence" ? "model's evidence: " : "found in the text: ";
  return h(
    "div",
    { class: "lw-evidence", testid: `lw-model-evidence-${name}` },
    [h("span", { class: "lw-who", text: where }), before, h("mark", { class: "lw-ev-model", text: words }), after]
  );
}
function reviewView(review, shown) {
  const panel = h(
    "div",
    { class: "lw-review", testid: "lw-review" },
    [h("div", { class: "lw-muted", text: "Saved. The model answered (differences highlighted):" })]
  );
  for (const [name, r] of Object.entries(review.questions || {})) {
    panel.appendChild(h("div", { class: "lw-review-q" }, [
      h("strong", { text: humanName(name) }),
      h("div", {}, [h("span", { class: "lw-who", text: `model (${r.model}): ` }), diffSide(r.ops, "a")]),
      h("div", {}, [h("span", { class: "lw-who", text: "you: " }), diffSide(r.ops, "b")]),
      modelEvidence(name, r, shown)
    ]));
  }
  panel.appendChild(h("div", { class: "lw-muted", text: "Enter or Alt+N: next chunk \xB7 Alt+P: back to change it \xB7 Alt+Z: undo" }));
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
    shown.forceable ? h("button", { class: "lw-warn", testid: "lw-override", text: "Store anyway (Alt+O)", onclick: () => act.submit(true) }) : null,
    reviewing ? null : h("button", { testid: "lw-skip", text: "Skip (Alt+S)", onclick: () => act.send("skip") }),
    h("button", { testid: "lw-undo", text: "Undo (Alt+Z)", onclick: () => act.send("undo") }),
    h("button", { testid: "lw-prev", text: "\u25C0 Previous (Alt+P)", onclick: () => act.send("previous") }),
    h("button", { testid: "lw-next", text: "Next (Alt+N) \u25B6", onclick: () => act.send("next") }),
    h("button", { testid: "lw-flag", text: "Flag (Alt+F)", onclick: () => act.setFlagging(true) })
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
var STATUSES = [
  ["", "any status"],
  ["unanswered", "unanswered"],
  ["skipped", "skipped"],
  ["flagged", "flagged"],
  ["answered", "answered"]
];
var LabelerView = class {
  /** @param {LabelerModel} model @param {HTMLElement} root */
  constructor(model, root) {
    this.model = model;
    this.root = root;
    this.sender = commandSender(model);
    this.gate = new CommandGate();
    this.state = {
      form: {},
      focused: 0,
      context: false,
      help: false,
      pending: 0,
      status: "",
      problems: {},
      forceable: false,
      flagging: false,
      shownAt: Date.now(),
      evidence: {},
      evidenceFrom: {},
      selection: null,
      chunkId: "",
      textOffset: 0,
      finding: false
    };
    this.form = new FormPart(this);
    this.text = new ChunkText(this);
    this.finder = new FindPart({
      search: (query, page) => this.send("search", { ...query, page }),
      clear: () => this.closeFind(),
      choose: (chunkId) => this.send("go_to", { chunk_id: chunkId }),
      found: () => this.model.get("found") || {},
      current: () => this.state.chunkId
    }, STATUSES);
    this.progressNode = h("span", { class: "lw-progress", testid: "lw-progress" });
    this.statusNode = h("div", { testid: "lw-status", role: "status" });
    this.skippedNode = h("button", { class: "lw-link", testid: "lw-skipped", onclick: () => this.findSkipped() });
    root.appendChild(h("div", { class: "lw-bar" }, [
      this.progressNode,
      this.statusNode,
      this.skippedNode,
      h("button", { class: "lw-link", testid: "lw-find-open", text: "Find (Alt+K)", onclick: () => this.openFind() }),
      h("button", { class: "lw-link", text: "? shortcuts", onclick: () => this.toggleHelp() })
    ]));
    const place = () => slot(root, root);
    this.slots = {
      error: place(),
      help: place(),
      find: place(),
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
    if (!this.gate.offer(type, payload)) return;
    const write = isWrite(type);
    const chunk = write && type !== "accept_terms" && type !== "undo" ? { chunk_id: (this.model.get("item") || {}).chunk_id } : {};
    this.state.pending = this.sender.send(type, { ...payload, ...chunk });
    this.state.status = write ? "saving\u2026" : "";
    this.showStatus();
  }
  submit(force = false) {
    const questions = this.questions();
    const answers = submission(questions, this.state.form);
    const evidence = this.text.placed() ? submittedEvidence(questions, answers, this.state.evidence) : {};
    this.send("submit", { answers, evidence, force, time_spent: (Date.now() - this.state.shownAt) / 1e3 });
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
      this.model.set("reading", { question: name, text: value });
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
    this.state.evidenceFrom[name] = "selection";
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
    if (this.state.finding) this.finder.show();
    const evidence = { ...item.evidence || {} };
    this.text.labeled = [];
    Object.assign(this.state, {
      form: { ...item.answers || {} },
      focused: 0,
      problems: {},
      forceable: false,
      flagging: false,
      shownAt: Date.now(),
      evidence,
      selection: null,
      evidenceFrom: Object.fromEntries(Object.keys(evidence).map((name) => [name, "stored"]))
    });
    this.showBody();
    const active = document.activeElement;
    if (active === document.body || this.root.contains(active) && !this.finder.el.contains(active)) {
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
    this.slots.done.set(!terms && item.done ? h("div", { class: "lw-done", testid: "lw-done" }, [
      "All chunks are done. Thank you! ",
      h("button", { class: "lw-link", testid: "lw-undo", text: "Undo the last (Alt+Z)", onclick: () => this.send("undo") })
    ]) : null);
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
    if (area && area === this.area && area !== "review") return;
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
    const key = keyOf(event);
    const action = labelerKey(key, {
      terms: Boolean(this.model.get("terms")),
      reviewing: this.reviewing(),
      forceable: this.state.forceable,
      focused: this.state.focused,
      shown: this.visible()
    });
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
    else if (action.do === "toggle_unknown") this.toggleUnknown(
      /** @type {QuestionView} */
      this.focusedQuestion()
    );
    else if (action.do === "copy") this.text.copy();
    else if (action.do === "select") this.text.step(action.how);
    else if (action.do === "label") this.text.label(action.index);
    else if (action.do === "unspan") this.text.unspan();
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
      ["change:error", () => view.onError()],
      ["change:found", () => view.onFound()],
      ["change:read_back", () => view.form.showReadings()]
    ];
    const onKey = (event) => view.onKey(event);
    const onMouseUp = () => view.text.fromMouse();
    for (const [name, callback] of listeners) model.on(name, callback);
    root.addEventListener("keydown", onKey);
    root.addEventListener("mouseup", onMouseUp);
    view.onItem();
    root.focus({ preventScroll: true });
    return () => {
      for (const [name, callback] of listeners) model.off(name, callback);
      root.removeEventListener("keydown", onKey);
      root.removeEventListener("mouseup", onMouseUp);
      root.remove();
    };
  }
};
export {
  labeler_default as default
};
