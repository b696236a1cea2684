/* The wizard works without this file. With it: the error summary takes focus after a failed post,
   its links land on their fields, a date or a list of checkboxes is checked as a whole, inline
   check results are announced (and never move a button from under a press), and the password
   can be shown while it is typed. Its words come from the page (data-* attributes), in its
   language. */
(function () {
  "use strict";

  var status = document.getElementById("wizard-status");

  function announce(text) {
    if (!status || !text) return;
    status.textContent = "";  // so that the same words are announced again
    window.setTimeout(function () { status.textContent = text; }, 100);
  }

  function textOf(node, selector) {
    var found = node.querySelector(selector);
    return found ? found.textContent.replace(/\s+/g, " ").trim() : "";
  }

  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
  // A failed post's page answers a POST: coming Back to it, or reloading it, would post again.
  // Its history entry takes the step's own address, which draws the step anew. So does the page
  // a mailed code's link opened, so that the code leaves the address bar.
  var placed = document.querySelector("[data-page-url]");
  var pageUrl = placed && placed.getAttribute("data-page-url");
  if (pageUrl && window.history.replaceState) {
    window.history.replaceState(window.history.state, "", pageUrl);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-error-summary] a");
    if (!link || link.pathname !== window.location.pathname || !link.hash) return;
    var input = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!input) return;
    event.preventDefault();
    var group = input.closest("fieldset");
    var caption = group ? group.querySelector("legend")
                        : document.querySelector("label[for='" + input.id + "']");
    (caption || input).scrollIntoView();
    input.focus({ preventScroll: true });
  });

  // The password stays as typed while its feedback is swapped: mark it as a failed post does.
  function markPassword(input, error) {
    var errorId = input.id + "-error";
    var ids = input.getAttribute("aria-describedby").split(" ").filter(function (id) {
      return id !== errorId;
    });
    if (error) ids.splice(ids.indexOf(input.id + "-strength"), 0, errorId);
    input.setAttribute("aria-describedby", ids.join(" "));
    if (error) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    input.closest(".field").classList.toggle("field-error", !!error);
  }

  // An error fixed inline leaves the summary; with none left, the summary and the title's
  // "Error:" go too.
  function tidySummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    summary.querySelectorAll("li").forEach(function (item) {
      var link = item.querySelector("a");
      var input = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      var field = input && input.closest(".field");
      if (field && !field.querySelector(".error-message")) item.remove();
    });
    if (summary.querySelector("li")) return;
    summary.remove();
    var prefix = summary.dataset.titlePrefix + " ";
    if (document.title.indexOf(prefix) === 0) document.title = document.title.slice(prefix.length);
  }

  // A second press while a post is on its way would post the step again: for the account step,
  // a second draft and a second code, the page shown then being the second's and the first mail
  // the one read. A form is sent once in RESEND_MS (a post the browser's Stop ended may be sent
  // again after that), and at once from a page come back to (Back, the browser's page cache).
  // A post another script stopped (event.defaultPrevented) counts as not sent.
  var RESEND_MS = 5000;
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var sent = Number(form.getAttribute("data-sent"));
    if (sent && Date.now() - sent < RESEND_MS) event.preventDefault();
    else if (!event.defaultPrevented) form.setAttribute("data-sent", String(Date.now()));
  });
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-sent]"), function (form) {
      form.removeAttribute("data-sent");
    });
  });

  // A press on a button that posts the form leaves the focus in the field, so that the field
  // just corrected is not checked between press and release: its error and the summary's would
  // go, the button would move up from under the pointer, and the release would miss it. The post
  // checks every field anyway; a check answered during the press is dropped for the same reason.
  var pressing = false;
  document.addEventListener("mousedown", function (event) {
    var button = event.button === 0 && event.target.closest("button, input[type=submit]");
    if (!button || button.type !== "submit" || !button.form) return;
    event.preventDefault();
    pressing = true;
  });
  document.addEventListener("mouseup", function () {
    window.setTimeout(function () { pressing = false; }, 0);  // after the click it makes
  });

  // A field of several inputs is checked as a whole. The date: its year carries the check, and a
  // change of the day or month asks it too once every part is answered or while the date shows
  // an error. The checkboxes: a change asks while the list shows an error, so that a correction
  // clears it (a first tick is not answered with the error of a box still to tick).
  document.addEventListener("change", function (event) {
    var input = event.target;
    var field = input.closest && input.closest(".field");
    var group = field && input.closest("fieldset");
    if (!group || !window.htmx) return;
    var erring = field.classList.contains("field-error");
    if (input.type === "checkbox") {
      if (erring) htmx.trigger(input, "recheck");
      return;
    }
    var carrier = group.querySelector("[hx-post]");
    if (!carrier || carrier === input) return;
    var answered = Array.prototype.every.call(group.querySelectorAll("input"), function (part) {
      return part.value.trim() !== "";
    });
    if (erring || answered) htmx.trigger(carrier, "change");
  });

  // Typing a country's name into a closed list picks by its letters, each letter a change: the
  // list is checked once the typing stops, not drawn again under each letter (which would start
  // the browser's type-ahead again, so that "Germany" ended on Yemen). A choice by pointer, or
  // any without a key, is checked at once.
  var TYPE_AHEAD_MS = 1000;
  var lastKey = 0;
  var held = null;  // the list's check, held until the typing stops
  var timer = null;
  function sendWhenTypingStops() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      var send = held;
      held = null;
      if (send) send();
    }, TYPE_AHEAD_MS);
  }
  document.addEventListener("keydown", function (event) {
    if (event.target.tagName !== "SELECT") return;
    lastKey = Date.now();
    if (held) sendWhenTypingStops();
  });
  document.addEventListener("htmx:confirm", function (event) {
    if (event.target.tagName !== "SELECT" || Date.now() - lastKey > TYPE_AHEAD_MS) return;
    event.preventDefault();
    held = function () { event.detail.issueRequest(true); };
    sendWhenTypingStops();
  });

  // A check's answer draws its field (a date's three parts, the address after its country) with
  // the values it was sent. What the person typed while it was on its way is kept: the values
  // that changed since it was sent are put back after the swap, with the caret where it was, and
  // checked in their turn (the field being typed in, when it is left).
  function valuesIn(node) {
    var values = {};
    node.querySelectorAll("input, select, textarea").forEach(function (field) {
      if (field.name && field.type !== "checkbox" && field.type !== "radio") {
        values[field.name] = field.value;
      }
    });
    return values;
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var target = event.detail.target;
    if (target) target.sentValues = valuesIn(target);
  });
  var typedSince = null;  // [{name, value, selection}] to put back after the swap
  function keepTyped(target) {
    var sent = target.sentValues;
    if (!sent) return;
    var now = valuesIn(target);
    typedSince = Object.keys(now).filter(function (name) {
      return name in sent && now[name] !== sent[name];
    }).map(function (name) {
      var field = target.querySelector("[name='" + CSS.escape(name) + "']");
      var focused = field === document.activeElement && typeof field.selectionStart === "number";
      return { name: name, value: now[name],
               selection: focused ? [field.selectionStart, field.selectionEnd] : null };
    });
  }
  document.addEventListener("htmx:afterSwap", function () {
    (typedSince || []).forEach(function (typed) {
      var field = document.querySelector("form [name='" + CSS.escape(typed.name) + "']");
      if (!field) return;
      field.value = typed.value;
      var check = function () { field.dispatchEvent(new Event("change", { bubbles: true })); };
      if (field === document.activeElement) {
        if (typed.selection) field.setSelectionRange(typed.selection[0], typed.selection[1]);
        field.addEventListener("blur", check, { once: true });
      } else {
        window.setTimeout(check, 0);  // once this swap has settled
      }
    });
    typedSince = null;
  });

  // Inline checks swap a field's wrapper (or the password's feedback); say what changed.
  var hadError = {};
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (pressing) {
      event.detail.shouldSwap = false;
      return;
    }
    var target = event.detail.target;
    if (target) keepTyped(target);
    if (target && target.id) hadError[target.id] = !!target.querySelector(".error-message");
  });
  document.addEventListener("htmx:afterSettle", function () {
    Object.keys(hadError).forEach(function (id) {
      var had = hadError[id];
      delete hadError[id];
      var node = document.getElementById(id);
      if (node && node.dataset.announce) {  // the address, drawn again for another country
        announce([textOf(node, ".error-message"), node.dataset.announce].join(" ").trim());
        return;
      }
      if (!node || !node.dataset.label) return;
      var error = textOf(node, ".error-message");
      var input = node.dataset.feedbackFor && document.getElementById(node.dataset.feedbackFor);
      if (input) markPassword(input, error);
      var strength = textOf(node, ".strength");
      if (error) announce(error + (strength ? ". " + strength : ""));
      else if (strength) announce(strength);
      else if (had) announce(status.dataset.cleared.replace("{label}", node.dataset.label));
    });
    tidySummary();
  });

  document.querySelectorAll("[data-password-toggle]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("aria-controls"));
    if (!input) return;
    var showText = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      var show = input.type === "password";
      input.type = show ? "text" : "password";
      button.textContent = show ? button.dataset.hide : showText;
      announce(show ? button.dataset.shown : button.dataset.hidden);
    });
    // Browsers offer to save a password only from a password field.
    if (input.form) input.form.addEventListener("submit", function () { input.type = "password"; });
  });
})();
