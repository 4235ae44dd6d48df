// @ts-check
// The search box shared by the Labeler and the Reviewer: words, a document and a status, sent
// to Python (which asks the store, in SQL, for one page); the results are the page Python sent
// back (the `found` trait), shown as text nodes. Picking a result shows that chunk.
import { pagesLabel } from "./answers.js";
import { h } from "./dom.js";

/** @typedef {import("./types.js").Found} Found */
/** @typedef {{text: string, document: string, status: string}} Query */

/**
 * What the search box needs from its widget.
 * @typedef {object} FindHost
 * @property {(query: Query, page: number) => void} search ask Python for a page of results
 * @property {() => void} clear close the search (the widget goes back to its queue)
 * @property {(chunkId: string) => void} choose show that result
 * @property {() => Found} found the `found` trait
 * @property {() => string} current the chunk on screen
 */

/**
 * "3 of 41 results" for the page shown; "no results" when nothing matched.
 * @param {Found} found
 */
export function resultsLine(found) {
  const total = found.total ?? 0;
  if (!total) return "no results";
  const first = (found.page ?? 0) * (found.page_size ?? 0);
  const count = (/** @type {number} */ n) => n.toLocaleString("en");
  const last = first + (found.results || []).length;
  return `${count(first + 1)}–${count(last)} of ${count(total)} result${total === 1 ? "" : "s"}`;
}

/**
 * The pages before and after the one shown, or null at either end.
 * @param {Found} found
 * @returns {{previous: number | null, next: number | null}}
 */
export function pageSteps(found) {
  const page = found.page ?? 0;
  const size = found.page_size || 1;
  const pages = Math.ceil((found.total ?? 0) / size);
  return { previous: page > 0 ? page - 1 : null, next: page + 1 < pages ? page + 1 : null };
}

export class FindPart {
  /**
   * @param {FindHost} host
   * @param {[string, string][]} statuses [value, label] of the status filter ("" first: any)
   */
  constructor(host, statuses) {
    this.host = host;
    this.text = /** @type {HTMLInputElement} */ (h("input", { class: "lw-input", testid: "lw-find-text", "data-key": "find-text",
      placeholder: "Find words or a phrase (Enter)", "aria-label": "find text" }));
    this.document = /** @type {HTMLInputElement} */ (h("input", { class: "lw-input lw-short", testid: "lw-find-document",
      "data-key": "find-document", placeholder: "document (id or name)", "aria-label": "document" }));
    this.status = /** @type {HTMLSelectElement} */ (h("select", { class: "lw-input lw-short", testid: "lw-find-status",
      "data-key": "find-status", "aria-label": "status" },
      statuses.map(([value, label]) => h("option", { value, text: label }))));
    for (const input of [this.text, this.document, this.status]) {
      input.addEventListener("keydown", (event) => {
        if (/** @type {KeyboardEvent} */ (event).key !== "Enter") return;
        event.preventDefault();
        event.stopPropagation();
        this.run(0);
      });
    }
    this.status.addEventListener("change", () => this.run(0));
    this.list = h("div", { class: "lw-found", testid: "lw-found" });
    this.el = h("div", { class: "lw-find", testid: "lw-find" }, [
      h("div", { class: "lw-find-form" }, [this.text, this.document, this.status,
        h("button", { testid: "lw-find-go", text: "Search", onclick: () => this.run(0) }),
        h("button", { testid: "lw-find-clear", text: "Clear", onclick: () => this.host.clear() })]),
      this.list,
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
      return h("button", { class: `lw-result${row.chunk_id === current ? " lw-on-screen" : ""}`,
                           testid: `lw-result-${i}`, onclick: () => this.host.choose(row.chunk_id) }, [
        h("span", { class: "lw-result-source" }, [h("strong", { text: row.doc_name || "" }), pages ? ` · ${pages}` : "",
          row.status ? h("span", { class: "lw-badge", text: row.status }) : null]),
        h("span", { class: "lw-result-snippet", text: row.snippet }),
      ]);
    });
    const { previous, next } = pageSteps(found);
    this.list.replaceChildren(
      h("div", { class: "lw-muted", testid: "lw-found-count" }, [resultsLine(found),
        previous !== null ? h("button", { class: "lw-link", testid: "lw-found-prev", text: "◀ previous page", onclick: () => this.run(previous) }) : null,
        next !== null ? h("button", { class: "lw-link", testid: "lw-found-next", text: "next page ▶", onclick: () => this.run(next) }) : null]),
      ...rows);
  }
}
