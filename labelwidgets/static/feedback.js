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
function diffSide(ops, side) {
  const changed = side === "a" ? "lw-del" : "lw-ins";
  const line = h("span", { class: "lw-diff" });
  for (const op of ops) {
    const piece = op[side];
    if (!piece) continue;
    line.appendChild(op.op === "equal" ? document.createTextNode(piece) : h("span", { class: changed, text: piece }));
  }
  return line;
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

// js/feedback.js
var feedback_default = {
  /** @param {{model: any, el: HTMLElement}} ctx */
  render({ model, el }) {
    const sender = commandSender(model);
    const root = h("div", {
      class: "lw-root lw-feedback",
      tabindex: "0",
      testid: "lw-feedback",
      "data-lm-suppress-shortcuts": "true"
    });
    el.appendChild(root);
    function draw() {
      root.replaceChildren();
      const items = model.get("items") || [];
      root.appendChild(h("div", { class: "lw-bar" }, [
        h("strong", { testid: "lw-feedback-count", text: `${items.length} item(s) changed in review for ${model.get("labeler")}` }),
        h("button", { class: "lw-link", text: "refresh (r)", onclick: () => sender.send("refresh") })
      ]));
      for (const item of items) {
        root.appendChild(h("div", { class: "lw-review-q", testid: "lw-feedback-item" }, [
          h("strong", { text: item.question.replaceAll("_", " ") }),
          h("div", { class: "lw-muted lw-snippet", text: item.text.length > 160 ? `${item.text.slice(0, 160)}\u2026` : item.text }),
          h("div", {}, [
            h("span", { class: "lw-who", text: "you: " }),
            item.ops.length ? diffSide(item.ops, "a") : h("span", { text: answerText(item.your_answer) })
          ]),
          item.final_answer !== null ? h("div", {}, [
            h("span", { class: "lw-who", text: "final: " }),
            item.ops.length ? diffSide(item.ops, "b") : h("span", { text: answerText(item.final_answer) })
          ]) : null,
          item.note ? h("div", { class: "lw-note", testid: "lw-feedback-note", text: `${item.reviewer}: ${item.note}` }) : null
        ]));
      }
    }
    function onKey(event) {
      if (keyTarget(event) === "key" && event.key === "r") {
        sender.send("refresh");
        event.preventDefault();
      }
    }
    model.on("change:items", draw);
    root.addEventListener("keydown", onKey);
    draw();
    return () => {
      model.off("change:items", draw);
      root.removeEventListener("keydown", onKey);
      root.remove();
    };
  }
};
export {
  feedback_default as default
};
