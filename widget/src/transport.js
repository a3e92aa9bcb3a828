// -- the server: JSON over HTTP, and the conversation's WebSocket -------------------------------
function request(method, path, body, token, signal) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 15000);
  if (signal) signal.addEventListener("abort", () => controller.abort());
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = "Bearer " + token;
  return fetch(ORIGIN + path, {
    method, headers, credentials: "omit", mode: "cors", cache: "no-store",
    body: body === undefined ? undefined : JSON.stringify(body), signal: controller.signal
  }).then((response) => response.json().catch(() => ({})).then((data) => {
    if (response.ok && isObject(data)) return data;
    const error = new Error((data && data.message) || "HTTP " + response.status);
    error.status = response.status;
    error.code = (data && data.error) || "http_error";
    error.retryAfter = parseInt(response.headers.get("Retry-After") || "0", 10);
    throw error;
  })).finally(() => clearTimeout(timer));
}

function conversationPath(conv, suffix) {
  return "/api/conversations/" + encodeURIComponent(conv.id) + (suffix || "");
}

// A WebSocket that authenticates, pings, and reconnects with backoff. It reports to `events`:
// ready(state), frame(frame), status(name), gone() (the conversation no longer opens).
class Connection {
  constructor(events) {
    this.events = events;
    this.ws = null;
    this.ready = false;
    this.wanted = false;
    this.failures = 0;
    this.timer = null;
    this.pingTimer = null;
  }

  open(conv) {
    this.conv = conv;
    this.wanted = true;
    this.failures = 0;
    this.connect();
  }

  close() {
    this.wanted = false;
    clearTimeout(this.timer);
    clearTimeout(this.giveUp);
    this.stopPing();
    if (this.ws) this.ws.close(1000);
    this.ws = null;
    this.ready = false;
  }

  send(frame) {
    if (!this.ready || !this.ws || this.ws.readyState !== 1) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  connect() {
    clearTimeout(this.timer);
    if (!this.wanted || (this.ws && this.ws.readyState <= 1)) return;
    let ws;
    try { ws = new WebSocket(WS_URL); } catch (e) { this.retry(); return; }
    this.ws = ws;
    this.events.status(this.failures ? "reconnecting" : "connecting");
    const giveUp = setTimeout(() => ws.close(), 10000); // a proxy that swallows the upgrade
    this.giveUp = giveUp;
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: "auth", conversation_id: this.conv.id, token: this.conv.token }));
    };
    ws.onmessage = (event) => {
      let frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (!isObject(frame) || typeof frame.type !== "string") return;
      this.lastHeard = Date.now();
      if (frame.type === "ready") {
        clearTimeout(giveUp);
        this.ready = true;
        this.failures = 0;
        this.startPing();
        this.events.ready(isObject(frame.state) ? frame.state : {});
      } else if (frame.type === "error" && !this.ready) {
        if (frame.error === "not_found" || frame.error === "unauthorized") {
          this.wanted = false;
          this.events.gone();
        }
      } else if (frame.type !== "pong") {
        this.events.frame(frame);
      }
    };
    ws.onclose = () => {
      clearTimeout(giveUp);
      if (this.ws !== ws) return;
      this.ws = null;
      this.ready = false;
      this.stopPing();
      this.retry();
    };
  }

  retry() {
    if (!this.wanted) return;
    this.failures += 1;
    this.events.status("reconnecting");
    // Exponential backoff with jitter, so a server restart is not met by every client at once.
    const delay = Math.min(30000, 1000 * Math.pow(2, this.failures - 1)) * (0.5 + Math.random() / 2);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  now() {
    // Network back, or the tab woke up: try at once instead of waiting out the backoff.
    if (this.wanted && !this.ready) { this.failures = Math.min(this.failures, 1); this.connect(); }
  }

  startPing() {
    this.stopPing();
    this.pingTimer = setInterval(() => {
      if (!this.ws) return;
      if (Date.now() - this.lastHeard > 45000) { this.ws.close(); return; } // silently dead
      this.send({ type: "ping" });
    }, 20000);
  }

  stopPing() {
    clearInterval(this.pingTimer);
  }
}
