/* The signup form on a partner's page, with one tag:
     <script src="https://<service>/static/embed.js" data-tenant="<tenant>" async></script>
   It puts the form in an iframe right after the tag (or inside the element that data-target
   names), sizes the iframe to the form, and dispatches "registration:complete" (a bubbling DOM
   event whose detail is {customerId, tenant}) on the iframe when a customer has registered.
   data-lang="de" asks for the form in that language (else the browser's is used).
   On every step after the first, the frame's top is scrolled into view and the step's heading
   takes focus (the frame says "registration:step", this answers "registration:focus"), so that a
   person on a small screen never lands mid-form. */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.dataset.tenant) return;
  var service = new URL(script.src).origin;

  var frame = document.createElement("iframe");
  frame.src = service + "/t/" + encodeURIComponent(script.dataset.tenant) + "/embed" +
    (script.dataset.lang ? "?lang=" + encodeURIComponent(script.dataset.lang) : "");
  // The frame's name for screen readers, in the language the form speaks: the one asked for, else
  // the browser's (data-title names it otherwise).
  var TITLES = { en: "Create an account", de: "Konto anlegen" };
  var lang = (script.dataset.lang || navigator.language || "").toLowerCase().split("-")[0];
  frame.title = script.dataset.title || TITLES[lang] || TITLES.en;
  frame.style.display = "block";
  frame.style.width = "100%";
  frame.style.height = "40rem";  // until the form says how tall it is
  frame.style.border = "0";

  var target = script.dataset.target && document.querySelector(script.dataset.target);
  if (target) target.appendChild(frame);
  else script.parentNode.insertBefore(frame, script.nextSibling);

  var steps = 0;
  window.addEventListener("message", function (event) {
    if (event.origin !== service || event.source !== frame.contentWindow) return;
    var data = event.data;
    if (!data || typeof data !== "object") return;
    if (data.type === "registration:step" && typeof data.step === "string") {
      if (steps++ === 0) return;  // the partner's own page load: leave its scroll alone
      frame.scrollIntoView({ block: "start" });
      frame.contentWindow.postMessage({ type: "registration:focus" }, service);
    } else if (data.type === "registration:resize" && typeof data.height === "number" && data.height > 0) {
      frame.style.height = Math.ceil(data.height) + "px";
    } else if (data.type === "registration:complete") {
      frame.dispatchEvent(new CustomEvent("registration:complete", {
        bubbles: true,
        detail: { customerId: data.customerId, tenant: data.tenant }
      }));
    }
  });
})();
