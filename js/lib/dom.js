// @ts-check
// Small DOM helpers shared by the widgets. Document text is untrusted: everything here builds
// nodes and sets textContent; nothing parses HTML.
import { highlightPieces, sidePieces, unifiedPieces } from "./diff.js";
import { layeredPieces } from "./spans.js";

/** @typedef {import("./types.js").DiffOp} DiffOp */
/** @typedef {import("./types.js").Command} Command */
/** @typedef {Node | string | null | undefined | false} Child */

/**
 * Create an element.
 * @param {string} tag
 * @param {Record<string, unknown>} [attrs] class, text, testid, on<Event> handlers, value,
 *   checked, other attributes (null/undefined/false leave them out)
 * @param {Child[]} [children]
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = String(value);
    else if (key === "text") node.textContent = String(value);
    else if (key === "testid") node.dataset.testid = String(value);
    else if (key.startsWith("on") && typeof value === "function") {
      node.addEventListener(key.slice(2).toLowerCase(), /** @type {EventListener} */ (value));
    } else if (key === "value") /** @type {HTMLInputElement} */ (node).value = String(value);
    else if (key === "checked") /** @type {HTMLInputElement} */ (node).checked = Boolean(value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

/**
 * Pieces of text as text nodes, the marked ones in <mark>/<span> elements.
 * @param {import("./diff.js").Piece[]} pieces
 * @param {Node} into
 */
function appendPieces(pieces, into) {
  for (const { text, mark } of pieces) {
    if (!mark) into.appendChild(document.createTextNode(text));
    else if (mark === "hl") into.appendChild(h("mark", { class: "lw-hl", text }));
    else into.appendChild(h("span", { class: `lw-${mark}`, text }));
  }
  return into;
}

/**
 * Text with highlighted character spans, as text nodes and <mark> elements.
 * @param {string} text
 * @param {[number, number][]} [spans] sorted, non-overlapping [start, end) offsets
 * @returns {DocumentFragment}
 */
export function highlighted(text, spans = []) {
  return /** @type {DocumentFragment} */ (appendPieces(highlightPieces(text, spans), document.createDocumentFragment()));
}

/**
 * Text with marks (evidence, labeled spans, the selection, keywords) as text nodes and
 * <mark>/<span> elements; a span's label is a data attribute shown by CSS, outside the text.
 * @param {string} text
 * @param {number} base the offset of `text[0]`
 * @param {import("./spans.js").Mark[]} marks
 * @returns {Node[]}
 */
export function markedText(text, base, marks) {
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

/**
 * One side of a word diff (opcodes from labelwidgets.schema.compare.word_diff).
 * @param {DiffOp[]} ops
 * @param {"a"|"b"} side
 * @returns {HTMLElement}
 */
export function diffSide(ops, side) {
  return /** @type {HTMLElement} */ (appendPieces(sidePieces(ops, side), h("span", { class: "lw-diff" })));
}

/**
 * A unified inline word diff: removed words struck out, added words highlighted.
 * @param {DiffOp[]} ops
 * @returns {HTMLElement}
 */
export function unifiedDiff(ops) {
  return /** @type {HTMLElement} */ (appendPieces(unifiedPieces(ops), h("span", { class: "lw-diff" })));
}

/**
 * Sends typed commands with increasing sequence numbers.
 * @param {{send(content: Command): void}} model the anywidget model
 */
export function commandSender(model) {
  // each view starts somewhere else, so two views of one widget never take each other's acks
  let seq = Math.floor(Math.random() * 2 ** 40);
  return {
    /** @param {string} type @param {Record<string, unknown>} [payload] @returns {number} */
    send(type, payload = {}) {
      seq += 1;
      model.send({ type, seq, ...payload });
      return seq;
    },
  };
}

/**
 * A banner for the widget's `error` trait (a failure that is not the user's to fix), or null.
 * @param {string} error
 * @returns {HTMLElement|null}
 */
export function errorBanner(error) {
  return error ? h("div", { class: "lw-error", testid: "lw-error", role: "alert", text: `Something went wrong: ${error}` }) : null;
}

/**
 * The table of a widget's keyboard shortcuts.
 * @param {string[][]} rows [key, what it does]
 */
export function shortcutSheet(rows) {
  return h("table", { class: "lw-help", testid: "lw-help" },
    rows.map(([key, what]) => h("tr", {}, [h("th", { text: key }), h("td", { text: what })])));
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
  // a <select> takes letters and arrows itself (they pick its options)
  const typing = target.tagName === "TEXTAREA" || target.tagName === "SELECT" ||
    (target.tagName === "INPUT" && /** @type {HTMLInputElement} */ (target).type !== "checkbox");
  return typing ? "typing" : "key";
}

/**
 * A keydown as lib/keys.js decides on it (and stopped at the widget, see keyTarget).
 * @param {KeyboardEvent} event
 * @returns {import("./keys.js").Key}
 */
export function keyOf(event) {
  const target = /** @type {HTMLElement} */ (event.target);
  const typing = keyTarget(event) === "typing";
  const letter = /^Key[A-Z]$/.test(event.code || "") ? event.code.slice(3).toLowerCase() : undefined;
  const digit = /^Digit[0-9]$/.test(event.code || "") ? Number(event.code.slice(5)) : undefined;
  return { key: event.key, letter, digit, shift: event.shiftKey, modifier: event.ctrlKey || event.metaKey || event.altKey,
           ctrl: event.ctrlKey || event.metaKey, alt: event.altKey,
           on: typing ? "typing" : target.tagName === "BUTTON" ? "button" : "other",
           field: typing ? target.dataset.key : undefined };
}

/**
 * Focus the control with data-key `key` inside `home`, or else `home` itself.
 * @param {HTMLElement} home
 * @param {string | undefined} key
 */
export function refocus(home, key) {
  const again = key ? home.querySelector(`[data-key="${CSS.escape(key)}"]`) : null;
  /** @type {HTMLElement} */ (again || home).focus({ preventScroll: true });
}

/**
 * A place in `parent` holding one element at a time (or nothing), replaced in place. When the
 * focus was inside the old element it moves to the control with the same data-key, or else
 * to `home` (the widget root): the keyboard stays in the widget.
 * @param {HTMLElement} parent
 * @param {HTMLElement} home
 */
export function slot(parent, home) {
  /** @type {Element | Comment} */
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
    },
  };
}

/** @typedef {ReturnType<typeof slot>} Slot */
