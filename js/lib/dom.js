// Small DOM helpers shared by the widgets. Document text is untrusted: everything here builds
// nodes and sets textContent; nothing parses HTML.

/**
 * Create an element.
 * @param {string} tag
 * @param {Record<string, any>} [attrs] class, text, testid, on<Event> handlers, other attributes
 * @param {(Node|string|null|undefined|false)[]} [children]
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = String(value);
    else if (key === "testid") node.dataset.testid = value;
    else if (key.startsWith("on") && typeof value === "function") {
      node.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "value") /** @type {any} */ (node).value = value;
    else if (key === "checked") /** @type {any} */ (node).checked = Boolean(value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

/**
 * Text with highlighted character spans, as text nodes and <mark> elements.
 * @param {string} text
 * @param {[number, number][]} spans sorted, non-overlapping [start, end) offsets
 * @returns {DocumentFragment}
 */
export function highlighted(text, spans = []) {
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

/**
 * One side of a word diff (opcodes from labelwidgets.compare.word_diff).
 * @param {{op: string, a: string, b: string}[]} ops
 * @param {"a"|"b"} side
 * @returns {HTMLElement}
 */
export function diffSide(ops, side) {
  const changed = side === "a" ? "lw-del" : "lw-ins";
  const line = h("span", { class: "lw-diff" });
  for (const op of ops) {
    const piece = op[side];
    if (!piece) continue;
    line.appendChild(op.op === "equal" ? document.createTextNode(piece)
                                       : h("span", { class: changed, text: piece }));
  }
  return line;
}

/**
 * Sends typed commands with increasing sequence numbers.
 * @param {any} model the anywidget model
 */
export function commandSender(model) {
  // each view starts somewhere else, so two views of one widget never take each other's acks
  let seq = Math.floor(Math.random() * 2 ** 40);
  return {
    /** @param {string} type @param {Record<string, any>} [payload] @returns {number} */
    send(type, payload = {}) {
      seq += 1;
      model.send({ type, seq, ...payload });
      return seq;
    },
  };
}

/** @param {any} value @returns {string} an answer for display */
export function answerText(value) {
  if (value && typeof value === "object" && !Array.isArray(value) && value.unknown) {
    return "(not in the text)";
  }
  if (Array.isArray(value)) return value.join(", ");
  return value === undefined || value === null ? "" : String(value);
}

/**
 * A unified inline word diff: removed words struck out, added words highlighted.
 * @param {{op: string, a: string, b: string}[]} ops
 * @returns {HTMLElement}
 */
export function unifiedDiff(ops) {
  const line = h("span", { class: "lw-diff" });
  for (const op of ops) {
    if (op.op === "equal") { line.appendChild(document.createTextNode(op.b)); continue; }
    if (op.a) line.appendChild(h("span", { class: "lw-del", text: op.a }));
    if (op.b) line.appendChild(h("span", { class: "lw-ins", text: op.b }));
  }
  return line;
}

/**
 * A banner for the widget's `error` trait (a failure that is not the user's to fix), or null.
 * @param {any} model the anywidget model
 * @returns {HTMLElement|null}
 */
export function errorBanner(model) {
  const error = model.get("error");
  return error ? h("div", { class: "lw-error", testid: "lw-error", role: "alert", text: `Something went wrong: ${error}` }) : null;
}

/**
 * Keydown handling shared by the widgets: keys typed in text fields stay there (Enter and Esc
 * excepted); everything stops at the widget so the notebook never sees it.
 * @param {KeyboardEvent} event
 * @returns {"typing"|"key"}
 */
export function keyTarget(event) {
  event.stopPropagation();
  const target = /** @type {HTMLElement} */ (event.target);
  const typing = target.tagName === "TEXTAREA" ||
    (target.tagName === "INPUT" && /** @type {HTMLInputElement} */ (target).type !== "checkbox");
  return typing ? "typing" : "key";
}
