// @ts-check
// The Labeler widget: one chunk at a time, a form per question, keyboard first.
// Python owns the state and the store; js/labeler/view.js renders the traits part by part.
import { h } from "./lib/dom.js";
import { LabelerView } from "./labeler/view.js";

/** @typedef {import("./lib/types.js").LabelerModel} LabelerModel */

export default {
  /** @param {{model: LabelerModel, el: HTMLElement}} ctx */
  render({ model, el }) {
    const root = h("div", { class: "lw-root lw-labeler", tabindex: "0", testid: "lw-labeler",
                            "data-lm-suppress-shortcuts": "true" });
    el.appendChild(root);
    const view = new LabelerView(model, root);
    /** @type {[`change:${keyof import("./lib/types.js").LabelerTraits & string}`, () => void][]} */
    const listeners = [
      ["change:item", () => view.onItem()],
      ["change:ack", () => view.onAck()],
      ["change:review", () => view.showArea()],
      ["change:progress", () => view.onProgress()],
      ["change:terms", () => view.showBody()],
      ["change:error", () => view.onError()],
      ["change:found", () => view.onFound()],
      ["change:read_back", () => view.form.showReadings()],
    ];
    const onKey = (/** @type {KeyboardEvent} */ event) => view.onKey(event);
    const onMouseUp = () => view.text.fromMouse(); // a selection in the text ended
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
  },
};
