// @ts-check
// One command at a time between a widget and Python (no DOM).

import { isWrite } from "./status.js";

/** @typedef {{type: string, payload: Record<string, unknown>}} Command */

/**
 * Lets one command wait for its ack at a time. A second write offered meanwhile is dropped: a
 * second Enter before the ack must not answer the next chunk with this one's answers. A read
 * (search, show more, go to) offered meanwhile is kept and goes once the ack comes, the latest
 * one only, so a search typed right after another command is not lost.
 */
export class CommandGate {
  constructor() {
    this.inflight = false;
    /** @type {Command | null} */
    this.queued = null;
  }

  /**
   * Whether ``type`` may go now; if not, a read is kept for :meth:`acked`.
   * @param {string} type @param {Record<string, unknown>} [payload]
   * @returns {boolean}
   */
  offer(type, payload = {}) {
    if (!this.inflight) {
      this.inflight = true;
      return true;
    }
    if (!isWrite(type)) this.queued = { type, payload };
    return false;
  }

  /**
   * The ack came: the read kept meanwhile, to send now, or null.
   * @returns {Command | null}
   */
  acked() {
    this.inflight = false;
    const next = this.queued;
    this.queued = null;
    return next;
  }
}
