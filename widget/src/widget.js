/*! Supportbot chat widget. Embed with one tag:
 *  <script src="https://support.example.com/widget.js" data-lang="nl" async></script>
 * Options (data-*): lang (nl|en|auto), lang-fixed, position (right|left), color (#rrggbb),
 * greeting, product, and from the WordPress connector's Help page: version, licence-hash,
 * licence-last4.
 * Plain JavaScript, no build step. Everything lives in a <supportbot-widget> element with a
 * Shadow DOM, so the site's CSS cannot reach in and ours cannot leak out. One global:
 * window.Supportbot.
 */
// The source is this file and the parts it includes: the server puts each part in the place of
// its include comment and serves the whole as one script (bot/channels/widget/assets.py).
(() => {
  "use strict";

  const NAMESPACE = "Supportbot";
  const TAG = "supportbot-widget";
  const VERSION = "1.0.0";
  // Loaded twice (theme and plugin both add the tag, or a page cache repeats it): the first
  // copy stays in charge and the second does nothing.
  if (window[NAMESPACE] && window[NAMESPACE].version) return;
  if (!window.customElements || !HTMLElement.prototype.attachShadow || !window.fetch) return;

  const script = document.currentScript || lastScriptNamed("widget.js");
  if (!script || !script.src) return;
  const ORIGIN = new URL(script.src, location.href).origin;
  const WS_URL = ORIGIN.replace(/^http/, "ws") + "/ws";
  const KEY = "supportbot:" + ORIGIN + ":";
  const SEARCH_CHARS = 200; // what the FAQ search reads; anything longer is a message, not a search

  function lastScriptNamed(name) {
    let found = null;
    document.querySelectorAll("script[src]").forEach((tag) => {
      if (tag.src.split("?")[0].slice(-name.length) === name) found = tag;
    });
    return found;
  }

  const store = {
    // localStorage can be missing or throw (Safari private mode, blocked storage): degrade.
    get(name) {
      try { return JSON.parse(localStorage.getItem(KEY + name) || "null"); } catch (e) { return null; }
    },
    set(name, value) {
      try { localStorage.setItem(KEY + name, JSON.stringify(value)); } catch (e) { /* memory only */ }
    },
    remove(name) {
      try { localStorage.removeItem(KEY + name); } catch (e) { /* nothing stored */ }
    }
  };

  /*include:strings.js*/
  /*include:style.js*/
  /*include:dom.js*/
  /*include:transport.js*/
  /*include:outbox.js*/
  /*include:messages.js*/
  /*include:search.js*/
  /*include:layout.js*/
  /*include:conversation.js*/
  /*include:sending.js*/
  /*include:attention.js*/
  /*include:ending.js*/
  /*include:element.js*/

  function readOptions(data) {
    const color = /^#[0-9a-f]{6}$|^#[0-9a-f]{3}$/i.test(data.color || "") ? data.color : null;
    return {
      lang: pickLanguage(data.lang, data.langFixed !== undefined && data.langFixed !== "false"),
      position: data.position === "left" ? "left" : "right",
      color,
      greeting: String(data.greeting || "").slice(0, 300),
      product: /^[a-z0-9][a-z0-9_-]{0,99}$/i.test(data.product || "") ? data.product : null,
      // The installed version and a licence key's identity (never the key), as the server checks them.
      version: /^v?\d+(\.\d+){0,3}([-.]?(alpha|beta|rc|dev|pl|a|b)\d*)?$/i.test(data.version || "") ? data.version : null,
      licenceHash: /^[0-9a-f]{64}$/.test(data.licenceHash || "") && /^[0-9A-Z]{1,4}$/.test(data.licenceLast4 || "") ? data.licenceHash : null,
      licenceLast4: data.licenceLast4 || null
    };
  }

  const options = readOptions(script.dataset);
  lang = options.lang;

  if (!customElements.get(TAG)) customElements.define(TAG, SupportbotWidget);

  function mount() {
    const widget = document.querySelector(TAG) || document.body.appendChild(document.createElement(TAG));
    window[NAMESPACE] = Object.freeze({
      version: VERSION,
      open: () => widget.open(),
      // Send `text` as the customer's message (the connector's "Share my site information").
      send: (text) => { widget.open(); widget.showChat(); widget.sendText(String(text)); },
      close: () => widget.close(),
      toggle: () => widget.toggle()
    });
  }

  window[NAMESPACE] = { version: VERSION }; // claimed now, so a second copy stops early
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
