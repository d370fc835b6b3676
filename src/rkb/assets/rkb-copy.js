/* reTributor knowledge base: copy buttons.
   No inline code: this file is served by the site itself (strict CSP, closed network). */
(function () {
  "use strict";

  function setupCopyButtons(root) {
    root.querySelectorAll("button[data-rkb-copy]").forEach(function (button) {
      if (!navigator.clipboard) return;
      button.hidden = false;
      var label = button.textContent;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(button.dataset.rkbCopy).then(function () {
          button.textContent = button.dataset.rkbCopied;
          setTimeout(function () { button.textContent = label; }, 2000);
        });
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setupCopyButtons(document); });
  } else {
    setupCopyButtons(document);
  }
})();
