// -- the element: its lifecycle, opening and closing, the keyboard; the rest is mixed in below ---
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
    this.fitToScreen(); // the launcher, in the visible part of a phone's screen
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
    // keyboard makes the visible part shorter. The launcher (and a desktop-sized panel) moves
    // into the visible part too, or its corner would sit off-screen, past the phone's edge.
    const view = window.visualViewport;
    const style = this.panel.style;
    const small = window.matchMedia && matchMedia("(max-width: 480px)").matches;
    const shift = view ? visibleShift(view, this.getBoundingClientRect(), this.dataset.position === "left") : "";
    this.launcher.style.transform = shift;
    if (!view || !small || this.panel.hidden) {
      ["left", "top", "width", "height"].forEach((name) => style.removeProperty(name));
      style.transform = shift;
      return;
    }
    style.transform = "";
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
}

// How far the widget's corner moves to sit in the visible part of the page, EDGE pixels in
// from it as style.js puts it in the layout viewport (which position:fixed uses): on a phone a
// theme wider than the screen makes that viewport larger than what the phone shows.
const EDGE = 20;

function visibleShift(view, box, left) {
  const dx = left
    ? Math.max(0, view.offsetLeft + EDGE - box.left)
    : Math.min(0, view.offsetLeft + view.width - EDGE - box.right);
  const dy = Math.min(0, view.offsetTop + view.height - EDGE - box.bottom);
  return dx || dy ? "translate(" + Math.round(dx) + "px," + Math.round(dy) + "px)" : "";
}

// The element's other concerns live in their own files, as classes whose methods join the
// element's prototype: one element for the page, one file per concern for the reader.
function mixIn(target, ...parts) {
  for (const part of parts) {
    for (const name of Object.getOwnPropertyNames(part.prototype)) {
      if (name === "constructor") continue;
      if (Object.prototype.hasOwnProperty.call(target.prototype, name)) throw new Error("two parts define " + name);
      Object.defineProperty(target.prototype, name, Object.getOwnPropertyDescriptor(part.prototype, name));
    }
  }
}
mixIn(SupportbotWidget, WidgetLayout, WidgetConversation, WidgetSending, WidgetAttention, WidgetEnding);
