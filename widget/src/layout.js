// -- SupportbotWidget, part: building the DOM and the interface's language ------------------
// (its methods are mixed into the element: see mixIn in element.js)
class WidgetLayout {
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
}
