// @ts-check
// The Feedback widget: what review changed in a labeler's answers, and the reviewers' notes.
import { answerText, humanName } from "./lib/answers.js";
import { commandSender, diffSide, errorBanner, h, keyTarget, slot } from "./lib/dom.js";

/** @typedef {import("./lib/types.js").FeedbackModel} FeedbackModel */
/** @typedef {import("./lib/types.js").FeedbackItem} FeedbackItem */

/** @param {FeedbackItem} item */
function itemView(item) {
  const side = (/** @type {"a" | "b"} */ which, /** @type {unknown} */ answer) =>
    item.ops.length ? diffSide(item.ops, which) : h("span", { text: answerText(answer) });
  return h("div", { class: "lw-review-q", testid: "lw-feedback-item" }, [
    h("strong", { text: humanName(item.question) }),
    h("div", { class: "lw-muted lw-snippet", text: item.text.length > 160 ? `${item.text.slice(0, 160)}…` : item.text }),
    h("div", {}, [h("span", { class: "lw-who", text: "you: " }), side("a", item.your_answer)]),
    item.final_answer !== null
      ? h("div", {}, [h("span", { class: "lw-who", text: "final: " }), side("b", item.final_answer)])
      : h("div", { class: "lw-muted", testid: "lw-feedback-decision", text: item.decision || "no decision yet" }),
    item.note ? h("div", { class: "lw-note", testid: "lw-feedback-note", text: `${item.reviewer}: ${item.note}` }) : null,
  ]);
}

export default {
  /** @param {{model: FeedbackModel, el: HTMLElement}} ctx */
  render({ model, el }) {
    const sender = commandSender(model);
    const root = h("div", { class: "lw-root lw-feedback", tabindex: "0", testid: "lw-feedback",
                            "data-lm-suppress-shortcuts": "true" });
    el.appendChild(root);
    const count = h("strong", { testid: "lw-feedback-count" });
    root.appendChild(h("div", { class: "lw-bar" }, [
      count, h("button", { class: "lw-link", text: "refresh (r)", onclick: () => sender.send("refresh") })]));
    const error = slot(root, root);
    const list = slot(root, root);
    const onItems = () => {
      const items = model.get("items") || [];
      count.textContent = `${items.length} item(s) changed in review for ${model.get("labeler")}`;
      list.set(h("div", {}, items.map(itemView)));
    };
    const onError = () => error.set(errorBanner(model.get("error")));
    /** @param {KeyboardEvent} event */
    const onKey = (event) => {
      if (keyTarget(event) === "key" && event.key === "r") { sender.send("refresh"); event.preventDefault(); }
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
  },
};
