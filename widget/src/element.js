// -- the element: the launcher, the panel, and the conversation --------------------------------
class SupportbotWidget extends HTMLElement {
  constructor() {
    super();
    this.root = this.attachShadow({ mode: "open" });
    this.conv = store.get("conversation");
    this.outbox = new Outbox(store.get("outbox"), (items) => store.set("outbox", items));
    this.sound = store.get("sound") === true;
    this.unread = 0;
    this.useHttp = false;
    this.route = null;
    this.timers = new Set();
    this.connection = new Connection({
      ready: (state) => this.onReady(state),
      frame: (frame) => this.onFrame(frame),
      status: (name) => this.onStatus(name),
      gone: () => this.forget()
    });
    const fit = () => this.fitToScreen();
    this.listeners = [
      [window, "online", () => { this.connection.now(); this.pump(); }],
      [window, "offline", () => this.renderStatus()],
      [window, "storage", (event) => this.onOtherTab(event)],
      [document, "visibilitychange", () => { if (!document.hidden) this.connection.now(); }],
      [window, "resize", fit],
      [window.visualViewport, "resize", fit],
      [window.visualViewport, "scroll", fit]
    ].filter(([target]) => target);
  }

  connectedCallback() {
    if (!this.built) {
      this.built = true;
      this.dataset.position = options.position;
      if (options.color) {
        this.style.setProperty("--sb-accent", options.color);
        this.style.setProperty("--sb-on-accent", onAccentText(options.color));
      }
      this.build();
    }
    this.listeners.forEach(([target, type, listener]) => target.addEventListener(type, listener));
    this.restore();
  }

  disconnectedCallback() {
    // Taken off the page (a page builder, a single-page site's navigation): nothing of it keeps
    // running. Put back, connectedCallback picks the conversation up again.
    this.listeners.forEach(([target, type, listener]) => target.removeEventListener(type, listener));
    this.connection.close();
    clearInterval(this.pollTimer);
    clearTimeout(this.inflightTimer);
    this.timers.forEach(clearTimeout);
    this.timers.clear();
    this.faq.stop();
    this.hideTyping();
    this.outbox.release(); // sent again on the next connection; its client_id makes that safe
    this.useHttp = false;
  }

  // A timeout that ends with the element.
  later(fn, ms) {
    const timer = setTimeout(() => { this.timers.delete(timer); fn(); }, ms);
    this.timers.add(timer);
  }

  // -- building the DOM -------------------------------------------------------------------------
  build() {
    if (window.CSSStyleSheet && "replaceSync" in CSSStyleSheet.prototype && "adoptedStyleSheets" in this.root) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS); // constructed sheets are not blocked by a site's style-src CSP
      this.root.adoptedStyleSheets = [sheet];
    } else {
      this.root.appendChild(el("style", { text: CSS }));
    }
    this.badge = el("span", { class: "badge", "aria-hidden": "true", hidden: true });
    this.launcher = el("button", {
      class: "launcher", type: "button", "aria-expanded": "false", "aria-controls": "sb-panel",
      onclick: () => this.toggle()
    }, [icon("chat"), this.badge]);
    this.live = el("div", { class: "sr", role: "status", "aria-live": "polite" });
    this.panel = el("div", {
      id: "sb-panel", class: "panel", role: "dialog", "aria-modal": "true",
      "aria-labelledby": "sb-title", hidden: true
    }, [this.buildHeader(), this.buildMenu(), this.buildHome(), this.buildChat()]);
    this.panel.addEventListener("keydown", (event) => this.onKey(event));
    this.root.append(this.panel, this.launcher, this.live);
    this.updateLauncher();
    this.showHome();
  }

  buildHeader() {
    this.backButton = el("button", {
      class: "icon", type: "button", t: "aria-label:back", hidden: true, onclick: () => this.showHome()
    }, [icon("back")]);
    this.soundButton = el("button", { class: "icon", type: "button", onclick: () => this.toggleSound() });
    this.menuButton = el("button", {
      class: "icon", type: "button", t: "aria-label:menu", "aria-haspopup": "true",
      "aria-expanded": "false", "aria-controls": "sb-menu", onclick: () => this.toggleMenu()
    }, [icon("menu")]);
    const close = el("button", {
      class: "icon", type: "button", t: "aria-label:closeChat", onclick: () => this.close()
    }, [icon("close")]);
    this.renderSound();
    return el("header", {}, [
      this.backButton, el("h2", { id: "sb-title", t: "text:title" }),
      this.soundButton, this.menuButton, close
    ]);
  }

  buildMenu() {
    const pick = (action) => () => { this.toggleMenu(false); action(); };
    this.downloadButton = el("button", { type: "button", t: "text:download", onclick: pick(() => this.download()) });
    this.endButton = el("button", { type: "button", t: "text:end", onclick: pick(() => this.askEnd()) });
    this.siteHealthButton = el("button", {
      type: "button", t: "text:siteHealth", onclick: pick(() => this.pasteSiteHealth())
    });
    this.menu = el("div", { id: "sb-menu", class: "menu", hidden: true },
      [this.siteHealthButton, this.downloadButton, this.endButton]);
    return this.menu;
  }

  buildHome() {
    this.faq = new FaqSearch({
      ask: (query) => {
        this.showChat();
        if (query && !this.conv) this.sendText(query);
        else if (query) this.text.value = query;
      },
      notHelped: (query) => {
        this.showChat();
        this.text.value = query;
      },
      paste: (text) => {
        this.showChat();
        this.text.value = this.text.value ? this.text.value + "\n" + text : text;
        this.onComposerInput();
        this.text.focus();
        this.text.selectionStart = this.text.selectionEnd = this.text.value.length;
      }
    });
    this.home = this.faq.node;
    return this.home;
  }

  buildChat() {
    this.messages = new MessageLog({
      quickReply: (text) => this.sendText(text),
      retry: (item) => this.retry(item),
      arrived: (role) => this.notify(role === "staff" ? t("staff") : t("bot"))
    });
    this.log = this.messages.node;
    this.typing = el("div", { class: "typing", hidden: true, "aria-hidden": "true" }, [el("span"), el("span"), el("span")]);
    this.status = el("p", { class: "status", role: "status", hidden: true });
    this.confirm = el("div", { class: "confirm", role: "alertdialog", "aria-labelledby": "sb-confirm", hidden: true }, [
      el("p", { id: "sb-confirm", t: "text:endConfirm" }),
      el("div", { class: "row" }, [
        el("button", { class: "secondary", type: "button", t: "text:yes", onclick: () => this.end() }),
        el("button", { class: "secondary", type: "button", t: "text:no", onclick: () => this.cancelEnd() })
      ])
    ]);
    this.hint = el("p", { id: "sb-hint", class: "hint", role: "note", hidden: true, t: "text:siteHealthHelp" });
    this.text = el("textarea", { id: "sb-text", rows: "1", maxlength: String(MAX_CHARS) });
    this.text.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); this.submit(); }
    });
    this.text.addEventListener("input", () => this.onComposerInput());
    const form = el("form", { class: "composer", onsubmit: (event) => { event.preventDefault(); this.submit(); } }, [
      el("label", { class: "sr", for: "sb-text", t: "text:messageLabel" }), this.text,
      el("button", { class: "send", type: "submit", t: "aria-label:send" }, [icon("send")])
    ]);
    this.chat = el("section", { class: "view chat", hidden: true }, [
      this.log, this.typing, this.status, this.confirm, this.hint, form
    ]);
    this.renderComposer();
    return this.chat;
  }

  // -- the interface's language -----------------------------------------------------------------
  setLanguage(code) {
    // The conversation's language, once known (the customer's words decide it), is the
    // interface's too: placeholder, buttons, labels and status lines follow it.
    const next = spoken(code);
    if (!next || next === lang) return;
    lang = next;
    if (this.conv && this.conv.lang !== next) { this.conv.lang = next; store.set("conversation", this.conv); }
    this.root.querySelectorAll("[data-t]").forEach(applyLabels);
    this.faq.relabel(Boolean(this.conv));
    this.updateLauncher();
    this.renderSound();
    this.renderComposer();
    this.renderStatus();
  }

  renderComposer() {
    const email = this.route === "ask_email";
    this.text.setAttribute("inputmode", email ? "email" : "text");
    this.text.setAttribute("autocomplete", email ? "email" : "off");
    this.text.placeholder = email ? t("emailPlaceholder") : t("messagePlaceholder");
  }

  // -- opening, closing, keyboard ---------------------------------------------------------------
  toggle() {
    if (this.panel.hidden) this.open(); else this.close();
  }

  open() {
    this.panel.hidden = false;
    this.classList.add("open");
    this.fitToScreen();
    this.unread = 0;
    this.updateLauncher();
    if (this.conv) this.showChat(); else this.showHome();
  }

  close() {
    this.panel.hidden = true;
    this.classList.remove("open");
    this.toggleMenu(false);
    this.updateLauncher();
    this.launcher.focus();
  }

  fitToScreen() {
    // On a phone the panel fills the *visible* viewport: a theme wider than the screen makes
    // the layout viewport (what position:fixed uses) wider than the phone, and the on-screen
    // keyboard makes the visible part shorter.
    const view = window.visualViewport;
    const style = this.panel.style;
    const small = window.matchMedia && matchMedia("(max-width: 480px)").matches;
    if (!view || !small || this.panel.hidden) {
      ["left", "top", "width", "height"].forEach((name) => style.removeProperty(name));
      return;
    }
    style.left = view.offsetLeft + "px";
    style.top = view.offsetTop + "px";
    style.width = view.width + "px";
    style.height = view.height + "px";
  }

  onKey(event) {
    if (event.key === "Escape") {
      event.stopPropagation();
      if (!this.menu.hidden) { this.toggleMenu(false); this.menuButton.focus(); } else this.close();
    } else if (event.key === "Tab") {
      this.trapFocus(event);
    }
  }

  trapFocus(event) {
    // aria-modal promises the panel is all there is: Tab cycles inside it.
    const focusable = Array.from(this.panel.querySelectorAll(
      "button:not([disabled]),input,textarea,a[href],[tabindex]:not([tabindex='-1'])"
    )).filter((node) => node.getClientRects().length > 0);
    if (!focusable.length) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    const active = this.root.activeElement;
    if (event.shiftKey && (active === first || !this.panel.contains(active))) {
      event.preventDefault(); last.focus();
    } else if (!event.shiftKey && (active === last || !this.panel.contains(active))) {
      event.preventDefault(); first.focus();
    }
  }

  updateLauncher() {
    const open = !this.panel.hidden;
    this.launcher.setAttribute("aria-expanded", String(open));
    let label = open ? t("closeChat") : t("openChat");
    if (this.unread) label += " (" + t("unread", { n: this.unread }) + ")";
    this.launcher.setAttribute("aria-label", label);
    this.launcher.replaceChildren(icon(open ? "close" : "chat"), this.badge);
    this.badge.hidden = !this.unread;
    this.badge.textContent = this.unread > 9 ? "9+" : String(this.unread);
  }

  toggleMenu(force) {
    const show = force === undefined ? this.menu.hidden : force;
    this.menu.hidden = !show;
    this.menuButton.setAttribute("aria-expanded", String(show));
    this.downloadButton.disabled = this.endButton.disabled = !this.conv;
    if (show) this.siteHealthButton.focus();
  }

  toggleSound() {
    this.sound = !this.sound;
    store.set("sound", this.sound);
    this.renderSound();
  }

  renderSound() {
    this.soundButton.replaceChildren(icon(this.sound ? "soundOn" : "soundOff"));
    this.soundButton.setAttribute("aria-pressed", String(this.sound));
    this.soundButton.setAttribute("aria-label", t("sound"));
  }

  showHome() {
    this.home.hidden = false;
    this.chat.hidden = true;
    this.backButton.hidden = true;
    this.faq.relabel(Boolean(this.conv));
    if (!this.panel.hidden) this.faq.focus();
  }

  showChat() {
    this.home.hidden = true;
    this.chat.hidden = false;
    this.backButton.hidden = false;
    if (this.messages.empty) this.messages.render({ role: "bot", text: options.greeting || t("greeting") });
    this.messages.scrollDown();
    if (this.readFrom && this.log.contains(this.readFrom)) this.showFrom(this.readFrom);
    if (!this.panel.hidden) this.text.focus();
  }

  // -- the conversation -------------------------------------------------------------------------
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

  // -- sending: through the outbox, so nothing typed offline is lost ----------------------------
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

  // -- what the customer notices ----------------------------------------------------------------
  say(text) {
    this.live.textContent = text;
  }

  showTyping(ms) {
    this.typing.hidden = false;
    this.messages.scrollDown();
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.hideTyping(), ms);
  }

  hideTyping() {
    clearTimeout(this.typingTimer);
    this.typing.hidden = true;
  }

  showFrom(node) {
    // A new answer is read from its start: a long one (a changelog, a checklist) would
    // otherwise open at its end, below the request it makes. Also when it arrives closed.
    this.readFrom = node || null;
    if (node && !this.panel.hidden && !this.chat.hidden) {
      this.log.scrollTop += node.getBoundingClientRect().top - this.log.getBoundingClientRect().top - 8;
    }
  }

  notify(who) {
    if (this.panel.hidden || document.hidden) {
      this.unread += 1;
      this.updateLauncher();
      this.say(t("newMessage", { who }));
      if (this.sound) this.beep();
    }
  }

  beep() {
    try {
      const Audio = window.AudioContext || window.webkitAudioContext;
      this.audio = this.audio || new Audio();
      const osc = this.audio.createOscillator();
      const gain = this.audio.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.05;
      osc.connect(gain).connect(this.audio.destination);
      osc.start();
      osc.stop(this.audio.currentTime + 0.12);
    } catch (e) { /* no audio: the badge is enough */ }
  }

  // -- transcript and ending ----------------------------------------------------------------------
  download() {
    const conv = this.conv;
    if (!conv) return;
    request("GET", conversationPath(conv), undefined, conv.token).then((data) => {
      const names = { customer: t("you"), bot: t("bot"), staff: t("staff") };
      const lines = [t("transcript", { id: conv.id }), ""];
      (Array.isArray(data.messages) ? data.messages : []).filter(isObject).forEach((m) => {
        const when = typeof m.created_at === "string" ? localTime(m.created_at) + " " : "";
        lines.push(when + (names[m.role] || m.role) + ": " + String(m.text || ""), "");
      });
      const blob = new Blob([lines.join("\n")], { type: "text/plain;charset=utf-8" });
      const link = el("a", { href: URL.createObjectURL(blob), download: "transcript-" + conv.id + ".txt" });
      this.root.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10000);
    }).catch(() => {});
  }

  askEnd() {
    this.showChat();
    this.confirm.hidden = false;
    this.confirm.querySelector("button").focus();
  }

  cancelEnd() {
    this.confirm.hidden = true;
    this.text.focus();
  }

  end() {
    const conv = this.conv;
    this.confirm.hidden = true;
    if (!conv) return;
    if (!this.connection.send({ type: "end" })) {
      request("POST", conversationPath(conv, "/end"), {}, conv.token).catch(() => {});
    }
    this.forget(t("ended"));
  }

  forget(notice) {
    this.connection.close();
    clearInterval(this.pollTimer);
    this.conv = null;
    this.ticket = null;
    this.outbox.clear();
    this.useHttp = false;
    store.remove("conversation");
    store.remove("outbox");
    this.messages.clear();
    this.status.hidden = true;
    this.hideTyping();
    this.faq.say(notice || "");
    this.showHome();
  }
}
