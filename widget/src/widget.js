/*! Supportbot chat widget. Embed with one tag:
 *  <script src="https://support.example.com/widget.js" data-lang="nl" async></script>
 * Options (data-*): lang (nl|en|auto), lang-fixed, position (right|left), color (#rrggbb),
 * greeting, product, and from the WordPress connector's Help page: version, licence-hash,
 * licence-last4.
 * Plain JavaScript, no build step. Everything lives in a <supportbot-widget> element with a
 * Shadow DOM, so the site's CSS cannot reach in and ours cannot leak out. One global:
 * window.Supportbot.
 */
(function () {
  "use strict";

  var NAMESPACE = "Supportbot";
  var TAG = "supportbot-widget";
  var VERSION = "1.0.0";
  // Loaded twice (theme and plugin both add the tag, or a page cache repeats it): the first
  // copy stays in charge and the second does nothing.
  if (window[NAMESPACE] && window[NAMESPACE].version) return;
  if (!window.customElements || !HTMLElement.prototype.attachShadow || !window.fetch) return;

  var script = document.currentScript || lastScriptNamed("widget.js");
  if (!script || !script.src) return;
  var ORIGIN = new URL(script.src, location.href).origin;
  var WS_URL = ORIGIN.replace(/^http/, "ws") + "/ws";
  var KEY = "supportbot:" + ORIGIN + ":";

  var MAX_CHARS = 20000; // the server's SUPPORTBOT_MAX_MESSAGE_CHARS default: a whole Site Health paste fits
  var SEARCH_CHARS = 200; // what the FAQ search reads; anything longer is a message, not a search
  // Over plain HTTP, a message the server answers with a 5xx this many times is shown as not sent
  // (with a retry button) and set aside, so it never holds up the messages after it.
  var MAX_SERVER_ERRORS = 3;
  var STRINGS = /*strings:begin*/{
    "en": {
      "openChat": "Open chat",
      "siteHealth": "Paste Site Health info",
      "siteHealthHelp": "In WordPress, go to Tools → Site Health → Info and click \"Copy site info to clipboard\". Paste it below and send it: it tells us your WordPress, PHP and plugin versions at once.",
      "closeChat": "Close chat",
      "dialog": "Chat with support",
      "title": "Support",
      "greeting": "Hi! Search our frequently asked questions, or ask us your question.",
      "searchLabel": "Search the frequently asked questions",
      "searchPlaceholder": "Type your question…",
      "resultsCount": ["{n} answer found", "{n} answers found"],
      "noResults": "No answer found. Ask us your question.",
      "askQuestion": "Ask your question",
      "continueChat": "Continue your conversation",
      "helped": "This helped, thanks",
      "notHelped": "I still have a question",
      "gladToHelp": "Glad we could help!",
      "back": "Back to the frequently asked questions",
      "messageLabel": "Your message",
      "messagePlaceholder": "Type a message…",
      "emailPlaceholder": "you@example.com",
      "send": "Send",
      "you": "You",
      "bot": "Supportbot",
      "staff": "Support agent",
      "sending": "Sending…",
      "failed": "Not sent",
      "retry": "Send again",
      "reconnecting": "Connection lost. Reconnecting…",
      "offline": "You are offline. Your messages will be sent when you are back online.",
      "sound": "Sound for new messages",
      "menu": "More options",
      "download": "Download transcript",
      "end": "End conversation",
      "endConfirm": "Do you want to end this conversation?",
      "yes": "Yes",
      "no": "No",
      "ended": "The conversation has ended.",
      "unread": ["{n} unread message", "{n} unread messages"],
      "newMessage": "New message from {who}",
      "quickReplies": "Quick replies",
      "links": "Links",
      "ticket": "Ticket {number}: {status}",
      "ticketOpen": "open",
      "ticketWaiting": "in progress",
      "ticketResolved": "resolved",
      "error": "Something went wrong. Please try again in a moment.",
      "tooLong": "Your message is too long.",
      "tooFast": "Please wait a moment: you are sending messages too fast.",
      "transcript": "Conversation {id}",
      "privacy": "Privacy notice"
    }
  }/*strings:end*/;
  // Filled in by the server from its knowledge base: {"privacy": {"nl": "https://..."}}.
  var SETTINGS = /*settings:begin*/{}/*settings:end*/;
  // Per language, the gettext plural form for n = 0..199 (one digit each), from the catalogs'
  // Plural-Forms; larger n use 100 + n % 100, which every gettext rule treats alike.
  var PLURALS = /*plurals:begin*/{"en": "10111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111"}/*plurals:end*/;

  var CSS = [
    ":host{all:initial!important;display:block!important;position:fixed!important;z-index:2147483000!important;",
    "bottom:20px!important;right:20px!important;left:auto!important;top:auto!important;width:auto!important;",
    "height:auto!important;margin:0!important;padding:0!important;border:0!important;transform:none!important;",
    "opacity:1!important;visibility:visible!important;float:none!important;",
    // all:initial!important would beat our own normal declarations too: these need !important
    "font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif!important;",
    "color:#1f2328!important;text-align:left!important;direction:ltr!important;",
    "--sb-accent:#2455c3;--sb-on-accent:#fff}",
    ":host([data-position=left]){left:20px!important;right:auto!important}",
    "*,*::before,*::after{box-sizing:border-box}",
    "[hidden]{display:none!important}",
    "button,input,textarea{font:inherit;color:inherit;margin:0}",
    "button{cursor:pointer;border:0;background:none;padding:0}",
    ":focus-visible{outline:3px solid #f0b429;outline-offset:2px}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    ".launcher{width:58px;height:58px;border-radius:50%;background:var(--sb-accent);color:var(--sb-on-accent);",
    "display:flex;align-items:center;justify-content:center;box-shadow:0 6px 20px rgba(0,0,0,.25);position:relative;margin-left:auto}",
    ":host([data-position=left]) .launcher{margin-left:0}",
    ".launcher svg{width:28px;height:28px}",
    ".badge{position:absolute;top:-4px;right:-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;",
    "background:#d1242f;color:#fff;font-size:12px;font-weight:700;line-height:22px;text-align:center}",
    ".panel{position:absolute;bottom:72px;right:0;width:380px;height:600px;max-height:calc(100vh - 110px);",
    "background:#fff;border-radius:16px;box-shadow:0 12px 40px rgba(0,0,0,.28);display:flex;flex-direction:column;overflow:hidden}",
    ":host([data-position=left]) .panel{right:auto;left:0}",
    "header{display:flex;align-items:center;gap:4px;padding:10px 8px 10px 16px;background:var(--sb-accent);color:var(--sb-on-accent)}",
    "h2{flex:1;margin:0;font-size:17px;font-weight:650}",
    ".icon{width:36px;height:36px;border-radius:8px;display:inline-flex;align-items:center;justify-content:center;color:inherit}",
    ".icon:hover{background:rgba(255,255,255,.18)}",
    ".icon svg{width:20px;height:20px}",
    ".menu{position:absolute;top:54px;right:10px;background:#fff;color:#1f2328;border-radius:10px;",
    "box-shadow:0 6px 24px rgba(0,0,0,.22);padding:6px;z-index:2;display:flex;flex-direction:column;min-width:210px}",
    ".menu button{padding:10px 12px;text-align:left;border-radius:6px}",
    ".menu button:hover,.menu button:focus-visible{background:#eef2fb}",
    ".menu button:disabled{opacity:.45;cursor:default}",
    ".view{flex:1;overflow-y:auto;overscroll-behavior:contain;padding:16px;display:flex;flex-direction:column;gap:10px}",
    ".chat{padding:0;gap:0}",
    ".greeting{margin:0;font-size:16px}",
    ".privacy{margin-top:auto;font-size:13px;color:#4b5563}",
    // 16px: iOS zooms the page into any smaller input that gets focus
    "input[type=search],textarea{width:100%;border:1px solid #c9ced6;border-radius:10px;padding:10px 12px;background:#fff;font-size:16px}",
    "input[type=search]:focus,textarea:focus{border-color:var(--sb-accent);outline:2px solid var(--sb-accent);outline-offset:0}",
    ".results{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:6px}",
    ".results button{width:100%;text-align:left;padding:10px 12px;border:1px solid #dde1e7;border-radius:10px;background:#f8f9fb}",
    ".results button:hover{border-color:var(--sb-accent)}",
    ".answer{border:1px solid #dde1e7;border-radius:12px;padding:12px}",
    ".answer h3{margin:0 0 6px;font-size:16px}",
    ".primary{background:var(--sb-accent);color:var(--sb-on-accent);border-radius:10px;padding:11px 14px;font-weight:600}",
    ".secondary{border:1px solid var(--sb-accent);color:var(--sb-accent);border-radius:18px;padding:7px 12px;background:#fff}",
    ".row{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px}",
    ".notice{margin:0;color:#4b5563;font-size:14px}",
    ".log{flex:1;overflow-y:auto;overscroll-behavior:contain;padding:16px;display:flex;flex-direction:column;gap:10px}",
    ".msg{max-width:86%;display:flex;flex-direction:column;gap:4px}",
    ".msg.customer{align-self:flex-end;align-items:flex-end}",
    ".who{font-size:12px;color:#59636e}",
    ".bubble{padding:9px 12px;border-radius:14px;background:#f0f2f5;overflow-wrap:anywhere;white-space:normal}",
    ".customer .bubble{background:var(--sb-accent);color:var(--sb-on-accent);white-space:pre-wrap}",
    ".staff .bubble{background:#fff6d6;border:1px solid #f0dc9a}",
    ".system{align-self:center;font-size:13px;color:#59636e;text-align:center}",
    ".bubble p{margin:0 0 6px}.bubble p:last-child{margin-bottom:0}",
    ".bubble ul,.bubble ol{margin:4px 0;padding-left:20px}",
    ".bubble pre{white-space:pre-wrap;background:rgba(0,0,0,.06);padding:6px;border-radius:6px}",
    ".bubble a,.answer a,.links a{color:inherit;text-decoration:underline}",
    ".nb{white-space:nowrap}",
    ".links{list-style:none;margin:0;padding:0;font-size:14px}",
    ".meta{font-size:12px;color:#59636e}",
    ".failed .meta{color:#d1242f}",
    ".typing{align-self:flex-start;display:flex;gap:4px;padding:10px 12px;background:#f0f2f5;border-radius:14px;margin:0 16px 8px}",
    ".typing span{width:7px;height:7px;border-radius:50%;background:#8b949e;animation:sb-blink 1.2s infinite}",
    ".typing span:nth-child(2){animation-delay:.2s}.typing span:nth-child(3){animation-delay:.4s}",
    "@keyframes sb-blink{0%,80%,100%{opacity:.3}40%{opacity:1}}",
    "@media (prefers-reduced-motion:reduce){.typing span{animation:none}}",
    ".status{margin:0;padding:6px 16px;font-size:13px;background:#fff8c5;color:#4d2d00}",
    ".hint{margin:0;padding:8px 16px;font-size:13px;line-height:1.4;background:#eef4ff;color:#1d2a44}",
    ".confirm{padding:10px 16px;background:#fdf2f2;border-top:1px solid #f3c9c9}",
    ".confirm p{margin:0 0 6px}",
    ".composer{display:flex;gap:8px;padding:10px 12px;border-top:1px solid #e5e7eb;align-items:flex-end}",
    ".composer textarea{resize:none;max-height:120px;min-height:42px}",
    ".send{width:42px;height:42px;flex:none;border-radius:10px;background:var(--sb-accent);color:var(--sb-on-accent);display:flex;align-items:center;justify-content:center}",
    ".send svg{width:20px;height:20px}",
    "@media (max-width:480px){",
    ":host(.open){top:0!important;left:0!important;right:0!important;bottom:0!important}",
    ":host(.open) .launcher{display:none}",
    ".panel{position:fixed;left:0;top:0;width:100%;height:100%;max-height:none;border-radius:0}}"
  ].join("");

  var ICONS = {
    chat: '<path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z" fill="currentColor"/>',
    close: '<path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2.2" stroke-linecap="round"/>',
    back: '<path d="M15 5l-7 7 7 7" stroke="currentColor" stroke-width="2.2" fill="none" stroke-linecap="round"/>',
    menu: '<circle cx="5" cy="12" r="2" fill="currentColor"/><circle cx="12" cy="12" r="2" fill="currentColor"/><circle cx="19" cy="12" r="2" fill="currentColor"/>',
    send: '<path d="M3 20l18-8L3 4v6l12 2-12 2z" fill="currentColor"/>',
    soundOn: '<path d="M4 9h4l5-4v14l-5-4H4z" fill="currentColor"/><path d="M16 8a5 5 0 0 1 0 8" stroke="currentColor" stroke-width="2" fill="none"/>',
    soundOff: '<path d="M4 9h4l5-4v14l-5-4H4z" fill="currentColor"/><path d="M16 9l5 6M21 9l-5 6" stroke="currentColor" stroke-width="2"/>'
  };

  // -- small pieces --------------------------------------------------------------------------
  function lastScriptNamed(name) {
    var found = null;
    document.querySelectorAll("script[src]").forEach(function (el) {
      if (el.src.split("?")[0].slice(-name.length) === name) found = el;
    });
    return found;
  }

  function spoken(hint) {
    var code = String(hint || "").slice(0, 2).toLowerCase();
    return Object.prototype.hasOwnProperty.call(STRINGS, code) ? code : null;
  }

  function pickLanguage(wanted, fixed) {
    // The visitor's own first language wins when we speak it, unless the tag insists
    // (data-lang-fixed); then the tag's language, the page's, the visitor's others, Dutch.
    var browser = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
    var site = spoken(wanted);
    if (site && fixed) return site;
    var hints = [browser[0], site, document.documentElement.lang].concat(Array.prototype.slice.call(browser, 1));
    for (var i = 0; i < hints.length; i++) {
      if (spoken(hints[i])) return spoken(hints[i]);
    }
    return "nl";
  }

  function readOptions(data) {
    var color = /^#[0-9a-f]{6}$|^#[0-9a-f]{3}$/i.test(data.color || "") ? data.color : null;
    return {
      lang: pickLanguage(data.lang, data.langFixed !== undefined && data.langFixed !== "false"),
      position: data.position === "left" ? "left" : "right",
      color: color,
      greeting: String(data.greeting || "").slice(0, 300),
      product: /^[a-z0-9][a-z0-9_-]{0,99}$/i.test(data.product || "") ? data.product : null,
      // The installed version and a licence key's identity (never the key), as the server checks them.
      version: /^v?\d+(\.\d+){0,3}([-.]?(alpha|beta|rc|dev|pl|a|b)\d*)?$/i.test(data.version || "") ? data.version : null,
      licenceHash: /^[0-9a-f]{64}$/.test(data.licenceHash || "") && /^[0-9A-Z]{1,4}$/.test(data.licenceLast4 || "") ? data.licenceHash : null,
      licenceLast4: data.licenceLast4 || null
    };
  }

  var options = readOptions(script.dataset);
  var lang = options.lang; // the interface's language: the conversation's, once it is known

  function pluralIndex(n) {
    var rule = PLURALS[lang] || PLURALS.en || "";
    var digit = parseInt(rule.charAt(n < 200 ? n : 100 + n % 100), 10);
    return isNaN(digit) ? (n === 1 ? 0 : 1) : digit;
  }

  function t(key, vars) {
    var text = (STRINGS[lang] || {})[key] || STRINGS.en[key] || key;
    if (Array.isArray(text)) text = text[Math.min(pluralIndex(Number(vars && vars.n) || 0), text.length - 1)];
    return String(text).replace(/\{(\w+)\}/g, function (all, name) {
      return vars && vars[name] != null ? String(vars[name]) : all;
    });
  }

  // Nodes say which of their texts are translated: data-t="text:title,aria-label:back". When the
  // conversation's language becomes known, every such text is set again in that language.
  function applyLabels(node) {
    String(node.dataset.t || "").split(",").forEach(function (pair) {
      var parts = pair.split(":");
      if (parts.length !== 2) return;
      if (parts[0] === "text") node.textContent = t(parts[1]);
      else node.setAttribute(parts[0], t(parts[1]));
    });
  }

  function localTime(iso) {
    // a stored UTC time, in the customer's time zone and language
    var when = new Date(String(iso));
    if (isNaN(when.getTime())) return "";
    try {
      return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(when);
    } catch (e) {
      return when.toLocaleString();
    }
  }

  function browserTimeZone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || null; } catch (e) { return null; }
  }

  function onAccentText(hex) {
    // Black or white text on the accent colour, whichever reads better (WCAG luminance).
    var h = hex.length === 4 ? hex.replace(/(\w)/g, "$1$1") : hex;
    var lum = [1, 3, 5].map(function (i) {
      var c = parseInt(h.substr(i, 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2] > 0.4 ? "#111" : "#fff";
  }

  var store = {
    // localStorage can be missing or throw (Safari private mode, blocked storage): degrade.
    get: function (name) {
      try { return JSON.parse(localStorage.getItem(KEY + name) || "null"); } catch (e) { return null; }
    },
    set: function (name, value) {
      try { localStorage.setItem(KEY + name, JSON.stringify(value)); } catch (e) { /* memory only */ }
    },
    remove: function (name) {
      try { localStorage.removeItem(KEY + name); } catch (e) { /* nothing stored */ }
    }
  };

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") node.textContent = value;
      else if (name === "t") { node.dataset.t = value; applyLabels(node); }
      else if (name.slice(0, 2) === "on") node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function icon(name) {
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.innerHTML = ICONS[name];  // our own constant markup, never server data
    return svg;
  }

  // The server sends sanitised HTML; it is cleaned again here (defence in depth), inside an
  // inert <template> so nothing in it runs or loads while it is being checked.
  var ALLOWED = { P: 1, BR: 1, A: 1, STRONG: 1, EM: 1, B: 1, I: 1, CODE: 1, PRE: 1, UL: 1, OL: 1, LI: 1, BLOCKQUOTE: 1, H3: 1, H4: 1 };
  var DROPPED = { SCRIPT: 1, STYLE: 1, IFRAME: 1, OBJECT: 1, EMBED: 1, TEMPLATE: 1, SVG: 1, MATH: 1, NOSCRIPT: 1, TEXTAREA: 1, TITLE: 1 };

  function safeFragment(html) {
    var template = document.createElement("template");
    template.innerHTML = String(html);
    cleanTree(template.content);
    return template.content;
  }

  function cleanTree(parent) {
    Array.prototype.slice.call(parent.childNodes).forEach(function (node) {
      if (node.nodeType === 3) return;
      var name = node.nodeType === 1 ? node.nodeName.toUpperCase() : "";
      if (!name || DROPPED[name]) { node.remove(); return; }
      cleanTree(node);
      if (!ALLOWED[name]) { node.replaceWith.apply(node, Array.prototype.slice.call(node.childNodes)); return; }
      Array.prototype.slice.call(node.attributes).forEach(function (attr) {
        if (!(name === "A" && (attr.name === "href" || attr.name === "title"))) node.removeAttribute(attr.name);
      });
      if (name === "A") linkify(node, node.getAttribute("href"));
    });
  }

  function linkify(anchor, url) {
    if (/^(https?:|mailto:)/i.test(String(url || "").trim())) anchor.setAttribute("href", url);
    else anchor.removeAttribute("href");
    anchor.setAttribute("target", "_blank");
    anchor.setAttribute("rel", "noopener noreferrer nofollow");
    return anchor;
  }

  // Ticket numbers and similar codes ("NME-1001") never break at their hyphen.
  var CODE = /\b[A-Z][A-Z0-9]{1,9}-\d+\b/g;

  function keepTogether(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var texts = [];
    while (walker.nextNode()) texts.push(walker.currentNode);
    texts.forEach(function (node) {
      var value = node.nodeValue, last = 0, parts = [];
      value.replace(CODE, function (code, at) {
        parts.push(document.createTextNode(value.slice(last, at)), el("span", { class: "nb", text: code }));
        last = at + code.length;
      });
      if (!parts.length) return;
      parts.push(document.createTextNode(value.slice(last)));
      node.replaceWith.apply(node, parts);
    });
  }

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function strings(value) {
    return Array.isArray(value) ? value.filter(function (v) { return typeof v === "string"; }) : [];
  }

  // -- the server ----------------------------------------------------------------------------
  function request(method, path, body, token, signal) {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, 15000);
    if (signal) signal.addEventListener("abort", function () { controller.abort(); });
    var headers = {};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = "Bearer " + token;
    return fetch(ORIGIN + path, {
      method: method, headers: headers, credentials: "omit", mode: "cors", cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body), signal: controller.signal
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok && isObject(data)) return data;
        var error = new Error((data && data.message) || "HTTP " + response.status);
        error.status = response.status;
        error.code = (data && data.error) || "http_error";
        error.retryAfter = parseInt(response.headers.get("Retry-After") || "0", 10);
        throw error;
      });
    }).finally(function () { clearTimeout(timer); });
  }

  function conversationPath(conv, suffix) {
    return "/api/conversations/" + encodeURIComponent(conv.id) + (suffix || "");
  }

  // A WebSocket that authenticates, pings, and reconnects with backoff. It reports to `events`:
  // ready(state), frame(frame), status(name), gone() (the conversation no longer opens).
  function Connection(events) {
    this.events = events;
    this.ws = null;
    this.ready = false;
    this.wanted = false;
    this.failures = 0;
    this.timer = null;
    this.pingTimer = null;
  }

  Connection.prototype.open = function (conv) {
    this.conv = conv;
    this.wanted = true;
    this.failures = 0;
    this.connect();
  };

  Connection.prototype.close = function () {
    this.wanted = false;
    clearTimeout(this.timer);
    this.stopPing();
    if (this.ws) this.ws.close(1000);
    this.ws = null;
    this.ready = false;
  };

  Connection.prototype.send = function (frame) {
    if (!this.ready || !this.ws || this.ws.readyState !== 1) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  };

  Connection.prototype.connect = function () {
    var self = this;
    clearTimeout(this.timer);
    if (!this.wanted || (this.ws && this.ws.readyState <= 1)) return;
    var ws;
    try { ws = new WebSocket(WS_URL); } catch (e) { this.retry(); return; }
    this.ws = ws;
    this.events.status(this.failures ? "reconnecting" : "connecting");
    var giveUp = setTimeout(function () { ws.close(); }, 10000);  // a proxy that swallows the upgrade
    ws.onopen = function () {
      ws.send(JSON.stringify({ type: "auth", conversation_id: self.conv.id, token: self.conv.token }));
    };
    ws.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (!isObject(frame) || typeof frame.type !== "string") return;
      self.lastHeard = Date.now();
      if (frame.type === "ready") {
        clearTimeout(giveUp);
        self.ready = true;
        self.failures = 0;
        self.startPing();
        self.events.ready(isObject(frame.state) ? frame.state : {});
      } else if (frame.type === "error" && !self.ready) {
        if (frame.error === "not_found" || frame.error === "unauthorized") {
          self.wanted = false;
          self.events.gone();
        }
      } else if (frame.type !== "pong") {
        self.events.frame(frame);
      }
    };
    ws.onclose = function () {
      clearTimeout(giveUp);
      if (self.ws !== ws) return;
      self.ws = null;
      self.ready = false;
      self.stopPing();
      self.retry();
    };
  };

  Connection.prototype.retry = function () {
    if (!this.wanted) return;
    this.failures += 1;
    this.events.status("reconnecting");
    // Exponential backoff with jitter, so a server restart is not met by every client at once.
    var delay = Math.min(30000, 1000 * Math.pow(2, this.failures - 1)) * (0.5 + Math.random() / 2);
    var self = this;
    this.timer = setTimeout(function () { self.connect(); }, delay);
  };

  Connection.prototype.now = function () {
    // Network back, or the tab woke up: try at once instead of waiting out the backoff.
    if (this.wanted && !this.ready) { this.failures = Math.min(this.failures, 1); this.connect(); }
  };

  Connection.prototype.startPing = function () {
    var self = this;
    this.stopPing();
    this.pingTimer = setInterval(function () {
      if (!self.ws) return;
      if (Date.now() - self.lastHeard > 45000) { self.ws.close(); return; }  // silently dead
      self.send({ type: "ping" });
    }, 20000);
  };

  Connection.prototype.stopPing = function () {
    clearInterval(this.pingTimer);
  };

  // -- the element ---------------------------------------------------------------------------
  class SupportbotWidget extends HTMLElement {
    constructor() {
      super();
      this.root = this.attachShadow({ mode: "open" });
      this.conv = store.get("conversation");
      this.outbox = store.get("outbox") || [];
      this.sound = store.get("sound") === true;
      this.unread = 0;
      this.lastSeq = 0;
      this.inflight = null;
      this.useHttp = false;
      this.route = null;
      var self = this;
      this.connection = new Connection({
        ready: function (state) { self.onReady(state); },
        frame: function (frame) { self.onFrame(frame); },
        status: function (name) { self.onStatus(name); },
        gone: function () { self.forget(); }
      });
    }

    connectedCallback() {
      if (this.built) return;
      this.built = true;
      this.dataset.position = options.position;
      if (options.color) {
        this.style.setProperty("--sb-accent", options.color);
        this.style.setProperty("--sb-on-accent", onAccentText(options.color));
      }
      this.build();
      this.restore();
      var self = this;
      window.addEventListener("online", function () { self.connection.now(); self.pump(); });
      window.addEventListener("offline", function () { self.renderStatus(); });
      window.addEventListener("storage", function (event) { self.onOtherTab(event); });
      document.addEventListener("visibilitychange", function () {
        if (!document.hidden) self.connection.now();
      });
      var fit = function () { self.fitToScreen(); };
      window.addEventListener("resize", fit);
      if (window.visualViewport) {
        visualViewport.addEventListener("resize", fit);
        visualViewport.addEventListener("scroll", fit);
      }
    }

    // -- building the DOM -----------------------------------------------------------------
    build() {
      if (window.CSSStyleSheet && "replaceSync" in CSSStyleSheet.prototype && "adoptedStyleSheets" in this.root) {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);  // constructed sheets are not blocked by a site's style-src CSP
        this.root.adoptedStyleSheets = [sheet];
      } else {
        this.root.appendChild(el("style", { text: CSS }));
      }
      var self = this;
      this.badge = el("span", { class: "badge", "aria-hidden": "true", hidden: true });
      this.launcher = el("button", {
        class: "launcher", type: "button", "aria-expanded": "false", "aria-controls": "sb-panel",
        onclick: function () { self.toggle(); }
      }, [icon("chat"), this.badge]);
      this.live = el("div", { class: "sr", role: "status", "aria-live": "polite" });
      this.panel = el("div", {
        id: "sb-panel", class: "panel", role: "dialog", "aria-modal": "true",
        "aria-labelledby": "sb-title", hidden: true
      }, [this.buildHeader(), this.buildMenu(), this.buildHome(), this.buildChat()]);
      this.panel.addEventListener("keydown", function (event) { self.onKey(event); });
      this.root.append(this.panel, this.launcher, this.live);
      this.updateLauncher();
      this.showHome();
    }

    buildHeader() {
      var self = this;
      this.backButton = el("button", {
        class: "icon", type: "button", t: "aria-label:back", hidden: true,
        onclick: function () { self.showHome(); }
      }, [icon("back")]);
      this.soundButton = el("button", {
        class: "icon", type: "button", onclick: function () { self.toggleSound(); }
      });
      this.menuButton = el("button", {
        class: "icon", type: "button", t: "aria-label:menu", "aria-haspopup": "true",
        "aria-expanded": "false", "aria-controls": "sb-menu", onclick: function () { self.toggleMenu(); }
      }, [icon("menu")]);
      var close = el("button", {
        class: "icon", type: "button", t: "aria-label:closeChat", onclick: function () { self.close(); }
      }, [icon("close")]);
      this.renderSound();
      return el("header", {}, [
        this.backButton, el("h2", { id: "sb-title", t: "text:title" }),
        this.soundButton, this.menuButton, close
      ]);
    }

    buildMenu() {
      var self = this;
      this.downloadButton = el("button", {
        type: "button", t: "text:download", onclick: function () { self.toggleMenu(false); self.download(); }
      });
      this.endButton = el("button", {
        type: "button", t: "text:end", onclick: function () { self.toggleMenu(false); self.askEnd(); }
      });
      this.siteHealthButton = el("button", {
        type: "button", t: "text:siteHealth", onclick: function () { self.toggleMenu(false); self.pasteSiteHealth(); }
      });
      this.menu = el("div", { id: "sb-menu", class: "menu", hidden: true },
        [this.siteHealthButton, this.downloadButton, this.endButton]);
      return this.menu;
    }

    buildHome() {
      var self = this;
      // no 200-character limit here: a long text or a paste is a message, and goes to the chat whole
      this.search = el("input", {
        id: "sb-q", type: "search", autocomplete: "off", enterkeyhint: "search",
        t: "placeholder:searchPlaceholder", "aria-describedby": "sb-results-status", maxlength: String(MAX_CHARS)
      });
      this.search.addEventListener("input", function () { self.onSearchInput(); });
      this.search.addEventListener("paste", function (event) { self.onSearchPaste(event); });
      this.search.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); self.ask(); }
      });
      this.results = el("ul", { class: "results", t: "aria-label:searchLabel" });
      this.resultsStatus = el("p", { id: "sb-results-status", class: "notice", "aria-live": "polite" });
      this.answer = el("article", { class: "answer", hidden: true, tabindex: "-1" });
      this.askButton = el("button", { class: "primary", type: "button", onclick: function () { self.ask(); } });
      this.homeNotice = el("p", { class: "notice", role: "status" });
      this.greeting = el("p", { class: "greeting", text: options.greeting || null, t: options.greeting ? null : "text:greeting" });
      this.home = el("section", { class: "view" }, [
        this.greeting,
        el("label", { class: "sr", for: "sb-q", t: "text:searchLabel" }), this.search,
        this.resultsStatus, this.results, this.answer, this.askButton, this.homeNotice,
        this.buildPrivacyLink()
      ]);
      return this.home;
    }

    buildPrivacyLink() {
      // The site's privacy notice in the interface's language, when the server names one.
      this.privacyLink = el("a", { t: "text:privacy" });
      this.privacy = el("p", { class: "privacy", hidden: true }, [this.privacyLink]);
      this.renderPrivacyLink();
      return this.privacy;
    }

    renderPrivacyLink() {
      var urls = isObject(SETTINGS.privacy) ? SETTINGS.privacy : {};
      var url = typeof urls[lang] === "string" ? urls[lang] : "";
      var known = /^https?:\/\//i.test(url);
      this.privacy.hidden = !known;
      if (known) linkify(this.privacyLink, url);
    }

    buildChat() {
      var self = this;
      this.log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0", t: "aria-label:dialog" });
      this.typing = el("div", { class: "typing", hidden: true, "aria-hidden": "true" }, [el("span"), el("span"), el("span")]);
      this.status = el("p", { class: "status", role: "status", hidden: true });
      this.confirm = el("div", { class: "confirm", role: "alertdialog", "aria-labelledby": "sb-confirm", hidden: true }, [
        el("p", { id: "sb-confirm", t: "text:endConfirm" }),
        el("div", { class: "row" }, [
          el("button", { class: "secondary", type: "button", t: "text:yes", onclick: function () { self.end(); } }),
          el("button", { class: "secondary", type: "button", t: "text:no", onclick: function () { self.cancelEnd(); } })
        ])
      ]);
      this.hint = el("p", { id: "sb-hint", class: "hint", role: "note", hidden: true, t: "text:siteHealthHelp" });
      this.text = el("textarea", { id: "sb-text", rows: "1", maxlength: String(MAX_CHARS) });
      this.text.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); self.submit(); }
      });
      this.text.addEventListener("input", function () { self.onComposerInput(); });
      var form = el("form", { class: "composer", onsubmit: function (event) { event.preventDefault(); self.submit(); } }, [
        el("label", { class: "sr", for: "sb-text", t: "text:messageLabel" }), this.text,
        el("button", { class: "send", type: "submit", t: "aria-label:send" }, [icon("send")])
      ]);
      this.chat = el("section", { class: "view chat", hidden: true }, [
        this.log, this.typing, this.status, this.confirm, this.hint, form
      ]);
      this.renderComposer();
      return this.chat;
    }

    // -- the interface's language --------------------------------------------------------------
    setLanguage(code) {
      // The conversation's language, once known (the customer's words decide it), is the
      // interface's too: placeholder, buttons, labels and status lines follow it.
      var next = spoken(code);
      if (!next || next === lang) return;
      lang = next;
      if (this.conv && this.conv.lang !== next) { this.conv.lang = next; store.set("conversation", this.conv); }
      this.root.querySelectorAll("[data-t]").forEach(applyLabels);
      this.renderPrivacyLink();
      this.updateLauncher();
      this.renderSound();
      this.renderComposer();
      this.renderStatus();
      this.askButton.textContent = this.conv ? t("continueChat") : t("askQuestion");
    }

    renderComposer() {
      var email = this.route === "ask_email";
      this.text.setAttribute("inputmode", email ? "email" : "text");
      this.text.setAttribute("autocomplete", email ? "email" : "off");
      this.text.placeholder = email ? t("emailPlaceholder") : t("messagePlaceholder");
    }

    // -- opening, closing, keyboard -----------------------------------------------------------
    toggle() { if (this.panel.hidden) this.open(); else this.close(); }

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
      var view = window.visualViewport, style = this.panel.style;
      var small = window.matchMedia && matchMedia("(max-width: 480px)").matches;
      if (!view || !small || this.panel.hidden) {
        ["left", "top", "width", "height"].forEach(function (name) { style.removeProperty(name); });
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
      var focusable = Array.prototype.slice.call(this.panel.querySelectorAll(
        "button:not([disabled]),input,textarea,a[href],[tabindex]:not([tabindex='-1'])"
      )).filter(function (node) { return node.getClientRects().length > 0; });
      if (!focusable.length) return;
      var first = focusable[0], last = focusable[focusable.length - 1];
      var active = this.root.activeElement;
      if (event.shiftKey && (active === first || !this.panel.contains(active))) {
        event.preventDefault(); last.focus();
      } else if (!event.shiftKey && (active === last || !this.panel.contains(active))) {
        event.preventDefault(); first.focus();
      }
    }

    updateLauncher() {
      var open = !this.panel.hidden;
      this.launcher.setAttribute("aria-expanded", String(open));
      var label = open ? t("closeChat") : t("openChat");
      if (this.unread) label += " (" + t("unread", { n: this.unread }) + ")";
      this.launcher.setAttribute("aria-label", label);
      this.launcher.replaceChildren(icon(open ? "close" : "chat"), this.badge);
      this.badge.hidden = !this.unread;
      this.badge.textContent = this.unread > 9 ? "9+" : String(this.unread);
    }

    toggleMenu(force) {
      var show = force === undefined ? this.menu.hidden : force;
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
      this.askButton.textContent = this.conv ? t("continueChat") : t("askQuestion");
      if (!this.panel.hidden) this.search.focus();
    }

    showChat() {
      this.home.hidden = true;
      this.chat.hidden = false;
      this.backButton.hidden = false;
      if (!this.log.childNodes.length) this.renderMessage({ role: "bot", text: options.greeting || t("greeting") });
      this.scrollDown();
      if (this.readFrom && this.log.contains(this.readFrom)) this.showFrom(this.readFrom);
      if (!this.panel.hidden) this.text.focus();
    }

    // -- FAQ search ---------------------------------------------------------------------------
    onSearchInput() {
      var self = this;
      clearTimeout(this.searchTimer);
      this.searchTimer = setTimeout(function () { self.runSearch(self.search.value.trim().slice(0, SEARCH_CHARS)); }, 250);
    }

    runSearch(query) {
      var self = this;
      if (this.searching) this.searching.abort();
      this.answer.hidden = true;
      if (query.length < 2) { this.results.replaceChildren(); this.resultsStatus.textContent = ""; return; }
      this.searching = new AbortController();
      var params = "?q=" + encodeURIComponent(query) + "&lang=" + lang +
        (options.product ? "&product=" + encodeURIComponent(options.product) : "");
      request("GET", "/api/faq/search" + params, undefined, null, this.searching.signal).then(function (data) {
        var found = Array.isArray(data.results) ? data.results.filter(isObject) : [];
        self.results.replaceChildren.apply(self.results, found.map(function (hit) {
          return el("li", {}, [el("button", {
            type: "button", text: String(hit.question || ""), onclick: function () { self.showAnswer(hit); }
          })]);
        }));
        self.resultsStatus.textContent = found.length ? t("resultsCount", { n: found.length }) : t("noResults");
      }).catch(function (error) {
        if (error.name !== "AbortError") self.resultsStatus.textContent = t("error");
      });
    }

    showAnswer(hit) {
      var self = this;
      this.answer.replaceChildren(
        el("h3", { text: String(hit.question || "") }),
        el("div", { class: "bubble" }, [safeFragment(hit.html || "")]),
        el("div", { class: "row" }, [
          el("button", { class: "secondary", type: "button", text: t("helped"), onclick: function () {
            self.answer.hidden = true;
            self.homeNotice.textContent = t("gladToHelp");
            self.search.focus();
          } }),
          el("button", { class: "secondary", type: "button", text: t("notHelped"), onclick: function () {
            self.showChat();
            self.text.value = self.search.value.trim();
          } })
        ])
      );
      this.answer.hidden = false;
      this.answer.focus();
    }

    onSearchPaste(event) {
      // A pasted error or Site Health report is a message, not a search: it goes to the chat
      // composer whole (an <input> would also drop its line breaks), after what was typed.
      var pasted = event.clipboardData ? event.clipboardData.getData("text/plain") : "";
      var input = this.search, value = input.value;
      var start = input.selectionStart == null ? value.length : input.selectionStart;
      var end = input.selectionEnd == null ? value.length : input.selectionEnd;
      if (!/[\r\n]/.test(pasted) && value.length - (end - start) + pasted.length <= SEARCH_CHARS) return;
      event.preventDefault();
      var text = (value.slice(0, start) + pasted + value.slice(end)).slice(0, MAX_CHARS);
      input.value = "";
      this.runSearch("");
      this.showChat();
      this.text.value = this.text.value ? this.text.value + "\n" + text : text;
      this.onComposerInput();
      this.text.focus();
      this.text.selectionStart = this.text.selectionEnd = this.text.value.length;
    }

    ask() {
      var query = this.search.value.trim();
      this.search.value = "";
      this.showChat();
      if (query && !this.conv) this.sendText(query);
      else if (query) this.text.value = query;
    }

    // -- the conversation -----------------------------------------------------------------------
    restore() {
      var self = this;
      if (!this.conv) { if (this.outbox.length) this.startConversation(); return; }
      this.setLanguage(this.conv.lang);  // as it was, at once: the transcript confirms it
      this.sync().then(function () { if (self.conv) self.connection.open(self.conv); });
    }

    onOtherTab(event) {
      // Another tab of the same site started or ended the conversation: follow it.
      if (event.key !== KEY + "conversation") return;
      var conv = store.get("conversation");
      if (!conv && this.conv) this.forget();
      else if (conv && !this.conv) {
        this.conv = conv;
        var self = this;
        this.sync().then(function () { if (self.conv) self.connection.open(self.conv); });
      }
    }

    startConversation() {
      var self = this;
      if (this.starting) return this.starting;
      var body = { language: lang };
      if (options.product) body.product = options.product;
      if (options.product && options.version) body.version = options.version;
      if (options.licenceHash) { body.licence_hash = options.licenceHash; body.licence_last4 = options.licenceLast4; }
      var zone = browserTimeZone();  // the ticket's due time is told on the customer's clock
      if (zone) body.time_zone = zone;
      this.starting = request("POST", "/api/conversations", body).then(function (data) {
        self.conv = { id: String(data.conversation_id), token: String(data.token) };
        store.set("conversation", self.conv);
        if (isObject(data.state)) self.setLanguage(data.state.language);
        self.renderAll(Array.isArray(data.messages) ? data.messages : []);
        self.connection.open(self.conv);
        self.useHttp = false;
      }).catch(function (error) {
        if (error.status === 400 && (body.product || body.licence_hash)) {
          // A product or version this server does not know (a renamed product, an old plugin):
          // chat without the preselection rather than not at all.
          options.product = options.version = options.licenceHash = null;
          self.starting = null;
          return self.startConversation();
        }
        self.onStatus(navigator.onLine === false ? "offline" : "reconnecting");
        setTimeout(function () { self.starting = null; if (self.outbox.length) self.startConversation(); }, 5000);
      }).finally(function () { self.starting = null; self.pump(); });
      return this.starting;
    }

    sync() {
      // The server is the source of truth: re-read the transcript and draw it again.
      var self = this;
      if (!this.conv) return Promise.resolve();
      return request("GET", conversationPath(this.conv), undefined, this.conv.token).then(function (data) {
        if (isObject(data.state)) self.setLanguage(data.state.language);
        if (data.ticket) self.ticket = data.ticket;
        self.renderAll(Array.isArray(data.messages) ? data.messages : []);
      }).catch(function (error) {
        if (error.status === 404 || error.status === 401) self.forget();
      });
    }

    onReady(state) {
      this.setLanguage(state.language);
      this.onStatus("ready");
      this.httpOk = undefined;
      this.useHttp = false;
      clearInterval(this.pollTimer);
      var behind = typeof state.last_seq === "number" && state.last_seq !== this.lastSeq;
      var self = this;
      (behind ? this.sync() : Promise.resolve()).then(function () {
        self.inflight = null;  // whatever was in flight is re-sent; its client_id makes that safe
        self.pump();
      });
    }

    onStatus(name) {
      this.socketStatus = name;
      if (name === "reconnecting" && this.conv) this.fallBackToHttp();
      this.renderStatus();
    }

    renderStatus() {
      // Quiet while the socket connects, or while plain HTTP carries the conversation fine.
      var name = navigator.onLine === false ? "offline" : this.socketStatus;
      var text = "";
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
      var self = this;
      clearInterval(this.pollTimer);
      this.pollTimer = setInterval(function () { self.poll(); }, 5000);
      this.poll();
      this.pump();
    }

    poll() {
      var self = this;
      if (!this.useHttp || !this.conv || navigator.onLine === false) return;
      request("GET", conversationPath(this.conv, "?after=" + this.lastSeq), undefined, this.conv.token).then(function (data) {
        self.httpWorked(true);
        var fresh = Array.isArray(data.messages) ? data.messages.filter(isObject) : [];
        if (fresh.some(function (m) { return m.role === "customer"; })) return self.sync();
        var first = null;
        fresh.forEach(function (m) { var node = self.appendMessage(m, true); first = first || node; });
        if (first) self.showFrom(first);
      }).catch(function (error) {
        if (error.status === 404 || error.status === 401) self.forget();
        else if (!error.status) self.httpWorked(false);
      });
    }

    onFrame(frame) {
      if (frame.type === "turn") this.onTurn(frame);
      else if (frame.type === "staff_message") { this.hideTyping(); this.showFrom(this.appendMessage(frame, true)); }
      else if (frame.type === "typing") this.showTyping(frame.who === "staff" ? 8000 : 20000);
      else if (frame.type === "ticket_update") this.onTicket(frame);
      else if (frame.type === "sync") { if (frame.last_seq !== this.lastSeq) this.sync(); }
      else if (frame.type === "ended") this.forget(t("ended"));
      else if (frame.type === "error") this.onError(frame);
    }

    onTurn(turn) {
      this.hideTyping();
      var item = this.takeOutbox(turn.client_id);
      if (item) this.markSent(item);
      var messages = Array.isArray(turn.messages) ? turn.messages.filter(isObject) : [];
      var self = this, first = null;
      messages.forEach(function (m) { var node = self.appendMessage(m, true); first = first || node; });
      this.showFrom(first || null);
      this.route = typeof turn.route === "string" ? turn.route : null;
      if (isObject(turn.state)) this.setLanguage(turn.state.language);
      this.renderComposer();
      if (isObject(turn.ticket)) this.onTicket(turn.ticket, true);
      this.pump();
    }

    onTicket(ticket, quiet) {
      var known = this.ticket && this.ticket.number === ticket.number && this.ticket.status === ticket.status;
      this.ticket = { number: String(ticket.number || ""), status: String(ticket.status || "") };
      if (known || quiet || !ticket.number) return;
      var status = { open: t("ticketOpen"), waiting: t("ticketWaiting"), resolved: t("ticketResolved") }[ticket.status];
      var line = el("p", { class: "system", text: t("ticket", { number: ticket.number, status: status || ticket.status }) });
      keepTogether(line);
      this.log.appendChild(line);
      this.scrollDown();
    }

    onError(frame) {
      var item = this.inflight && frame.client_id === this.inflight.client_id ? this.inflight : null;
      if (!item) return;
      this.inflight = null;
      this.hideTyping();
      var self = this;
      if (frame.error === "rate_limited") {
        setTimeout(function () { self.pump(); }, 1000 * Math.max(1, Number(frame.retry_after) || 3));
        this.say(t("tooFast"));
        return;
      }
      if (frame.error === "internal_error") {  // the server's fault: keep it, with a retry button
        this.setAside(item);
        this.pump();
        return;
      }
      this.takeOutbox(item.client_id);
      this.markFailed(item, frame.error === "text_too_long" ? t("tooLong") : t("error"));
      this.pump();
    }

    // -- sending: an outbox kept in localStorage, so nothing typed offline is lost --------------
    // Site Health: the customer pastes Tools > Site Health > Info > "Copy site info to clipboard"
    pasteSiteHealth() {
      this.showChat();
      this.hint.hidden = false;
      this.text.rows = 6;
      this.text.setAttribute("aria-describedby", "sb-hint");
      this.text.focus();
    }

    submit() {
      var text = this.text.value.trim();
      if (!text) return;
      this.hint.hidden = true;
      this.text.rows = 1;
      this.text.removeAttribute("aria-describedby");
      this.text.value = "";
      this.onComposerInput();
      this.sendText(text);
    }

    sendText(text) {
      this.readFrom = null;  // the customer's own message is read at the bottom
      var item = { client_id: newId(), text: text.slice(0, MAX_CHARS) };
      this.outbox.push(item);
      store.set("outbox", this.outbox);
      this.renderPending(item);
      this.disableQuickReplies();
      if (!this.conv) this.startConversation(); else this.pump();
    }

    pump() {
      // The oldest message not set aside: one the server kept failing on waits for its retry button.
      var item = this.outbox.find(function (queued) { return !queued.failed; });
      if (this.inflight || !item || !this.conv) return;
      var frame = { type: "message", text: item.text, client_id: item.client_id };
      if (this.connection.send(frame)) {
        this.inflight = item;
        this.showTyping(30000);
        // No answer in time (a frame lost on the way): send it again; its client_id makes
        // the server answer the first copy instead of storing a second one.
        var self = this;
        clearTimeout(this.inflightTimer);
        this.inflightTimer = setTimeout(function () {
          if (self.inflight === item) { self.inflight = null; self.pump(); }
        }, 30000);
      } else if (this.useHttp && navigator.onLine !== false) {
        this.inflight = item;
        this.showTyping(30000);
        this.postOverHttp(item);
      }
    }

    postOverHttp(item) {
      var self = this;
      request("POST", conversationPath(this.conv, "/messages"), { text: item.text, client_id: item.client_id }, this.conv.token)
        .then(function (turn) {
          self.httpWorked(true);
          if (self.inflight !== item) return;
          self.inflight = null;
          turn.client_id = item.client_id;
          self.onTurn(turn);
        })
        .catch(function (error) {
          if (self.inflight !== item) return;
          if (error.status && error.status < 500 && error.status !== 429) {
            self.onError({ client_id: item.client_id, error: error.code });
          } else if (error.status >= 500 && self.countServerError(item) >= MAX_SERVER_ERRORS) {
            self.inflight = null;
            self.hideTyping();
            self.setAside(item);
            self.pump();
          } else {
            self.inflight = null;
            if (!error.status) self.httpWorked(false);
            var wait = error.status === 429 ? Math.max(error.retryAfter, 1) * 1000 : 4000;
            setTimeout(function () { self.pump(); }, wait);
          }
        });
    }

    countServerError(item) {
      // Kept in the stored outbox, so a reload carries on counting instead of starting over.
      item.serverErrors = (item.serverErrors || 0) + 1;
      store.set("outbox", this.outbox);
      return item.serverErrors;
    }

    setAside(item) {
      item.failed = true;
      store.set("outbox", this.outbox);
      this.markFailed(item, t("error"), true);
      this.say(t("failed") + ": " + t("error"));
    }

    retry(item) {
      // Sent again after whatever went out meanwhile: it moves to the end of the queue and the log.
      var index = this.outbox.findIndex(function (queued) { return queued.client_id === item.client_id; });
      if (index < 0) return;
      item = this.outbox.splice(index, 1)[0];
      item.failed = false;
      item.serverErrors = 0;
      this.outbox.push(item);
      store.set("outbox", this.outbox);
      var node = this.pendingNode(item);
      if (node) node.remove();
      this.renderPending(item);
      this.pump();
    }

    takeOutbox(clientId) {
      var index = this.outbox.findIndex(function (item) { return item.client_id === clientId; });
      if (index < 0) return null;
      var item = this.outbox.splice(index, 1)[0];
      store.set("outbox", this.outbox);
      if (this.inflight && this.inflight.client_id === clientId) this.inflight = null;
      return item;
    }

    onComposerInput() {
      this.text.style.height = "auto";
      this.text.style.height = Math.min(this.text.scrollHeight, 120) + "px";
      var now = Date.now();
      if (this.text.value && now - (this.typingSent || 0) > 3000) {
        this.typingSent = now;
        this.connection.send({ type: "typing" });
      }
    }

    // -- drawing messages -----------------------------------------------------------------------
    renderAll(messages) {
      var self = this;
      this.log.replaceChildren();
      this.lastSeq = 0;
      messages.filter(isObject).forEach(function (m) { self.appendMessage(m, false); });
      this.outbox.forEach(function (item) {
        self.renderPending(item);
        if (item.failed) self.markFailed(item, t("error"), true);
      });
      this.disableQuickReplies(true);
    }

    appendMessage(m, notify) {
      // the node drawn for the first new bot or staff message, if any
      var seq = typeof m.seq === "number" ? m.seq : 0;
      if (seq && seq <= this.lastSeq) return null;  // already drawn (a replayed turn, a poll)
      if (seq) this.lastSeq = seq;
      this.disableQuickReplies();
      var node = this.renderMessage(m);
      if (m.role === "customer") return null;
      if (notify) this.notify(m.role === "staff" ? t("staff") : t("bot"));
      return node;
    }

    renderMessage(m) {
      var role = m.role === "customer" || m.role === "staff" ? m.role : "bot";
      var bubble = el("div", { class: "bubble" });
      if (role !== "customer" && typeof m.html === "string" && m.html) bubble.appendChild(safeFragment(m.html));
      else bubble.textContent = String(m.text || "");
      if (role !== "customer") keepTogether(bubble);
      var node = el("div", { class: "msg " + role }, [
        el("span", { class: role === "customer" ? "sr" : "who", t: "text:" + (role === "customer" ? "you" : role) }),
        bubble, this.renderLinks(m.links, bubble), this.renderQuickReplies(m.quick_replies)
      ]);
      if (typeof m.created_at === "string") node.title = localTime(m.created_at);
      this.log.appendChild(node);
      this.scrollDown();
      return node;
    }

    renderLinks(links, bubble) {
      // a link the message already shows in its text is not listed again below it
      var shown = {};
      Array.prototype.forEach.call(bubble ? bubble.querySelectorAll("a[href]") : [], function (a) {
        shown[a.getAttribute("href")] = true;
      });
      var valid = Array.isArray(links) ? links.filter(function (l) {
        return isObject(l) && typeof l.url === "string" && !shown[l.url];
      }) : [];
      if (!valid.length) return null;
      return el("ul", { class: "links", "aria-label": t("links") }, valid.map(function (link) {
        return el("li", {}, [linkify(el("a", { text: String(link.title || link.url) }), link.url)]);
      }));
    }

    renderQuickReplies(replies) {
      var self = this;
      var texts = strings(replies).slice(0, 8);
      if (!texts.length) return null;
      return el("div", { class: "row quick", role: "group", "aria-label": t("quickReplies") }, texts.map(function (text) {
        return el("button", { class: "secondary", type: "button", text: text, onclick: function () { self.sendText(text); } });
      }));
    }

    disableQuickReplies(keepLast) {
      // Only the newest bot message's quick replies still make sense.
      var groups = this.log.querySelectorAll(".quick");
      Array.prototype.forEach.call(groups, function (group, index) {
        if (keepLast && index === groups.length - 1) return;
        group.remove();
      });
    }

    renderPending(item) {
      var node = this.renderMessage({ role: "customer", text: item.text });
      node.dataset.clientId = item.client_id;
      node.appendChild(el("span", { class: "meta", text: t("sending") }));
    }

    pendingNode(item) {
      var found = null;
      Array.prototype.forEach.call(this.log.querySelectorAll(".msg.customer"), function (node) {
        if (node.dataset.clientId === item.client_id) found = node;
      });
      return found;
    }

    markSent(item) {
      var node = this.pendingNode(item);
      var meta = node && node.querySelector(".meta");
      if (meta) meta.remove();
    }

    markFailed(item, why, retryable) {
      var node = this.pendingNode(item);
      if (!node) return;
      node.classList.add("failed");
      node.querySelector(".meta").textContent = t("failed") + ": " + why;
      if (!retryable) return;
      var self = this;
      node.appendChild(el("button", {
        class: "secondary retry", type: "button", text: t("retry"), onclick: function () { self.retry(item); }
      }));
    }

    say(text) {
      this.live.textContent = text;
    }

    showTyping(ms) {
      var self = this;
      this.typing.hidden = false;
      this.scrollDown();
      clearTimeout(this.typingTimer);
      this.typingTimer = setTimeout(function () { self.hideTyping(); }, ms);
    }

    hideTyping() {
      clearTimeout(this.typingTimer);
      this.typing.hidden = true;
    }

    scrollDown() {
      this.log.scrollTop = this.log.scrollHeight;
    }

    showFrom(node) {
      // A new answer is read from its start: a long one (a changelog, a checklist) would
      // otherwise open at its end, below the request it makes. Also when it arrives closed.
      this.readFrom = node || null;
      if (node && !this.panel.hidden && !this.chat.hidden) {
        var log = this.log;
        log.scrollTop += node.getBoundingClientRect().top - log.getBoundingClientRect().top - 8;
      }
    }

    notify(who) {
      if (this.panel.hidden || document.hidden) {
        this.unread += 1;
        this.updateLauncher();
        this.say(t("newMessage", { who: who }));
        if (this.sound) this.beep();
      }
    }

    beep() {
      try {
        var Audio = window.AudioContext || window.webkitAudioContext;
        this.audio = this.audio || new Audio();
        var osc = this.audio.createOscillator(), gain = this.audio.createGain();
        osc.frequency.value = 880;
        gain.gain.value = 0.05;
        osc.connect(gain).connect(this.audio.destination);
        osc.start();
        osc.stop(this.audio.currentTime + 0.12);
      } catch (e) { /* no audio: the badge is enough */ }
    }

    // -- transcript and ending --------------------------------------------------------------------
    download() {
      var self = this, conv = this.conv;
      if (!conv) return;
      request("GET", conversationPath(conv), undefined, conv.token).then(function (data) {
        var names = { customer: t("you"), bot: t("bot"), staff: t("staff") };
        var lines = [t("transcript", { id: conv.id }), ""];
        (Array.isArray(data.messages) ? data.messages : []).filter(isObject).forEach(function (m) {
          var when = typeof m.created_at === "string" ? localTime(m.created_at) + " " : "";
          lines.push(when + (names[m.role] || m.role) + ": " + String(m.text || ""), "");
        });
        var blob = new Blob([lines.join("\n")], { type: "text/plain;charset=utf-8" });
        var link = el("a", { href: URL.createObjectURL(blob), download: "transcript-" + conv.id + ".txt" });
        self.root.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
      }).catch(function () {});
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
      var conv = this.conv;
      this.confirm.hidden = true;
      if (!conv) return;
      if (!this.connection.send({ type: "end" })) {
        request("POST", conversationPath(conv, "/end"), {}, conv.token).catch(function () {});
      }
      this.forget(t("ended"));
    }

    forget(notice) {
      this.connection.close();
      clearInterval(this.pollTimer);
      this.conv = null;
      this.ticket = null;
      this.outbox = [];
      this.inflight = null;
      this.useHttp = false;
      store.remove("conversation");
      store.remove("outbox");
      this.log.replaceChildren();
      this.lastSeq = 0;
      this.status.hidden = true;
      this.hideTyping();
      this.homeNotice.textContent = notice || "";
      this.showHome();
    }
  }

  if (!customElements.get(TAG)) customElements.define(TAG, SupportbotWidget);

  function mount() {
    var widget = document.querySelector(TAG) || document.body.appendChild(document.createElement(TAG));
    window[NAMESPACE] = Object.freeze({
      version: VERSION,
      open: function () { widget.open(); },
      // Send `text` as the customer's message (the connector's "Share my site information").
      send: function (text) { widget.open(); widget.showChat(); widget.sendText(String(text)); },
      close: function () { widget.close(); },
      toggle: function () { widget.toggle(); }
    });
  }

  window[NAMESPACE] = { version: VERSION };  // claimed now, so a second copy stops early
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
