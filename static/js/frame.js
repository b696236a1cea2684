/* Inside a partner's iframe: tell the parent window the page's height whenever it changes, and
   that the registration is complete. Messages go only to the tenant's allowed origins, never "*";
   where the browser names the parent's origin, only to that one. */
(function () {
  "use strict";

  if (window.parent === window) return;
  var allowed = JSON.parse(document.body.dataset.parentOrigins || "[]");
  var ancestors = window.location.ancestorOrigins;
  if (ancestors && ancestors.length) {
    var parent = ancestors[0].toLowerCase();
    allowed = allowed.filter(function (origin) { return origin.toLowerCase() === parent; });
  }

  function tell(message) {
    allowed.forEach(function (origin) { window.parent.postMessage(message, origin); });
  }

  var height = 0;
  function measure() {
    var now = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (now !== height) {
      height = now;
      tell({ type: "registration:resize", height: now });
    }
  }
  new ResizeObserver(measure).observe(document.documentElement);
  measure();

  var done = document.querySelector("[data-customer-id]");
  if (done) {
    tell({ type: "registration:complete", customerId: done.dataset.customerId,
           tenant: done.dataset.tenant });
  }
})();
