// -- the home view: the FAQ searched as the customer types, an answer, the way into the chat ------
// It reports to `events`: ask(query) (Enter or the ask button, with what was typed),
// notHelped(query) (an answer did not help), paste(text) (a paste that is a message, not a search).
class FaqSearch {
  constructor(events) {
    this.events = events;
    // no 200-character limit here: a long text or a paste is a message, and goes to the chat whole
    this.input = el("input", {
      id: "sb-q", type: "search", autocomplete: "off", enterkeyhint: "search",
      t: "placeholder:searchPlaceholder", "aria-describedby": "sb-results-status", maxlength: String(MAX_CHARS)
    });
    this.input.addEventListener("input", () => this.onInput());
    this.input.addEventListener("paste", (event) => this.onPaste(event));
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") { event.preventDefault(); this.ask(); }
    });
    this.results = el("ul", { class: "results", t: "aria-label:searchLabel" });
    this.resultsStatus = el("p", { id: "sb-results-status", class: "notice", "aria-live": "polite" });
    this.answer = el("article", { class: "answer", hidden: true, tabindex: "-1" });
    this.askButton = el("button", { class: "primary", type: "button", onclick: () => this.ask() });
    this.notice = el("p", { class: "notice", role: "status" });
    // The site's privacy notice in the interface's language, when the server names one.
    this.privacyLink = el("a", { t: "text:privacy" });
    this.privacy = el("p", { class: "privacy", hidden: true }, [this.privacyLink]);
    this.node = el("section", { class: "view" }, [
      el("p", { class: "greeting", text: options.greeting || null, t: options.greeting ? null : "text:greeting" }),
      el("label", { class: "sr", for: "sb-q", t: "text:searchLabel" }), this.input,
      this.resultsStatus, this.results, this.answer, this.askButton, this.notice, this.privacy
    ]);
    this.relabel(false);
  }

  // What the interface's language, or a conversation started or ended, changes here.
  relabel(conversing) {
    this.askButton.textContent = conversing ? t("continueChat") : t("askQuestion");
    const urls = isObject(SETTINGS.privacy) ? SETTINGS.privacy : {};
    const url = typeof urls[lang] === "string" ? urls[lang] : "";
    const known = /^https?:\/\//i.test(url);
    this.privacy.hidden = !known;
    if (known) linkify(this.privacyLink, url);
  }

  say(text) {
    this.notice.textContent = text;
  }

  focus() {
    this.input.focus();
  }

  stop() {
    clearTimeout(this.timer);
    if (this.searching) this.searching.abort();
  }

  onInput() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(this.input.value.trim().slice(0, SEARCH_CHARS)), 250);
  }

  run(query) {
    if (this.searching) this.searching.abort();
    this.answer.hidden = true;
    if (query.length < 2) { this.results.replaceChildren(); this.resultsStatus.textContent = ""; return; }
    this.searching = new AbortController();
    const params = "?q=" + encodeURIComponent(query) + "&lang=" + lang +
      (options.product ? "&product=" + encodeURIComponent(options.product) : "");
    request("GET", "/api/faq/search" + params, undefined, null, this.searching.signal).then((data) => {
      const found = Array.isArray(data.results) ? data.results.filter(isObject) : [];
      this.results.replaceChildren(...found.map((hit) => el("li", {}, [el("button", {
        type: "button", text: String(hit.question || ""), onclick: () => this.showAnswer(hit)
      })])));
      this.resultsStatus.textContent = found.length ? t("resultsCount", { n: found.length }) : t("noResults");
    }).catch((error) => {
      if (error.name !== "AbortError") this.resultsStatus.textContent = t("error");
    });
  }

  showAnswer(hit) {
    this.answer.replaceChildren(
      el("h3", { text: String(hit.question || "") }),
      el("div", { class: "bubble" }, [safeFragment(hit.html || "")]),
      el("div", { class: "row" }, [
        el("button", { class: "secondary", type: "button", text: t("helped"), onclick: () => {
          this.answer.hidden = true;
          this.say(t("gladToHelp"));
          this.focus();
        } }),
        el("button", {
          class: "secondary", type: "button", text: t("notHelped"),
          onclick: () => this.events.notHelped(this.input.value.trim())
        })
      ])
    );
    this.answer.hidden = false;
    this.answer.focus();
  }

  onPaste(event) {
    // A pasted error or Site Health report is a message, not a search: it goes to the chat
    // composer whole (an <input> would also drop its line breaks), after what was typed.
    const pasted = event.clipboardData ? event.clipboardData.getData("text/plain") : "";
    const value = this.input.value;
    const start = this.input.selectionStart == null ? value.length : this.input.selectionStart;
    const end = this.input.selectionEnd == null ? value.length : this.input.selectionEnd;
    if (!/[\r\n]/.test(pasted) && value.length - (end - start) + pasted.length <= SEARCH_CHARS) return;
    event.preventDefault();
    this.input.value = "";
    this.run("");
    this.events.paste((value.slice(0, start) + pasted + value.slice(end)).slice(0, MAX_CHARS));
  }

  ask() {
    const query = this.input.value.trim();
    this.input.value = "";
    this.events.ask(query);
  }
}
