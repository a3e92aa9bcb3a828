// -- the outbox: what the customer sent, kept until the server has answered it --------------------
// It lives in localStorage, so nothing typed offline or before a reload is lost. Messages go one
// at a time, oldest first; a message sent again keeps its client_id, so the server answers the
// first copy instead of storing a second one. No DOM and no timers here: the element drives it
// (and widget/tests/outbox.test.js runs it under Node).
const MAX_CHARS = 20000; // the server's SUPPORTBOT_MAX_MESSAGE_CHARS default: a whole Site Health paste fits
// Over plain HTTP, a message the server answers with a 5xx this many times is shown as not sent
// (with a retry button) and set aside, so it never holds up the messages after it.
const MAX_SERVER_ERRORS = 3;

function newId() {
  if (typeof crypto !== "undefined" && crypto.randomUUID) return crypto.randomUUID();
  return Date.now().toString(36) + Math.random().toString(36).slice(2);
}

class Outbox {
  // `stored` is what `save(items)` last kept (storage may hold anything: only messages are read).
  constructor(stored, save) {
    const seen = new Set();
    this.items = (Array.isArray(stored) ? stored : []).filter((item) => {
      const ok = item !== null && typeof item === "object" && typeof item.client_id === "string" &&
        typeof item.text === "string" && !seen.has(item.client_id);
      if (ok) seen.add(item.client_id);
      return ok;
    });
    this.save = save;
    this.inflight = null; // the message sent and not yet answered
  }

  get length() {
    return this.items.length;
  }

  add(text) {
    const item = { client_id: newId(), text: String(text).slice(0, MAX_CHARS) };
    this.items.push(item);
    this.persist();
    return item;
  }

  // The oldest message not set aside, when none is in flight: one the server kept failing on
  // waits for its retry button instead of holding up the others.
  next() {
    if (this.inflight) return null;
    return this.items.find((item) => !item.failed) || null;
  }

  sending(item) {
    this.inflight = item;
  }

  // Nothing is in flight any more (a new connection, a timeout, a refusal): next() offers the
  // same message again.
  release() {
    this.inflight = null;
  }

  // The server answered (or refused) this message: it leaves the outbox, once.
  take(clientId) {
    const index = this.items.findIndex((item) => item.client_id === clientId);
    if (index < 0) return null;
    const [item] = this.items.splice(index, 1);
    this.persist();
    if (this.inflight && this.inflight.client_id === clientId) this.inflight = null;
    return item;
  }

  // One more 5xx for this message; true once it has had MAX_SERVER_ERRORS. The count is kept
  // with the message, so a reload carries on counting instead of starting over.
  serverError(item) {
    item.serverErrors = (item.serverErrors || 0) + 1;
    this.persist();
    return item.serverErrors >= MAX_SERVER_ERRORS;
  }

  setAside(item) {
    item.failed = true;
    this.persist();
  }

  // Sent again after whatever went out meanwhile: it moves to the end of the queue.
  retry(clientId) {
    const index = this.items.findIndex((item) => item.client_id === clientId);
    if (index < 0) return null;
    const [item] = this.items.splice(index, 1);
    item.failed = false;
    item.serverErrors = 0;
    this.items.push(item);
    this.persist();
    return item;
  }

  clear() {
    this.items = [];
    this.inflight = null;
  }

  persist() {
    this.save(this.items);
  }
}
