// -- the interface's texts -------------------------------------------------------------------
// The server replaces the three blocks below, between their begin/end comments, with every
// configured language from its catalogs (bot/channels/widget/strings.py). The English table
// stays here so the script also works without that.
const STRINGS = /*strings:begin*/{
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
const SETTINGS = /*settings:begin*/{}/*settings:end*/;
// Per language, the gettext plural form for n = 0..199 (one digit each), from the catalogs'
// Plural-Forms; larger n use 100 + n % 100, which every gettext rule treats alike.
const PLURALS = /*plurals:begin*/{"en": "10111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111"}/*plurals:end*/;

let lang = "nl"; // the interface's language: the tag's at start-up, then the conversation's

function spoken(hint) {
  const code = String(hint || "").slice(0, 2).toLowerCase();
  return Object.prototype.hasOwnProperty.call(STRINGS, code) ? code : null;
}

function pickLanguage(wanted, fixed) {
  // The visitor's own first language wins when we speak it, unless the tag insists
  // (data-lang-fixed); then the tag's language, the page's, the visitor's others, Dutch.
  const browser = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
  const site = spoken(wanted);
  if (site && fixed) return site;
  const hints = [browser[0], site, document.documentElement.lang, ...Array.from(browser).slice(1)];
  const found = hints.find((hint) => spoken(hint));
  return found ? spoken(found) : "nl";
}

function pluralIndex(n) {
  const rule = PLURALS[lang] || PLURALS.en || "";
  const digit = parseInt(rule.charAt(n < 200 ? n : 100 + n % 100), 10);
  return isNaN(digit) ? (n === 1 ? 0 : 1) : digit;
}

function t(key, vars) {
  let text = (STRINGS[lang] || {})[key] || STRINGS.en[key] || key;
  if (Array.isArray(text)) text = text[Math.min(pluralIndex(Number(vars && vars.n) || 0), text.length - 1)];
  return String(text).replace(/\{(\w+)\}/g, (all, name) => (vars && vars[name] != null ? String(vars[name]) : all));
}

// Nodes say which of their texts are translated: data-t="text:title,aria-label:back". When the
// conversation's language becomes known, every such text is set again in that language.
function applyLabels(node) {
  String(node.dataset.t || "").split(",").forEach((pair) => {
    const parts = pair.split(":");
    if (parts.length !== 2) return;
    if (parts[0] === "text") node.textContent = t(parts[1]);
    else node.setAttribute(parts[0], t(parts[1]));
  });
}

function localTime(iso) {
  // a stored UTC time, in the customer's time zone and language
  const when = new Date(String(iso));
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
