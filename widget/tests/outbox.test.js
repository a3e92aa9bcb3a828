// The widget's outbox, under Node's own test runner: `node --test widget/tests/`
// (tests/channels/widget/test_widget_js.py runs it as part of `./dev test`).
"use strict";

const assert = require("node:assert/strict");
const { readFileSync } = require("node:fs");
const path = require("node:path");
const { test } = require("node:test");
const { webcrypto } = require("node:crypto");

const SOURCE = readFileSync(path.join(__dirname, "..", "src", "outbox.js"), "utf8");

// outbox.js is a part of the served script, not a module: run it as the script does (strict,
// in a function of its own), with or without the browser's crypto.
function load(crypto = webcrypto) {
  const body = `"use strict";\n${SOURCE}\nreturn { Outbox, MAX_CHARS, MAX_SERVER_ERRORS };`;
  return new Function("crypto", body)(crypto);
}

const { Outbox, MAX_CHARS, MAX_SERVER_ERRORS } = load();

// localStorage as the widget uses it: JSON in, JSON out.
class Storage {
  constructor(json = "null") {
    this.json = json;
    this.writes = 0;
  }

  outbox() {
    return new Outbox(JSON.parse(this.json), (items) => {
      this.json = JSON.stringify(items);
      this.writes += 1;
    });
  }

  get items() {
    return JSON.parse(this.json);
  }
}

const texts = (items) => items.map((item) => item.text);

test("messages typed offline are kept, in order, and survive a reload", () => {
  const storage = new Storage();
  const outbox = storage.outbox();
  ["first", "second", "third"].forEach((text) => outbox.add(text));
  assert.deepEqual(texts(storage.items), ["first", "second", "third"]);
  const reloaded = storage.outbox();
  assert.equal(reloaded.length, 3);
  assert.deepEqual(reloaded.items, storage.items);
  assert.equal(reloaded.inflight, null);
  assert.equal(reloaded.next().text, "first");
});

test("one message is in flight at a time, and the next goes once it is answered", () => {
  const outbox = new Storage().outbox();
  const [first, second] = ["first", "second"].map((text) => outbox.add(text));
  assert.equal(outbox.next(), first);
  outbox.sending(first);
  assert.equal(outbox.next(), null);
  assert.equal(outbox.take(first.client_id), first);
  assert.equal(outbox.inflight, null);
  assert.equal(outbox.next(), second);
});

test("after a reconnect the message in flight is sent again, with the same client_id", () => {
  const storage = new Storage();
  const outbox = storage.outbox();
  const first = outbox.add("first");
  outbox.add("second");
  outbox.sending(first);
  outbox.release(); // the socket dropped: a new one is ready
  const again = outbox.next();
  assert.equal(again.client_id, first.client_id);
  assert.equal(again.text, "first");
  assert.equal(outbox.length, 2);
  assert.deepEqual(texts(storage.items), ["first", "second"]);
});

test("a message is answered once: a second turn for it, or one for another tab's, changes nothing", () => {
  const storage = new Storage();
  const outbox = storage.outbox();
  const [first, second] = ["first", "second"].map((text) => outbox.add(text));
  outbox.sending(second);
  assert.equal(outbox.take(first.client_id), first);
  assert.equal(outbox.inflight, second); // answering another message leaves this one in flight
  const writes = storage.writes;
  assert.equal(outbox.take(first.client_id), null);
  assert.equal(outbox.take("someone-elses-id"), null);
  assert.equal(storage.writes, writes);
  assert.deepEqual(texts(outbox.items), ["second"]);
});

test("every message gets its own client_id, with or without crypto.randomUUID", () => {
  for (const crypto of [webcrypto, undefined]) {
    const outbox = new (load(crypto).Outbox)([], () => {});
    const ids = new Set(Array.from({ length: 500 }, () => outbox.add("hello").client_id));
    assert.equal(ids.size, 500);
  }
});

test("a stored outbox is read without duplicates or junk", () => {
  const kept = { client_id: "a", text: "first" };
  const stored = [kept, { client_id: "a", text: "first" }, null, "text", { text: "no id" },
    { client_id: "b", text: 42 }, { client_id: "c", text: "second", failed: true }];
  const outbox = new Storage(JSON.stringify(stored)).outbox();
  assert.deepEqual(outbox.items, [kept, { client_id: "c", text: "second", failed: true }]);
  for (const junk of ["{}", '"outbox"', "42", "null"]) {
    assert.equal(new Storage(junk).outbox().length, 0);
  }
});

test("a message is cut to MAX_CHARS", () => {
  const outbox = new Storage().outbox();
  assert.equal(MAX_CHARS, 20000);
  assert.equal(outbox.add("x".repeat(MAX_CHARS + 500)).text.length, MAX_CHARS);
  assert.equal(outbox.add("y".repeat(MAX_CHARS)).text.length, MAX_CHARS);
  assert.equal(outbox.add(12).text, "12");
});

test("server errors are counted up to MAX_SERVER_ERRORS, across a reload", () => {
  const storage = new Storage();
  const item = storage.outbox().add("first");
  const verdicts = [];
  for (let n = 0; n < MAX_SERVER_ERRORS; n += 1) {
    const outbox = storage.outbox(); // a reload between each attempt
    verdicts.push(outbox.serverError(outbox.items[0]));
  }
  assert.deepEqual(verdicts, [...Array(MAX_SERVER_ERRORS - 1).fill(false), true]);
  assert.equal(storage.items[0].serverErrors, MAX_SERVER_ERRORS);
  assert.equal(storage.items[0].client_id, item.client_id);
});

test("a message set aside holds up nothing, and its retry goes after the others", () => {
  const storage = new Storage();
  const outbox = storage.outbox();
  const [first, second, third] = ["first", "second", "third"].map((text) => outbox.add(text));
  outbox.serverError(first);
  outbox.setAside(first);
  assert.equal(outbox.next(), second);
  assert.equal(storage.outbox().next().client_id, second.client_id); // also after a reload
  const moved = outbox.retry(first.client_id);
  assert.equal(moved, first);
  assert.deepEqual(texts(storage.items), ["second", "third", "first"]);
  assert.equal(first.failed, false);
  assert.equal(first.serverErrors, 0);
  assert.equal(outbox.retry("gone"), null);
  ["second", "third", "first"].forEach((text) => {
    const item = outbox.next();
    assert.equal(item.text, text);
    outbox.sending(item);
    outbox.take(item.client_id);
  });
  assert.equal(outbox.next(), null);
  assert.equal(third.text, "third");
});

test("clearing the outbox (the conversation ended) drops what is in flight too", () => {
  const outbox = new Storage().outbox();
  outbox.sending(outbox.add("first"));
  outbox.clear();
  assert.equal(outbox.length, 0);
  assert.equal(outbox.inflight, null);
  assert.equal(outbox.next(), null);
});
