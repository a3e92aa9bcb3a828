// -- SupportbotWidget, part: the conversation (start, sync, socket or HTTP, frames) ----------
// (its methods are mixed into the element: see mixIn in element.js)
class WidgetConversation {
  restore() {
    if (!this.conv) { if (this.outbox.length) this.startConversation(); return; }
    this.setLanguage(this.conv.lang); // as it was, at once: the transcript confirms it
    this.syncAndConnect();
  }

  syncAndConnect() {
    this.sync().then(() => { if (this.conv && this.isConnected) this.connection.open(this.conv); });
  }

  onOtherTab(event) {
    // Another tab of the same site started or ended the conversation: follow it.
    if (event.key !== KEY + "conversation") return;
    const conv = store.get("conversation");
    if (!conv && this.conv) this.forget();
    else if (conv && !this.conv) {
      this.conv = conv;
      this.syncAndConnect();
    }
  }

  startConversation() {
    if (this.starting) return this.starting;
    const body = { language: lang };
    if (options.product) body.product = options.product;
    if (options.product && options.version) body.version = options.version;
    if (options.licenceHash) { body.licence_hash = options.licenceHash; body.licence_last4 = options.licenceLast4; }
    const zone = browserTimeZone(); // the ticket's due time is told on the customer's clock
    if (zone) body.time_zone = zone;
    this.starting = request("POST", "/api/conversations", body).then((data) => {
      this.conv = { id: String(data.conversation_id), token: String(data.token) };
      store.set("conversation", this.conv);
      if (isObject(data.state)) this.setLanguage(data.state.language);
      this.messages.renderAll(Array.isArray(data.messages) ? data.messages : [], this.outbox.items);
      if (this.isConnected) this.connection.open(this.conv);
      this.useHttp = false;
    }).catch((error) => {
      if (error.status === 400 && (body.product || body.licence_hash)) {
        // A product or version this server does not know (a renamed product, an old plugin):
        // chat without the preselection rather than not at all.
        options.product = options.version = options.licenceHash = null;
        this.starting = null;
        return this.startConversation();
      }
      this.onStatus(navigator.onLine === false ? "offline" : "reconnecting");
      this.later(() => { this.starting = null; if (this.outbox.length) this.startConversation(); }, 5000);
    }).finally(() => { this.starting = null; this.pump(); });
    return this.starting;
  }

  sync() {
    // The server is the source of truth: re-read the transcript and draw it again.
    if (!this.conv) return Promise.resolve();
    return request("GET", conversationPath(this.conv), undefined, this.conv.token).then((data) => {
      if (isObject(data.state)) this.setLanguage(data.state.language);
      if (data.ticket) this.ticket = data.ticket;
      this.messages.renderAll(Array.isArray(data.messages) ? data.messages : [], this.outbox.items);
    }).catch((error) => {
      if (error.status === 404 || error.status === 401) this.forget();
    });
  }

  onReady(state) {
    this.setLanguage(state.language);
    this.onStatus("ready");
    this.httpOk = undefined;
    this.useHttp = false;
    clearInterval(this.pollTimer);
    const behind = typeof state.last_seq === "number" && state.last_seq !== this.messages.lastSeq;
    (behind ? this.sync() : Promise.resolve()).then(() => {
      this.outbox.release(); // whatever was in flight is re-sent; its client_id makes that safe
      this.pump();
    });
  }

  onStatus(name) {
    this.socketStatus = name;
    if (name === "reconnecting" && this.conv) this.fallBackToHttp();
    this.renderStatus();
  }

  renderStatus() {
    // Quiet while the socket connects, or while plain HTTP carries the conversation fine.
    const name = navigator.onLine === false ? "offline" : this.socketStatus;
    let text = "";
    if (name === "offline") text = t("offline");
    else if (name === "reconnecting" && !(this.useHttp && this.httpOk)) text = t("reconnecting");
    this.status.textContent = text;
    this.status.hidden = !text;
  }

  httpWorked(ok) {
    this.httpOk = ok;
    this.renderStatus();
  }

  fallBackToHttp() {
    // The socket did not connect (proxy, firewall, server restarting): talk over plain HTTP
    // meanwhile, and poll for staff replies. The socket keeps retrying in the background.
    if (this.useHttp) return;
    this.useHttp = true;
    clearInterval(this.pollTimer);
    this.pollTimer = setInterval(() => this.poll(), 5000);
    this.poll();
    this.pump();
  }

  poll() {
    if (!this.useHttp || !this.conv || navigator.onLine === false) return;
    const path = conversationPath(this.conv, "?after=" + this.messages.lastSeq);
    request("GET", path, undefined, this.conv.token).then((data) => {
      this.httpWorked(true);
      const fresh = Array.isArray(data.messages) ? data.messages.filter(isObject) : [];
      if (fresh.some((m) => m.role === "customer")) return this.sync();
      this.showFirst(fresh);
    }).catch((error) => {
      if (error.status === 404 || error.status === 401) this.forget();
      else if (!error.status) this.httpWorked(false);
    });
  }

  // Draw new messages, and read from the first bot or staff one among them.
  showFirst(messages) {
    let first = null;
    messages.forEach((m) => { const node = this.messages.append(m, true); first = first || node; });
    if (first) this.showFrom(first);
    return first;
  }

  onFrame(frame) {
    if (frame.type === "turn") this.onTurn(frame);
    else if (frame.type === "staff_message") { this.hideTyping(); this.showFrom(this.messages.append(frame, true)); }
    else if (frame.type === "typing") this.showTyping(frame.who === "staff" ? 8000 : 20000);
    else if (frame.type === "ticket_update") this.onTicket(frame);
    else if (frame.type === "sync") { if (frame.last_seq !== this.messages.lastSeq) this.sync(); }
    else if (frame.type === "ended") this.forget(t("ended"));
    else if (frame.type === "error") this.onError(frame);
  }

  onTurn(turn) {
    this.hideTyping();
    const item = this.outbox.take(turn.client_id);
    if (item) this.messages.markSent(item);
    const messages = Array.isArray(turn.messages) ? turn.messages.filter(isObject) : [];
    if (!this.showFirst(messages)) this.showFrom(null);
    this.route = typeof turn.route === "string" ? turn.route : null;
    if (isObject(turn.state)) this.setLanguage(turn.state.language);
    this.renderComposer();
    if (isObject(turn.ticket)) this.onTicket(turn.ticket, true);
    this.pump();
  }

  onTicket(ticket, quiet) {
    const known = this.ticket && this.ticket.number === ticket.number && this.ticket.status === ticket.status;
    this.ticket = { number: String(ticket.number || ""), status: String(ticket.status || "") };
    if (known || quiet || !ticket.number) return;
    const status = { open: t("ticketOpen"), waiting: t("ticketWaiting"), resolved: t("ticketResolved") }[ticket.status];
    this.messages.system(t("ticket", { number: ticket.number, status: status || ticket.status }));
  }

  onError(frame) {
    const item = this.outbox.inflight && frame.client_id === this.outbox.inflight.client_id ? this.outbox.inflight : null;
    if (!item) return;
    this.outbox.release();
    this.hideTyping();
    if (frame.error === "rate_limited") {
      this.later(() => this.pump(), 1000 * Math.max(1, Number(frame.retry_after) || 3));
      this.say(t("tooFast"));
      return;
    }
    if (frame.error === "internal_error") { // the server's fault: keep it, with a retry button
      this.setAside(item);
      this.pump();
      return;
    }
    this.outbox.take(item.client_id);
    this.messages.markFailed(item, frame.error === "text_too_long" ? t("tooLong") : t("error"));
    this.pump();
  }
}
