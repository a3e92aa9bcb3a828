// Supportbot staff console: live updates over /staff/ws, countdowns, canned replies, keys.
// No inline scripts (CSP); everything the server sends is inserted as text or as HTML the
// server rendered and escaped itself.
(function () {
  "use strict";

  var body = document.body;
  var csrf = body.getAttribute("data-csrf") || "";
  var me = body.getAttribute("data-me") || "";
  var lang = document.documentElement.lang || "nl";
  var ticketEl = document.getElementById("ticket");
  var rowsEl = document.getElementById("queue-rows");
  var socket = null;
  var retry = 1000;

  // -- helpers --------------------------------------------------------------------------------
  function fetchText(url, accept) {
    return fetch(url, {
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": accept || "text/html" }
    }).then(function (response) {
      if (response.status === 401) { window.location.assign(body.getAttribute("data-login")); }
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.text();
    });
  }

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function typingTarget(event) {
    var el = event.target;
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  // -- countdowns -----------------------------------------------------------------------------
  var relative = window.Intl && Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat(lang, { numeric: "always" }) : null;

  function humanise(seconds) {
    var abs = Math.abs(seconds);
    if (abs >= 2 * 86400) { return relative.format(Math.round(seconds / 86400), "day"); }
    if (abs >= 3600) { return relative.format(Math.round(seconds / 3600), "hour"); }
    return relative.format(Math.round(seconds / 60), "minute");
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("time.due").forEach(function (el) {
      var left = (Date.parse(el.getAttribute("datetime")) - now) / 1000;
      var soon = Number(el.getAttribute("data-soon")) || 21600;
      el.classList.toggle("due-overdue", left < 0);
      el.classList.toggle("due-soon", left >= 0 && left < soon);
      el.classList.toggle("due-ok", left >= soon);
      var text = el.querySelector(".due-text");
      if (relative && text) { text.textContent = humanise(left); }
    });
  }

  // -- the socket -----------------------------------------------------------------------------
  function connect() {
    // the server may write ws://...; the page's own scheme decides (a TLS proxy in front)
    var url = new URL(body.getAttribute("data-socket"), location.href);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    url.host = location.host;
    socket = new WebSocket(url.href);
    socket.addEventListener("open", function () {
      retry = 1000;
      document.getElementById("live-status").hidden = true;
      if (ticketEl) { send({ type: "watch", ticket: ticketEl.getAttribute("data-ticket") }); }
      // whatever happened before the socket listened (page load, a reconnect) is read now
      if (rowsEl) { refreshQueue(); }
      if (ticketEl) { appendLines(); }
    });
    socket.addEventListener("message", function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (frame && typeof frame.type === "string") { receive(frame); }
    });
    socket.addEventListener("close", function (event) {
      socket = null;
      if (event.code === 4401) { window.location.assign(body.getAttribute("data-login")); return; }
      document.getElementById("live-status").hidden = false;
      // a refused handshake (logged out) looks like a close too: ask the server once
      fetchText(body.getAttribute("data-whoami"), "application/json").catch(function () {});
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    });
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(frame)); }
  }

  function receive(frame) {
    if (frame.type === "queue") { if (rowsEl) { refreshQueue(); } }
    else if (frame.type === "messages") { appendLines(); }
    else if (frame.type === "ticket_update") { ticketChanged(frame); }
    else if (frame.type === "viewers") { showViewers(frame.viewers || []); }
    else if (frame.type === "typing" && frame.who === "customer") { customerTyping(); }
    else if (frame.type === "error" && frame.error === "unauthorized") {
      window.location.assign(body.getAttribute("data-login"));
    }
  }

  // -- the queue ------------------------------------------------------------------------------
  var refreshQueue = debounce(function () {
    var before = {};
    rowsEl.querySelectorAll("tr[data-number]").forEach(function (row) { before[row.getAttribute("data-number")] = true; });
    var selected = selectedNumber();
    fetchText(rowsEl.getAttribute("data-rows")).then(function (html) {
      rowsEl.innerHTML = html;  // rendered and escaped by the server
      var counts = rowsEl.querySelector("#queue-counts");
      document.querySelectorAll("aside.views a[data-view] .count").forEach(function (count) {
        var value = counts && counts.getAttribute("data-" + count.parentNode.getAttribute("data-view"));
        if (value !== null && value !== undefined) { count.textContent = value; }
      });
      rowsEl.querySelectorAll("tr[data-number]").forEach(function (row) {
        var number = row.getAttribute("data-number");
        if (!before[number]) { row.classList.add("fresh"); }
        if (number === selected) { row.classList.add("selected"); }
      });
      tick();
    }).catch(function () {});
  }, 700);

  function queueRows() { return rowsEl ? Array.prototype.slice.call(rowsEl.querySelectorAll("tr[data-number]")) : []; }
  function selectedNumber() {
    var row = rowsEl && rowsEl.querySelector("tr.selected");
    return row ? row.getAttribute("data-number") : null;
  }

  function moveSelection(step) {
    var rows = queueRows();
    if (!rows.length) { return; }
    var index = rows.findIndex(function (row) { return row.classList.contains("selected"); });
    var next = Math.max(0, Math.min(rows.length - 1, index + step));
    rows.forEach(function (row) { row.classList.remove("selected"); });
    rows[next].classList.add("selected");
    rows[next].scrollIntoView({ block: "nearest" });
  }

  // -- the ticket -----------------------------------------------------------------------------
  var transcript = document.getElementById("transcript");
  var seenSeq = document.getElementById("seen-seq");
  var loading = false, again = false, colleagueReplied = false;

  function lastSeq() {
    var lines = transcript ? transcript.querySelectorAll("li[data-seq]") : [];
    return lines.length ? Number(lines[lines.length - 1].getAttribute("data-seq")) : 0;
  }

  function appendLines() {
    if (!ticketEl || !transcript) { return; }
    if (loading) { again = true; return; }
    loading = true;
    var url = ticketEl.getAttribute("data-lines") + "?after=" + lastSeq();
    fetchText(url).then(function (html) {
      var holder = document.createElement("ol");
      holder.innerHTML = html;  // rendered and escaped by the server
      Array.prototype.slice.call(holder.children).forEach(function (line) {
        if (Number(line.getAttribute("data-seq")) <= lastSeq()) { return; }
        var otherStaff = line.getAttribute("data-role") === "staff" && line.getAttribute("data-staff") !== me;
        transcript.appendChild(line);
        if (otherStaff) { colleagueReplied = true; }
        else if (seenSeq && !colleagueReplied) { seenSeq.value = line.getAttribute("data-seq"); }
      });
      // a colleague's reply is not marked as seen: sending now is refused, and the page reloads
      // with the reply in it and the draft kept
      if (colleagueReplied) { document.getElementById("collision-banner").hidden = false; }
      if (transcript.lastElementChild) { transcript.lastElementChild.scrollIntoView({ block: "nearest" }); }
    }).catch(function () {}).then(function () {
      loading = false;
      if (again) { again = false; appendLines(); }
    });
  }

  function ticketChanged(frame) {
    var status = document.getElementById("ticket-status");
    if (!status || typeof frame.status !== "string") { return; }
    if (frame.by === "customer") {
      // the customer's reply reopened it: nothing to reload, the new line is in the transcript
      var labels = JSON.parse(status.getAttribute("data-labels") || "{}");
      status.className = status.className.replace(/\bstatus-\w+/, "status-" + frame.status);
      status.textContent = labels[frame.status] || frame.status;
    } else if (!frame.mine) {
      document.getElementById("changed-banner").hidden = false;  // a colleague's change
    }
  }

  function showViewers(viewers) {
    var el = document.getElementById("viewers");
    if (!el) { return; }
    var replying = el.getAttribute("data-replying");
    var names = viewers.map(function (v) { return v.name + (v.replying ? " (" + replying + "…)" : ""); });
    el.textContent = names.length ? el.getAttribute("data-prefix") + " " + names.join(", ") : "";
  }

  var typingTimer = null;
  function customerTyping() {
    var el = document.getElementById("customer-typing");
    if (!el) { return; }
    el.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { el.hidden = true; }, 6000);
  }

  // -- canned replies -------------------------------------------------------------------------
  function setupCanned() {
    var input = document.getElementById("canned-q");
    var list = document.getElementById("canned-results");
    var text = document.getElementById("reply-text");
    if (!input || !list || !text) { return; }
    var search = debounce(function () {
      var url = ticketEl.getAttribute("data-canned") + "?q=" + encodeURIComponent(input.value);
      fetchText(url, "application/json").then(function (raw) {
        var data = JSON.parse(raw);
        list.textContent = "";
        (data.results || []).forEach(function (item) {
          var li = document.createElement("li");
          var button = document.createElement("button");
          button.type = "button";
          var kind = document.createElement("span");
          kind.className = "kind";
          kind.textContent = item.kind === "faq" ? "FAQ" : "✓";
          button.appendChild(kind);
          button.appendChild(document.createTextNode(item.title));
          button.addEventListener("click", function () { insert(text, item.body); list.textContent = ""; input.value = ""; });
          li.appendChild(button);
          list.appendChild(li);
        });
      }).catch(function () {});
    }, 200);
    input.addEventListener("input", search);
    input.addEventListener("focus", search);
    if (input.value) { search(); }  // typed before this script ran (a slow page load)
  }

  function insert(textarea, value) {
    var start = textarea.selectionStart || 0, end = textarea.selectionEnd || 0;
    textarea.value = textarea.value.slice(0, start) + value + textarea.value.slice(end);
    textarea.focus();
    textarea.selectionStart = textarea.selectionEnd = start + value.length;
  }

  // -- forms and keys -------------------------------------------------------------------------
  function setupForms() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
    var reply = document.getElementById("reply-text");
    if (reply) {
      reply.addEventListener("input", function () { send({ type: "typing" }); });
      reply.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          reply.form.requestSubmit();
        }
      });
    }
  }

  document.addEventListener("keydown", function (event) {
    if (typingTarget(event) || event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (rowsEl) {
      if (event.key === "j") { moveSelection(1); }
      else if (event.key === "k") { moveSelection(-1); }
      else if (event.key === "Enter" || event.key === "o") {
        var row = rowsEl.querySelector("tr.selected a");
        if (row) { row.click(); }
      } else if (event.key === "/") {
        event.preventDefault();
        document.getElementById("q").focus();
      }
    } else if (ticketEl) {
      if (event.key === "r") { event.preventDefault(); document.getElementById("reply-text").focus(); }
      else if (event.key === "n") { event.preventDefault(); document.getElementById("note-text").focus(); }
      else if (event.key === "c") {
        var claim = document.getElementById("claim-button");
        if (claim) { claim.click(); }
      }
    }
  });

  setupForms();
  setupCanned();
  tick();
  setInterval(tick, 30000);
  if (rowsEl) { setInterval(refreshQueue, 60000); }
  if (body.getAttribute("data-socket") && window.WebSocket) { connect(); }
})();
