/* What theme and plugin bundles do to the global scope; the widget must not care. */
(function () {
  "use strict";
  // An AMD loader (require.js, as some page builders bundle): UMD scripts register as modules.
  window.define = function () {};
  window.define.amd = { jQuery: true };
  // Prototype pollution, enumerable, as old libraries did.
  Object.defineProperty(Object.prototype, "polluted", { value: "yes", enumerable: true, configurable: true, writable: true });
  Object.defineProperty(Array.prototype, "removeFirst", { value: function () { return this.slice(1); }, enumerable: true, configurable: true });
  // An analytics plugin that wraps fetch.
  var realFetch = window.fetch;
  window.fetch = function () { window.__fetchCalls = (window.__fetchCalls || 0) + 1; return realFetch.apply(this, arguments); };
  // jQuery in noConflict mode, with a theme's menu toggle; $ becomes something else entirely.
  if (window.jQuery) {
    var jq = window.jQuery.noConflict(true);
    jq(function () {
      jq(".menu-toggle").on("click", function () { jq(".menu").toggle(); });
      jq(document).on("keydown", function (event) { if (event.key === "Escape") jq(".menu").hide(); });
    });
    window.jQuery = jq;
  }
  window.$ = function (selector) { return document.querySelectorAll(selector); };
})();
