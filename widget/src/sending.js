// -- SupportbotWidget, part: sending through the outbox, so nothing typed offline is lost --
// (its methods are mixed into the element: see mixIn in element.js)
class WidgetSending {
  // Site Health: the customer pastes Tools > Site Health > Info > "Copy site info to clipboard"
  pasteSiteHealth() {
    this.showChat();
    this.hint.hidden = false;
    this.text.rows = 6;
    this.text.setAttribute("aria-describedby", "sb-hint");
    this.text.focus();
  }

  submit() {
    const text = this.text.value.trim();
    if (!text) return;
    this.hint.hidden = true;
    this.text.rows = 1;
    this.text.removeAttribute("aria-describedby");
    this.text.value = "";
    this.onComposerInput();
    this.sendText(text);
  }

  sendText(text) {
    this.readFrom = null; // the customer's own message is read at the bottom
    const item = this.outbox.add(text);
    this.messages.renderPending(item);
    this.messages.disableQuickReplies();
    if (!this.conv) this.startConversation(); else this.pump();
  }

  pump() {
    const item = this.outbox.next();
    if (!item || !this.conv || !this.isConnected) return;
    const frame = { type: "message", text: item.text, client_id: item.client_id };
    if (this.connection.send(frame)) {
      this.outbox.sending(item);
      this.showTyping(30000);
      // No answer in time (a frame lost on the way): send it again; its client_id makes
      // the server answer the first copy instead of storing a second one.
      clearTimeout(this.inflightTimer);
      this.inflightTimer = setTimeout(() => {
        if (this.outbox.inflight === item) { this.outbox.release(); this.pump(); }
      }, 30000);
    } else if (this.useHttp && navigator.onLine !== false) {
      this.outbox.sending(item);
      this.showTyping(30000);
      this.postOverHttp(item);
    }
  }

  postOverHttp(item) {
    const body = { text: item.text, client_id: item.client_id };
    request("POST", conversationPath(this.conv, "/messages"), body, this.conv.token).then((turn) => {
      this.httpWorked(true);
      if (this.outbox.inflight !== item) return;
      this.outbox.release();
      turn.client_id = item.client_id;
      this.onTurn(turn);
    }).catch((error) => {
      if (this.outbox.inflight !== item) return;
      if (error.status && error.status < 500 && error.status !== 429) {
        this.onError({ client_id: item.client_id, error: error.code });
      } else if (error.status >= 500 && this.outbox.serverError(item)) {
        this.outbox.release();
        this.hideTyping();
        this.setAside(item);
        this.pump();
      } else {
        this.outbox.release();
        if (!error.status) this.httpWorked(false);
        this.later(() => this.pump(), error.status === 429 ? Math.max(error.retryAfter, 1) * 1000 : 4000);
      }
    });
  }

  setAside(item) {
    this.outbox.setAside(item);
    this.messages.markFailed(item, t("error"), true);
    this.say(t("failed") + ": " + t("error"));
  }

  retry(item) {
    // Sent again after whatever went out meanwhile: it moves to the end of the queue and the log.
    const moved = this.outbox.retry(item.client_id);
    if (!moved) return;
    this.messages.removePending(moved);
    this.messages.renderPending(moved);
    this.pump();
  }

  onComposerInput() {
    this.text.style.height = "auto";
    this.text.style.height = Math.min(this.text.scrollHeight, 120) + "px";
    const now = Date.now();
    if (this.text.value && now - (this.typingSent || 0) > 3000) {
      this.typingSent = now;
      this.connection.send({ type: "typing" });
    }
  }
}
