// -- the conversation as the customer reads it: messages, links, quick replies, send states ------
// It reports to `events`: quickReply(text), retry(item), arrived(role) (a new bot or staff message).
class MessageLog {
  constructor(events) {
    this.events = events;
    this.lastSeq = 0; // the newest message drawn, by the server's numbering
    this.node = el("div", {
      class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0", t: "aria-label:dialog"
    });
  }

  get empty() {
    return !this.node.childNodes.length;
  }

  clear() {
    this.node.replaceChildren();
    this.lastSeq = 0;
  }

  // The whole transcript again (the server is the source of truth), then what still waits to go.
  renderAll(messages, outbox) {
    this.clear();
    messages.filter(isObject).forEach((m) => this.append(m, false));
    outbox.forEach((item) => {
      this.renderPending(item);
      if (item.failed) this.markFailed(item, t("error"), true);
    });
    this.disableQuickReplies(true);
  }

  append(m, notify) {
    // the node drawn for the first new bot or staff message, if any
    const seq = typeof m.seq === "number" ? m.seq : 0;
    if (seq && seq <= this.lastSeq) return null; // already drawn (a replayed turn, a poll)
    if (seq) this.lastSeq = seq;
    this.disableQuickReplies();
    const node = this.render(m);
    if (m.role === "customer") return null;
    if (notify) this.events.arrived(m.role);
    return node;
  }

  render(m) {
    const role = m.role === "customer" || m.role === "staff" ? m.role : "bot";
    const bubble = el("div", { class: "bubble" });
    if (role !== "customer" && typeof m.html === "string" && m.html) bubble.appendChild(safeFragment(m.html));
    else bubble.textContent = String(m.text || "");
    if (role !== "customer") keepTogether(bubble);
    const node = el("div", { class: "msg " + role }, [
      el("span", { class: role === "customer" ? "sr" : "who", t: "text:" + (role === "customer" ? "you" : role) }),
      bubble, this.renderLinks(m.links, bubble), this.renderQuickReplies(m.quick_replies)
    ]);
    if (typeof m.created_at === "string") node.title = localTime(m.created_at);
    this.node.appendChild(node);
    this.scrollDown();
    return node;
  }

  // A line of the conversation's own, such as a ticket's new status.
  system(text) {
    const line = el("p", { class: "system", text });
    keepTogether(line);
    this.node.appendChild(line);
    this.scrollDown();
  }

  renderLinks(links, bubble) {
    // a link the message already shows in its text is not listed again below it
    const shown = new Set(Array.from(bubble ? bubble.querySelectorAll("a[href]") : [], (a) => a.getAttribute("href")));
    const valid = Array.isArray(links)
      ? links.filter((l) => isObject(l) && typeof l.url === "string" && !shown.has(l.url))
      : [];
    if (!valid.length) return null;
    return el("ul", { class: "links", "aria-label": t("links") }, valid.map((link) =>
      el("li", {}, [linkify(el("a", { text: String(link.title || link.url) }), link.url)])
    ));
  }

  renderQuickReplies(replies) {
    const texts = strings(replies).slice(0, 8);
    if (!texts.length) return null;
    return el("div", { class: "row quick", role: "group", "aria-label": t("quickReplies") }, texts.map((text) =>
      el("button", { class: "secondary", type: "button", text, onclick: () => this.events.quickReply(text) })
    ));
  }

  disableQuickReplies(keepLast) {
    // Only the newest bot message's quick replies still make sense.
    const groups = this.node.querySelectorAll(".quick");
    groups.forEach((group, index) => {
      if (keepLast && index === groups.length - 1) return;
      group.remove();
    });
  }

  renderPending(item) {
    const node = this.render({ role: "customer", text: item.text });
    node.dataset.clientId = item.client_id;
    node.appendChild(el("span", { class: "meta", text: t("sending") }));
  }

  pendingNode(item) {
    let found = null;
    this.node.querySelectorAll(".msg.customer").forEach((node) => {
      if (node.dataset.clientId === item.client_id) found = node;
    });
    return found;
  }

  removePending(item) {
    const node = this.pendingNode(item);
    if (node) node.remove();
  }

  markSent(item) {
    const node = this.pendingNode(item);
    const meta = node && node.querySelector(".meta");
    if (meta) meta.remove();
  }

  markFailed(item, why, retryable) {
    const node = this.pendingNode(item);
    if (!node) return;
    node.classList.add("failed");
    node.querySelector(".meta").textContent = t("failed") + ": " + why;
    if (!retryable) return;
    node.appendChild(el("button", {
      class: "secondary retry", type: "button", text: t("retry"), onclick: () => this.events.retry(item)
    }));
  }

  scrollDown() {
    this.node.scrollTop = this.node.scrollHeight;
  }
}
