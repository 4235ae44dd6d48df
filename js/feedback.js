// The Feedback widget: what review changed in a labeler's answers, and the reviewers' notes.
import { answerText, commandSender, diffSide, h, keyTarget } from "./lib/dom.js";

export default {
  /** @param {{model: any, el: HTMLElement}} ctx */
  render({ model, el }) {
    const sender = commandSender(model);
    const root = h("div", { class: "lw-root lw-feedback", tabindex: "0", testid: "lw-feedback",
                            "data-lm-suppress-shortcuts": "true" });
    el.appendChild(root);

    function draw() {
      root.replaceChildren();
      const items = model.get("items") || [];
      root.appendChild(h("div", { class: "lw-bar" }, [
        h("strong", { testid: "lw-feedback-count", text: `${items.length} item(s) changed in review for ${model.get("labeler")}` }),
        h("button", { class: "lw-link", text: "refresh (r)", onclick: () => sender.send("refresh") }),
      ]));
      for (const item of items) {
        root.appendChild(h("div", { class: "lw-review-q", testid: "lw-feedback-item" }, [
          h("strong", { text: item.question.replaceAll("_", " ") }),
          h("div", { class: "lw-muted lw-snippet", text: item.text.length > 160 ? `${item.text.slice(0, 160)}…` : item.text }),
          h("div", {}, [h("span", { class: "lw-who", text: "you: " }),
                        item.ops.length ? diffSide(item.ops, "a") : h("span", { text: answerText(item.your_answer) })]),
          item.final_answer !== null ? h("div", {}, [h("span", { class: "lw-who", text: "final: " }),
                                                     item.ops.length ? diffSide(item.ops, "b") : h("span", { text: answerText(item.final_answer) })]) : null,
          item.note ? h("div", { class: "lw-note", testid: "lw-feedback-note", text: `${item.reviewer}: ${item.note}` }) : null,
        ]));
      }
    }

    /** @param {KeyboardEvent} event */
    function onKey(event) {
      if (keyTarget(event) === "key" && event.key === "r") { sender.send("refresh"); event.preventDefault(); }
    }
    model.on("change:items", draw);
    root.addEventListener("keydown", onKey);
    draw();
    return () => { model.off("change:items", draw); root.removeEventListener("keydown", onKey); root.remove(); };
  },
};
