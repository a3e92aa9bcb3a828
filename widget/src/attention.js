// -- SupportbotWidget, part: what the customer notices (live region, typing, badge, sound) --
// (its methods are mixed into the element: see mixIn in element.js)
class WidgetAttention {
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
}
