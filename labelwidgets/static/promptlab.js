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

// js/promptlab.js
var COLUMNS = ["version", "n", "normalized", "exact", "token_f1", "accuracy", "unknown_precision", "unknown_recall", "hallucinated", "parse_errors"];
var promptlab_default = {
  /** @param {{model: any, el: HTMLElement}} ctx */
  render({ model, el }) {
    const sender = commandSender(model);
    const root = h("div", {
      class: "lw-root lw-promptlab",
      tabindex: "0",
      testid: "lw-promptlab",
      "data-lm-suppress-shortcuts": "true"
    });
    el.appendChild(root);
    let draft = model.get("template");
    let message = "";
    function run() {
      message = "";
      sender.send("run", { template: draft });
      draw();
    }
    function draw() {
      root.replaceChildren();
      const running = model.get("running") || {};
      const select = h(
        "select",
        {
          class: "lw-input lw-select",
          testid: "lw-question-select",
          onchange: (e) => sender.send("select", { question: e.target.value })
        },
        model.get("questions").map((q) => h("option", { value: q, text: q, selected: q === model.get("question") ? "selected" : null }))
      );
      const editor = h("textarea", {
        class: "lw-input lw-template",
        rows: "10",
        testid: "lw-template",
        value: draft,
        oninput: (e) => {
          draft = e.target.value;
        }
      });
      root.appendChild(h("div", { class: "lw-bar" }, [h("strong", { text: "Question " }), select]));
      root.appendChild(editor);
      root.appendChild(h("div", { class: "lw-actions" }, [
        h("button", { class: "lw-primary", testid: "lw-run", text: "Run on gold (Ctrl+Enter)", disabled: running.running ? "disabled" : null, onclick: run }),
        running.running ? h("button", { testid: "lw-cancel", text: "Cancel", onclick: () => sender.send("cancel") }) : null,
        h("progress", { max: String(running.total || 1), value: String(running.done || 0), testid: "lw-run-progress" }),
        h("span", {
          class: "lw-status",
          testid: "lw-run-status",
          text: running.running ? `running ${running.done}/${running.total}` : running.cancelled ? "cancelled" : message
        })
      ]));
      const table = h("table", { class: "lw-scores", testid: "lw-scores" }, [
        h("tr", {}, COLUMNS.map((c) => h("th", { text: c.replaceAll("_", " ") }))),
        ...model.get("versions").map((row) => h(
          "tr",
          { testid: `lw-version-${row.version}` },
          COLUMNS.map((c) => h("td", { text: row[c] === void 0 || row[c] === null ? "" : String(row[c]) }))
        ))
      ]);
      root.appendChild(table);
      const changes = model.get("changes");
      if (changes.length) {
        root.appendChild(h("div", { class: "lw-muted", text: "Answers that changed between the last two versions:" }));
        for (const c of changes) {
          root.appendChild(h("div", { class: "lw-review-q", testid: "lw-change" }, [
            h("span", { class: `lw-badge lw-${c.outcome}`, text: c.outcome }),
            " ",
            unifiedDiff(c.ops),
            h("span", { class: "lw-muted", text: ` (gold: ${answerText(c.gold)})` })
          ]));
        }
      }
    }
    function onKey(event) {
      keyTarget(event);
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        run();
      }
    }
    function onAck() {
      const ack = model.get("ack") || {};
      if (!ack.ok) {
        message = `not run: ${ack.message}`;
        draw();
      }
    }
    const onTemplate = () => {
      draft = model.get("template");
      draw();
    };
    const names = ["change:versions", "change:changes", "change:running", "change:questions", "change:question"];
    names.forEach((n) => model.on(n, draw));
    model.on("change:template", onTemplate);
    model.on("change:ack", onAck);
    root.addEventListener("keydown", onKey);
    draw();
    return () => {
      names.forEach((n) => model.off(n, draw));
      model.off("change:template", onTemplate);
      model.off("change:ack", onAck);
      root.removeEventListener("keydown", onKey);
      root.remove();
    };
  }
};
export {
  promptlab_default as default
};
