/* Inside a partner's iframe: tell the parent window which step is showing (on every page, so on
   every step change), the page's height whenever it changes, and that the registration is
   complete. Messages go only to the tenant's allowed origins, never "*"; where the browser names
   the parent's origin, only to that one. When the parent answers a step with
   "registration:focus" (embed.js does, once it has scrolled the frame into view), the step's
   heading takes focus, or the error summary where the step has one. */
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

  var step = document.body.dataset.step;
  if (step) tell({ type: "registration:step", step: step });

  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || allowed.indexOf(event.origin) < 0) return;
    if (!event.data || event.data.type !== "registration:focus") return;
    var target = document.querySelector(".error-summary") || document.querySelector("main h1");
    if (!target) return;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
  });

  var done = document.querySelector("[data-customer-id]");
  if (done) {
    tell({ type: "registration:complete", customerId: done.dataset.customerId,
           tenant: done.dataset.tenant });
  }
})();
