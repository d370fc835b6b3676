/* reTributor knowledge base: table scroll regions (each feature has a file of its own: rkb-*.js).
   No inline code: this file is served by the site itself (strict CSP, closed network). */
(function () {
  "use strict";

  // Material wraps each table in a .md-typeset__scrollwrap that scrolls sideways when the
  // table is wider than the page (on phones); keyboard users can scroll it only if it takes
  // the focus. While it overflows, it is a focusable region named after the table's caption
  // or the heading above it (axe-core: scrollable-region-focusable).
  function labelFor(wrap) {
    var caption = wrap.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    for (var node = wrap; node && !node.classList.contains("md-typeset"); node = node.parentElement) {
      for (var sibling = node.previousElementSibling; sibling; sibling = sibling.previousElementSibling) {
        if (/^H[1-6]$/.test(sibling.tagName)) {
          var heading = sibling.cloneNode(true);
          heading.querySelectorAll(".headerlink").forEach(function (link) { link.remove(); });
          return heading.textContent.trim();
        }
      }
    }
    return "";
  }

  function updateScrollRegion(wrap) {
    if (wrap.scrollWidth > wrap.clientWidth + 1) {
      if (wrap.getAttribute("tabindex") === "0") return;
      var label = labelFor(wrap);
      wrap.setAttribute("tabindex", "0");
      if (label) {
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", label);
      }
    } else if (wrap.getAttribute("tabindex") === "0") {
      wrap.removeAttribute("tabindex");
      wrap.removeAttribute("role");
      wrap.removeAttribute("aria-label");
    }
  }

  var watchedScrollRegions = [];
  var scrollRegionObserver = window.ResizeObserver
    ? new ResizeObserver(function (entries) {
      entries.forEach(function (entry) { updateScrollRegion(entry.target); });
    })
    : null;

  function setupScrollRegions(root) {
    root.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
      if (watchedScrollRegions.indexOf(wrap) >= 0) return;
      watchedScrollRegions.push(wrap);
      updateScrollRegion(wrap);
      if (scrollRegionObserver) scrollRegionObserver.observe(wrap);
    });
  }

  function setup() {
    setupScrollRegions(document);
    window.addEventListener("load", function () { setupScrollRegions(document); });
    if (!scrollRegionObserver) {
      window.addEventListener("resize", function () { watchedScrollRegions.forEach(updateScrollRegion); });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
