// -- SupportbotWidget, part: the transcript download and ending the conversation -----------
// (its methods are mixed into the element: see mixIn in element.js)
class WidgetEnding {
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
