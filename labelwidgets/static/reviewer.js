// js/lib/dom.js
function h(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === void 0 || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = String(value);
    else if (key === "testid") node.dataset.testid = value;
    else if (key.startsWith("on") && typeof value === "function") {
      node.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "value") node.value = value;
    else if (key === "checked") node.checked = Boolean(value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === void 0 || child === false) continue;
    node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}
function highlighted(text, spans = []) {
  const fragment = document.createDocumentFragment();
  let at = 0;
  for (const [start, end] of spans) {
    if (start < at) continue;
    fragment.appendChild(document.createTextNode(text.slice(at, start)));
    fragment.appendChild(h("mark", { class: "lw-hl", text: text.slice(start, end) }));
    at = end;
  }
  fragment.appendChild(document.createTextNode(text.slice(at)));
  return fragment;
}
function commandSender(model) {
  let seq = Math.floor(Math.random() * 2 ** 40);
  return {
    /** @param {string} type @param {Record<string, any>} [payload] @returns {number} */
    send(type, payload = {}) {
      seq += 1;
      model.send({ type, seq, ...payload });
      return seq;
    }
  };
}
function answerText(value) {
  if (value && typeof value === "object" && !Array.isArray(value) && value.unknown) {
    return "(not in the text)";
  }
  if (Array.isArray(value)) return value.join(", ");
  return value === void 0 || value === null ? "" : String(value);
}
function unifiedDiff(ops) {
  const line = h("span", { class: "lw-diff" });
  for (const op of ops) {
    if (op.op === "equal") {
      line.appendChild(document.createTextNode(op.b));
      continue;
    }
    if (op.a) line.appendChild(h("span", { class: "lw-del", text: op.a }));
    if (op.b) line.appendChild(h("span", { class: "lw-ins", text: op.b }));
  }
  return line;
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

// js/reviewer.js
var SHORTCUTS = [
  ["1\u20139", "accept that answer as final"],
  ["e", "edit the final answer (Enter saves)"],
  ["u", "mark the question unclear (with a note)"],
  ["f", "feedback to the labeler of the focused answer"],
  ["\u2191 / \u2193", "focus an answer"],
  ["n / p", "next / previous item"],
  ["?", "these shortcuts"]
];
var reviewer_default = {
  /** @param {{model: any, el: HTMLElement}} ctx */
  render({ model, el }) {
    const sender = commandSender(model);
    const root = h("div", {
      class: "lw-root lw-reviewer",
      tabindex: "0",
      testid: "lw-reviewer",
      "data-lm-suppress-shortcuts": "true"
    });
    el.appendChild(root);
    const state = { focused: 0, mode: "", status: "", pending: 0, help: false };
    function send(type, payload = {}) {
      state.pending = sender.send(type, payload);
      state.status = ["accept", "edit", "unclear", "feedback"].includes(type) ? "saving\u2026" : "";
      state.mode = "";
      draw();
    }
    function onAck() {
      const ack = model.get("ack") || {};
      if (ack.seq !== state.pending) return;
      state.status = ack.ok ? ack.saved ? "saved \u2713" : "" : `not saved: ${ack.message}`;
      draw();
    }
    function draw() {
      root.replaceChildren();
      const item = model.get("item") || {};
      const progress = model.get("progress") || {};
      root.appendChild(h("div", { class: "lw-bar" }, [
        h("span", {
          class: "lw-progress",
          testid: "lw-progress",
          text: `item ${progress.position ?? 0} / ${progress.total ?? 0} \xB7 ${progress.decided ?? 0} decided`
        }),
        h("span", { class: `lw-status ${state.status.startsWith("saved") ? "lw-ok" : ""}`, testid: "lw-status", text: state.status }),
        h("button", { class: "lw-link", text: "? shortcuts", onclick: () => {
          state.help = !state.help;
          draw();
        } })
      ]));
      if (state.help) {
        root.appendChild(h("table", { class: "lw-help" }, SHORTCUTS.map(([k, v]) => h("tr", {}, [h("th", { text: k }), h("td", { text: v })]))));
      }
      if (item.done) {
        root.appendChild(h("div", { class: "lw-done", testid: "lw-done", text: "Nothing left to review." }));
        return;
      }
      if (!item.chunk_id) return;
      const pages = item.page_start ? ` \xB7 page ${item.page_start}${item.page_end !== item.page_start ? `\u2013${item.page_end}` : ""}` : "";
      root.appendChild(h("div", { class: "lw-source" }, [h("strong", { text: item.doc_name }), pages]));
      const text = h("div", { class: "lw-text", testid: "lw-chunk-text" });
      text.appendChild(highlighted(item.text, []));
      root.appendChild(text);
      root.appendChild(h("div", { class: "lw-q-label" }, [
        h("strong", { testid: "lw-question", text: item.question.name.replaceAll("_", " ") }),
        item.question.instructions ? h("div", { class: "lw-muted", text: item.question.instructions }) : null
      ]));
      const list = h("ol", { class: "lw-answers", testid: "lw-answers" });
      item.answers.forEach((answer, i) => {
        list.appendChild(h("li", { class: `lw-answer ${i === state.focused ? "lw-focused" : ""}`, testid: `lw-answer-${i}` }, [
          h("button", { testid: `lw-accept-${i}`, text: `${i + 1} accept`, onclick: () => send("accept", { index: i }) }),
          h("span", { class: "lw-who", text: ` ${answer.kind === "model" ? "model" : "labeler"} ${answer.who}: ` }),
          answer.kind === "model" || item.reference !== "model" && i === 0 ? h("span", { text: answerText(answer.answer) }) : unifiedDiff(answer.ops),
          answer.score_vs_reference !== null && answer.kind !== "model" ? h("span", { class: "lw-muted", text: ` (${Math.round(answer.score_vs_reference * 100)}% like the ${item.reference})` }) : null,
          ...answer.problems.map((p) => h("div", { class: "lw-problem", text: p }))
        ]));
      });
      root.appendChild(list);
      if (item.final !== null && item.final !== void 0) {
        root.appendChild(h("div", { class: "lw-muted", testid: "lw-final", text: `final: ${answerText(item.final)} (by ${item.final_by})` }));
      }
      if (state.mode) root.appendChild(modeInput(item));
    }
    function modeInput(item) {
      const labelers = item.answers.filter((a) => a.kind === "labeler");
      const target = item.answers[state.focused]?.kind === "labeler" ? item.answers[state.focused].who : labelers[0]?.who;
      const prompts = {
        edit: "Final answer (Enter saves, Esc cancels)",
        unclear: "What is unclear about the question? (Enter)",
        feedback: `Note to ${target} (Enter sends)`
      };
      const input = h("input", { class: "lw-input", testid: `lw-${state.mode}-input`, placeholder: prompts[state.mode] });
      input.addEventListener("keydown", (event) => {
        if (event.key === "Escape") {
          state.mode = "";
          draw();
          root.focus();
        }
        if (event.key !== "Enter") return;
        event.preventDefault();
        const value = input.value;
        if (state.mode === "edit") {
          const kind = item.question.kind;
          const answer = kind === "multi_choice" ? value.split(",").map((v) => v.trim()).filter(Boolean) : value;
          send("edit", { answer });
        } else if (state.mode === "unclear") send("unclear", { note: value });
        else if (target) send("feedback", { labeler: target, note: value });
        root.focus();
      });
      queueMicrotask(() => input.focus());
      return input;
    }
    function onKey(event) {
      if (keyTarget(event) === "typing" || event.ctrlKey || event.metaKey || event.altKey) return;
      const item = model.get("item") || {};
      const count = (item.answers || []).length;
      const done = () => event.preventDefault();
      if (event.key === "?") {
        state.help = !state.help;
        draw();
        return done();
      }
      if (event.key === "n") {
        send("next");
        return done();
      }
      if (event.key === "p") {
        send("previous");
        return done();
      }
      if (!item.chunk_id) return;
      if (/^[1-9]$/.test(event.key) && Number(event.key) <= count) {
        send("accept", { index: Number(event.key) - 1 });
        return done();
      }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        state.focused = Math.max(0, Math.min(count - 1, state.focused + (event.key === "ArrowDown" ? 1 : -1)));
        draw();
        return done();
      }
      const modes = { e: "edit", u: "unclear", f: "feedback" };
      if (modes[event.key]) {
        state.mode = modes[event.key];
        draw();
        return done();
      }
    }
    const onItem = () => {
      state.focused = 0;
      draw();
    };
    model.on("change:item", onItem);
    model.on("change:progress", draw);
    model.on("change:ack", onAck);
    root.addEventListener("keydown", onKey);
    draw();
    root.focus({ preventScroll: true });
    return () => {
      model.off("change:item", onItem);
      model.off("change:progress", draw);
      model.off("change:ack", onAck);
      root.removeEventListener("keydown", onKey);
      root.remove();
    };
  }
};
export {
  reviewer_default as default
};
