/* reTributor knowledge base: copy buttons ("copy link", "copy answer").
   The text to copy is the button's data-rkb-copy. navigator.clipboard exists only on
   secure origins (https, localhost); a site served over plain http:// inside a closed
   network has none, so the text is copied through a selected, off-screen textarea
   (document.execCommand("copy")), and where even that is refused it is shown selected
   for Ctrl+C. The outcome is announced in a polite live region.
   No inline code: this file is served by the site itself (strict CSP, closed network). */
(function () {
  "use strict";

  var RESET_MS = 2000;

  function liveRegion(button) {
    var holder = button.parentNode;
    var region = holder.querySelector(".rkb-copy-status");
    if (!region) {
      region = document.createElement("span");
      region.className = "rkb-copy-status rkb-visually-hidden";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      holder.appendChild(region);
    }
    return region;
  }

  function copyThroughSelection(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.setAttribute("aria-hidden", "true");
    area.tabIndex = -1;
    area.className = "rkb-copy-buffer";
    document.body.appendChild(area);
    var focused = document.activeElement;
    area.select();
    area.setSelectionRange(0, text.length);
    var done = false;
    try {
      done = document.execCommand("copy");
    } catch (error) {
      done = false;
    }
    document.body.removeChild(area);
    if (focused && focused.focus) focused.focus();
    return done;
  }

  function showForManualCopy(button, text) {
    var holder = button.parentNode;
    var shown = holder.querySelector("textarea.rkb-copy-manual");
    if (!shown) {
      shown = document.createElement("textarea");
      shown.className = "rkb-copy-manual";
      shown.setAttribute("readonly", "");
      shown.setAttribute("aria-label", button.textContent);
      holder.appendChild(shown);
    }
    shown.value = text;
    shown.rows = Math.min(12, text.split("\n").length + 1);
    shown.focus();
    shown.select();
  }

  function announce(button, label, message) {
    liveRegion(button).textContent = message;
    button.textContent = message;
    setTimeout(function () {
      button.textContent = label;
    }, RESET_MS);
  }

  function copy(button, label) {
    var text = button.dataset.rkbCopy;
    var copied = button.dataset.rkbCopied;
    var manual = button.dataset.rkbSelect ||
      (document.documentElement.lang === "ru"
        ? "Выделено: нажмите Ctrl+C, чтобы скопировать."
        : "Selected: press Ctrl+C to copy.");
    function fallback() {
      if (copyThroughSelection(text)) {
        announce(button, label, copied);
      } else {
        showForManualCopy(button, text);
        liveRegion(button).textContent = manual;
      }
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () {
        announce(button, label, copied);
      }, fallback);
    } else {
      fallback();
    }
  }

  function setupCopyButtons(root) {
    root.querySelectorAll("button[data-rkb-copy]").forEach(function (button) {
      var label = button.textContent;
      button.hidden = false;
      liveRegion(button);
      button.addEventListener("click", function () {
        copy(button, label);
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setupCopyButtons(document); });
  } else {
    setupCopyButtons(document);
  }
})();
