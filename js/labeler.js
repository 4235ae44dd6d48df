// The Labeler widget: one chunk at a time, a form per question, keyboard first.
// Python owns the state and the store; this view renders traits and sends typed commands.
import { commandSender, diffSide, errorBanner, h, highlighted, keyTarget } from "./lib/dom.js";

const WRITES = ["submit", "unknown", "skip", "flag", "accept_terms"];

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

/** @param {any} value */
const isUnknown = (value) => Boolean(value && typeof value === "object" && !Array.isArray(value) && value.unknown);

/**
 * @param {{question: string, values: any[]} | null} when
 * @param {Record<string, any>} form
 */
function conditionMet(when, form) {
  if (!when) return true;
  const given = form[when.question];
  if (given === undefined || given === "") return false;
  // mirrors Question.condition_met: a condition may also ask for "Not in the text"
  if (isUnknown(given)) return when.values.some(isUnknown);
  return Array.isArray(given) ? given.some((g) => when.values.includes(g)) : when.values.includes(given);
}

export default {
  /** @param {{model: any, el: HTMLElement}} ctx */
  render({ model, el }) {
    const sender = commandSender(model);
    const root = h("div", { class: "lw-root lw-labeler", tabindex: "0", testid: "lw-labeler",
                            "data-lm-suppress-shortcuts": "true" });
    el.appendChild(root);
    /** @type {{form: Record<string, any>, focused: number, context: boolean, help: boolean,
     *          pending: number, status: string, problems: Record<string, string[]>,
     *          forceable: boolean, flagging: boolean, shownAt: number, inflight: boolean}} */
    const state = { form: {}, focused: 0, context: false, help: false, pending: 0, status: "",
                    problems: {}, forceable: false, flagging: false, shownAt: Date.now(), inflight: false };

    const questions = () => (model.get("task_view").questions || []);
    const visible = () => questions().filter((q) => conditionMet(q.when, state.form));

    function loadItem() {
      const item = model.get("item") || {};
      state.form = { ...(item.answers || {}) };
      state.focused = 0;
      state.problems = {};
      state.forceable = false;
      state.flagging = false;
      state.shownAt = Date.now();
      draw();
      if (root.contains(document.activeElement) || document.activeElement === document.body) {
        root.focus({ preventScroll: true });
      }
    }

    /** @param {string} type @param {Record<string, any>} [payload] */
    function send(type, payload = {}) {
      // One command at a time: a second Enter before the ack must not answer the next chunk
      // with this one's answers. Writes also name their chunk, and Python checks it.
      if (state.inflight) return;
      const write = WRITES.includes(type);
      const chunk = write && type !== "accept_terms" ? { chunk_id: (model.get("item") || {}).chunk_id } : {};
      state.inflight = true;
      state.pending = sender.send(type, { ...payload, ...chunk });
      state.status = write ? "saving…" : "";
      drawStatus();
    }

    function submit(force = false) {
      const answers = {};
      for (const q of visible()) {
        const value = state.form[q.name];
        if (value === undefined || value === "" || (Array.isArray(value) && !value.length)) continue;
        answers[q.name] = value;
      }
      send("submit", { answers, force, time_spent: (Date.now() - state.shownAt) / 1000 });
    }

    function onAck() {
      const ack = model.get("ack") || {};
      if (ack.seq !== state.pending) return;
      state.inflight = false;
      state.problems = ack.problems || {};
      state.forceable = Boolean(ack.forceable);
      if (ack.ok) state.status = ack.saved ? "saved ✓" : "";
      else state.status = Object.keys(state.problems).length ? "not saved: fix the answers marked below"
                                                             : `not saved: ${ack.message}`;
      draw();
    }

    /** @param {string} name @param {any} value */
    function setAnswer(name, value) {
      state.form[name] = value;
      delete state.problems[name];
      edited();
      draw();
    }

    // "saved ✓" speaks of what was sent; once the labeler changes an answer it no longer holds
    function edited() {
      if (state.status.startsWith("saved")) { state.status = ""; drawStatus(); }
    }

    // -- rendering ------------------------------------------------------------------------------
    let statusNode = h("div");
    function drawStatus() {
      statusNode.textContent = state.status;
      statusNode.className = `lw-status ${state.status.startsWith("saved") ? "lw-ok" : ""} ${state.status.startsWith("not saved") ? "lw-bad" : ""}`;
    }

    function draw() {
      const active = /** @type {HTMLElement|null} */ (document.activeElement);
      const hadFocus = Boolean(active && active !== root && root.contains(active));
      const activeKey = hadFocus ? active.dataset.key : null;
      root.replaceChildren();
      drawContent();
      if (hadFocus) {
        // keep the keyboard in the widget: back to the same control, or else to the widget
        const again = activeKey ? root.querySelector(`[data-key="${CSS.escape(activeKey)}"]`) : null;
        /** @type {HTMLElement} */ (again || root).focus({ preventScroll: true });
      }
    }

    function drawContent() {
      const progress = model.get("progress") || {};
      statusNode = h("div", { testid: "lw-status", role: "status" });
      drawStatus();
      root.appendChild(h("div", { class: "lw-bar" }, [
        h("span", { class: "lw-progress", testid: "lw-progress",
                    text: `${progress.done ?? 0} / ${progress.total ?? 0} done` }),
        statusNode,
        h("button", { class: "lw-link", text: "? shortcuts", onclick: () => { state.help = !state.help; draw(); } }),
      ]));
      const error = errorBanner(model);
      if (error) root.appendChild(error);
      if (state.help) root.appendChild(helpSheet());
      const terms = model.get("terms");
      if (terms) { root.appendChild(termsGate(terms)); return; }
      const item = model.get("item") || {};
      if (item.done) {
        root.appendChild(h("div", { class: "lw-done", testid: "lw-done", text: "All chunks are done. Thank you!" }));
        return;
      }
      if (!item.chunk_id) return;
      const guidelines = model.get("task_view").guidelines;
      if (guidelines) root.appendChild(h("details", { class: "lw-guidelines" }, [h("summary", { text: "Guidelines" }), h("div", { text: guidelines })]));
      root.appendChild(chunkView(item));
      const review = model.get("review") || {};
      if (review.chunk_id === item.chunk_id) root.appendChild(reviewView(review));
      else root.appendChild(formView());
      root.appendChild(actions(review.chunk_id === item.chunk_id));
    }

    function helpSheet() {
      return h("table", { class: "lw-help", testid: "lw-help" },
        SHORTCUTS.map(([key, what]) => h("tr", {}, [h("th", { text: key }), h("td", { text: what })])));
    }

    function termsGate(terms) {
      return h("div", { class: "lw-terms", testid: "lw-terms" }, [
        h("p", { class: "lw-muted", text: "Please read and accept before any document is shown:" }),
        h("pre", { class: "lw-terms-text", text: terms }),
        h("button", { class: "lw-primary", testid: "lw-accept", text: "I accept (Enter)", onclick: () => send("accept_terms") }),
      ]);
    }

    function chunkView(item) {
      const pages = item.page_start ? (item.page_end && item.page_end !== item.page_start ? `pages ${item.page_start}–${item.page_end}` : `page ${item.page_start}`) : "";
      const text = h("div", { class: "lw-text", testid: "lw-text" });
      if (state.context && item.context_before) text.appendChild(h("span", { class: "lw-context", text: item.context_before }));
      const body = h("span", { class: "lw-chunk", testid: "lw-chunk-text" });
      body.appendChild(highlighted(item.text, item.highlights));
      text.appendChild(body);
      if (state.context && item.context_after) text.appendChild(h("span", { class: "lw-context", text: item.context_after }));
      return h("div", { class: "lw-item" }, [
        h("div", { class: "lw-source", testid: "lw-source" }, [
          h("strong", { text: item.doc_name }), pages ? ` · ${pages}` : "",
          item.prefilled ? h("span", { class: "lw-badge", text: "prefilled by the model" }) : null,
          item.done_before ? h("span", { class: "lw-badge", text: "answered before" }) : null,
          item.context_before || item.context_after
            ? h("button", { class: "lw-link", testid: "lw-context-toggle", text: state.context ? "less context (c)" : "more context (c)",
                            onclick: () => { state.context = !state.context; draw(); } })
            : null,
        ]),
        text,
      ]);
    }

    function formView() {
      const form = h("div", { class: "lw-form", testid: "lw-form" });
      visible().forEach((q, index) => form.appendChild(questionView(q, index)));
      return form;
    }

    function questionView(q, index) {
      const value = state.form[q.name];
      const unknown = isUnknown(value);
      const focusHere = () => { state.focused = index; markFocus(); };
      const box = h("div", { class: `lw-question ${index === state.focused ? "lw-focused" : ""}`,
                             testid: `lw-q-${q.name}`, "data-index": String(index), onfocusin: focusHere });
      box.appendChild(h("div", { class: "lw-q-label" }, [h("strong", { text: q.name.replaceAll("_", " ") }),
                                                          q.instructions ? h("div", { class: "lw-muted", text: q.instructions }) : null]));
      box.appendChild(h("div", { class: "lw-answer-row" }, [
        inputFor(q, value, unknown),
        q.allow_unknown ? h("button", { class: `lw-unknown ${unknown ? "lw-on" : ""}`, testid: `lw-unknown-${q.name}`,
                                        "data-key": `unknown-${q.name}`, "aria-pressed": String(unknown),
                                        text: "Not in the text (u)", onclick: () => toggleUnknown(q) }) : null,
      ]));
      for (const problem of state.problems[q.name] || []) {
        box.appendChild(h("div", { class: "lw-problem", testid: `lw-problem-${q.name}`, text: problem }));
      }
      return box;
    }

    function inputFor(q, value, unknown) {
      const current = unknown ? undefined : value;
      if (q.kind === "choice" || q.kind === "rating") {
        const options = q.kind === "choice" ? q.choices : range(q.scale[0], q.scale[1]);
        return h("div", { class: "lw-choices" }, options.map((option, i) => h("button", {
          class: `lw-choice ${current === option ? "lw-on" : ""}`, "aria-pressed": String(current === option),
          "data-key": `${q.name}-${i}`, testid: `lw-choice-${q.name}-${i}`,
          text: keyed(i, option), onclick: () => setAnswer(q.name, option) })));
      }
      if (q.kind === "multi_choice") {
        const picked = Array.isArray(current) ? current : [];
        return h("div", { class: "lw-choices" }, q.choices.map((option, i) => h("label", { class: "lw-check" }, [
          h("input", { type: "checkbox", checked: picked.includes(option), "data-key": `${q.name}-${i}`,
                       onchange: () => setAnswer(q.name, toggled(picked, option, q.choices)) }),
          ` ${keyed(i, option)}`])));
      }
      const attrs = { class: "lw-input", "data-key": `${q.name}-input`, testid: `lw-input-${q.name}`,
                      value: current === undefined ? "" : String(current),
                      oninput: (/** @type {Event} */ e) => { state.form[q.name] = /** @type {any} */ (e.target).value; delete state.problems[q.name]; edited(); } };
      if (q.kind === "text") return h("textarea", { ...attrs, rows: "2", placeholder: "Type the answer as written" });
      if (q.kind === "date") return h("input", { ...attrs, class: "lw-input lw-short", type: "date" });
      return h("input", { ...attrs, class: "lw-input lw-short", type: "text", inputmode: "decimal", placeholder: "A number" });
    }

    function reviewView(review) {
      const panel = h("div", { class: "lw-review", testid: "lw-review" },
        [h("div", { class: "lw-muted", text: "Saved. The model answered (differences highlighted):" })]);
      for (const [name, r] of Object.entries(review.questions)) {
        panel.appendChild(h("div", { class: "lw-review-q" }, [
          h("strong", { text: name.replaceAll("_", " ") }),
          h("div", {}, [h("span", { class: "lw-who", text: `model (${r.model}): ` }), diffSide(r.ops, "a")]),
          h("div", {}, [h("span", { class: "lw-who", text: "you: " }), diffSide(r.ops, "b")]),
        ]));
      }
      panel.appendChild(h("div", { class: "lw-muted", text: "Enter or n: next chunk · p: back to change it" }));
      return panel;
    }

    function actions(reviewing) {
      const bar = h("div", { class: "lw-actions" }, [
        h("button", { class: "lw-primary", testid: "lw-submit", text: reviewing ? "Next (Enter)" : "Submit (Enter)",
                      onclick: () => (reviewing ? send("next") : submit()) }),
        state.forceable ? h("button", { class: "lw-warn", testid: "lw-override", text: "Store anyway (o)", onclick: () => submit(true) }) : null,
        reviewing ? null : h("button", { testid: "lw-skip", text: "Skip (s)", onclick: () => send("skip") }),
        h("button", { testid: "lw-prev", text: "◀ Previous (p)", onclick: () => send("previous") }),
        h("button", { testid: "lw-next", text: "Next (n) ▶", onclick: () => send("next") }),
        h("button", { testid: "lw-flag", text: "Flag (f)", onclick: () => { state.flagging = true; draw(); } }),
      ]);
      if (state.flagging) {
        const input = h("input", { class: "lw-input", testid: "lw-flag-comment", "data-key": "flag-comment",
                                   placeholder: "What is wrong with this chunk? (Enter to flag, Esc to cancel)" });
        input.addEventListener("keydown", (event) => {
          if (event.key === "Enter") { event.preventDefault(); event.stopPropagation(); state.flagging = false; send("flag", { comment: input.value }); draw(); }
        });
        bar.appendChild(input);
        queueMicrotask(() => input.focus());
      }
      return bar;
    }

    function markFocus() {
      root.querySelectorAll(".lw-question").forEach((node) => {
        node.classList.toggle("lw-focused", Number(/** @type {HTMLElement} */ (node).dataset.index) === state.focused);
      });
    }

    function toggleUnknown(q) {
      setAnswer(q.name, isUnknown(state.form[q.name]) ? undefined : { unknown: true });
    }

    // -- keyboard -------------------------------------------------------------------------------
    /** @param {KeyboardEvent} event */
    function onKey(event) {
      const target = /** @type {HTMLElement} */ (event.target);
      if (keyTarget(event) === "typing") { // keyTarget stops the event: the notebook never sees it
        if (event.key === "Escape") {
          if (target.dataset.key === "flag-comment") { state.flagging = false; draw(); }
          else target.blur();
          root.focus({ preventScroll: true });
        }
        else if (event.key === "Enter" && !event.shiftKey && target.dataset.key !== "flag-comment") { event.preventDefault(); submit(); }
        return;
      }
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const terms = model.get("terms");
      const item = model.get("item") || {};
      const reviewing = (model.get("review") || {}).chunk_id === item.chunk_id && item.chunk_id;
      const handled = () => event.preventDefault();
      if (event.key === "?") { state.help = !state.help; draw(); return handled(); }
      if (terms) { if (event.key === "Enter") { send("accept_terms"); handled(); } return; }
      if (event.key === "Enter" && target.tagName !== "BUTTON") { reviewing ? send("next") : submit(); return handled(); }
      if (event.key === "n") { send("next"); return handled(); }
      if (event.key === "p") { send("previous"); return handled(); }
      if (event.key === "s" && !reviewing) { send("skip"); return handled(); }
      if (event.key === "U") { send("unknown"); return handled(); }
      if (event.key === "c") { state.context = !state.context; draw(); return handled(); }
      if (event.key === "f") { state.flagging = true; draw(); return handled(); }
      if (event.key === "o" && state.forceable) { submit(true); return handled(); }
      const shown = visible();
      const q = shown[Math.min(state.focused, shown.length - 1)];
      if (!q || reviewing) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        state.focused = Math.max(0, Math.min(shown.length - 1, state.focused + (event.key === "ArrowDown" ? 1 : -1)));
        markFocus();
        const input = root.querySelector(`.lw-question[data-index="${state.focused}"] .lw-input`);
        if (input) /** @type {HTMLElement} */ (input).focus();
        return handled();
      }
      if (event.key === "u" && q.allow_unknown) { toggleUnknown(q); return handled(); }
      if (/^[1-9]$/.test(event.key)) {
        const i = Number(event.key) - 1;
        const options = q.kind === "rating" ? range(q.scale[0], q.scale[1]) : q.choices;
        if (i >= options.length) return;
        if (q.kind === "multi_choice") {
          const picked = Array.isArray(state.form[q.name]) ? state.form[q.name] : [];
          setAnswer(q.name, toggled(picked, options[i], q.choices));
        } else if (q.kind === "choice" || q.kind === "rating") {
          setAnswer(q.name, options[i]);
          const next = visible().findIndex((v) => v.name === q.name) + 1;
          if (next < visible().length) { state.focused = next; focusInputOf(next); }
        }
        return handled();
      }
    }

    function focusInputOf(index) {
      draw();
      const input = root.querySelector(`.lw-question[data-index="${index}"] .lw-input`);
      if (input) /** @type {HTMLElement} */ (input).focus();
    }

    const onItem = () => loadItem();
    const onChange = () => draw();
    model.on("change:item", onItem);
    model.on("change:ack", onAck);
    model.on("change:review", onChange);
    model.on("change:progress", onChange);
    model.on("change:terms", onChange);
    model.on("change:error", onChange);
    root.addEventListener("keydown", onKey);
    loadItem();
    root.focus({ preventScroll: true });
    return () => {
      model.off("change:item", onItem);
      model.off("change:ack", onAck);
      model.off("change:review", onChange);
      model.off("change:progress", onChange);
      model.off("change:terms", onChange);
      model.off("change:error", onChange);
      root.removeEventListener("keydown", onKey);
      root.remove();
    };
  },
};

/** @param {number} low @param {number} high @returns {number[]} */
function range(low, high) {
  return Array.from({ length: high - low + 1 }, (_, i) => low + i);
}

/** @param {string[]} picked @param {string} option @param {string[]} order */
function toggled(picked, option, order) {
  const set = new Set(picked);
  if (set.has(option)) set.delete(option); else set.add(option);
  return order.filter((c) => set.has(c));
}


/** A choice's label with its key (1–9), unless the choice already is that number. */
function keyed(index, option) {
  const key = String(index + 1);
  return index >= 9 || String(option) === key ? String(option) : `${key} ${option}`;
}
