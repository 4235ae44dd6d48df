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

// js/feedback.js
function itemView(item) {
  const side = (which, answer) => item.ops.length ? diffSide(item.ops, which) : h("span", { text: answerText(answer) });
  return h("div", { class: "lw-review-q", testid: "lw-feedback-item" }, [
    h("strong", { text: humanName(item.question) }),
    h("div", { class: "lw-muted lw-snippet", text: item.text.length > 160 ? `${item.text.slice(0, 160)}\u2026` : item.text }),
    h("div", {}, [h("span", { class: "lw-who", text: "you: " }), side("a", item.your_answer)]),
    item.final_answer !== null ? h("div", {}, [h("span", { class: "lw-who", text: "final: " }), side("b", item.final_answer)]) : h("div", { class: "lw-muted", testid: "lw-feedback-decision", text: item.decision || "no decision yet" }),
    item.note ? h("div", { class: "lw-note", testid: "lw-feedback-note", text: `${item.reviewer}: ${item.note}` }) : null
  ]);
}
var feedback_default = {
  /** @param {{model: FeedbackModel, el: HTMLElement}} ctx */
  render({ model, el }) {
    const sender = commandSender(model);
    const root = h("div", {
      class: "lw-root lw-feedback",
      tabindex: "0",
      testid: "lw-feedback",
      "data-lm-suppress-shortcuts": "true"
    });
    el.appendChild(root);
    const count = h("strong", { testid: "lw-feedback-count" });
    root.appendChild(h("div", { class: "lw-bar" }, [
      count,
      h("button", { class: "lw-link", text: "refresh (r)", onclick: () => sender.send("refresh") })
    ]));
    const error = slot(root, root);
    const list = slot(root, root);
    const onItems = () => {
      const items = model.get("items") || [];
      count.textContent = `${items.length} item(s) changed in review for ${model.get("labeler")}`;
      list.set(h("div", {}, items.map(itemView)));
    };
    const onError = () => error.set(errorBanner(model.get("error")));
    const onKey = (event) => {
      if (keyTarget(event) === "key" && event.key === "r") {
        sender.send("refresh");
        event.preventDefault();
      }
    };
    model.on("change:items", onItems);
    model.on("change:error", onError);
    root.addEventListener("keydown", onKey);
    onItems();
    onError();
    return () => {
      model.off("change:items", onItems);
      model.off("change:error", onError);
      root.removeEventListener("keydown", onKey);
      root.remove();
    };
  }
};
export {
  feedback_default as default
};
