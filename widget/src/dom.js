// -- building nodes, and server HTML made safe ---------------------------------------------------
function el(tag, attrs, children) {
  const node = document.createElement(tag);
  Object.keys(attrs || {}).forEach((name) => {
    const value = attrs[name];
    if (value === null || value === undefined || value === false) return;
    if (name === "text") node.textContent = value;
    else if (name === "t") { node.dataset.t = value; applyLabels(node); }
    else if (name.slice(0, 2) === "on") node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  });
  (children || []).forEach((child) => { if (child) node.appendChild(child); });
  return node;
}

function icon(name) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.innerHTML = ICONS[name]; // our own constant markup, never server data
  return svg;
}

// The server sends sanitised HTML; it is cleaned again here (defence in depth), inside an
// inert <template> so nothing in it runs or loads while it is being checked.
const ALLOWED = new Set(["P", "BR", "A", "STRONG", "EM", "B", "I", "CODE", "PRE", "UL", "OL", "LI", "BLOCKQUOTE", "H3", "H4"]);
const DROPPED = new Set(["SCRIPT", "STYLE", "IFRAME", "OBJECT", "EMBED", "TEMPLATE", "SVG", "MATH", "NOSCRIPT", "TEXTAREA", "TITLE"]);

function safeFragment(html) {
  const template = document.createElement("template");
  template.innerHTML = String(html);
  cleanTree(template.content);
  return template.content;
}

function cleanTree(parent) {
  Array.from(parent.childNodes).forEach((node) => {
    if (node.nodeType === 3) return;
    const name = node.nodeType === 1 ? node.nodeName.toUpperCase() : "";
    if (!name || DROPPED.has(name)) { node.remove(); return; }
    cleanTree(node);
    if (!ALLOWED.has(name)) { node.replaceWith(...node.childNodes); return; }
    Array.from(node.attributes).forEach((attr) => {
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
const CODE = /\b[A-Z][A-Z0-9]{1,9}-\d+\b/g;

function keepTogether(root) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const texts = [];
  while (walker.nextNode()) texts.push(walker.currentNode);
  texts.forEach((node) => {
    const value = node.nodeValue;
    const parts = [];
    let last = 0;
    value.replace(CODE, (code, at) => {
      parts.push(document.createTextNode(value.slice(last, at)), el("span", { class: "nb", text: code }));
      last = at + code.length;
    });
    if (!parts.length) return;
    parts.push(document.createTextNode(value.slice(last)));
    node.replaceWith(...parts);
  });
}

function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function strings(value) {
  return Array.isArray(value) ? value.filter((v) => typeof v === "string") : [];
}
