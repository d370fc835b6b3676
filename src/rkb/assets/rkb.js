/* reTributor knowledge base: copy-link buttons, table filters and lesson quizzes.
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

  function setupFilters(root) {
    root.querySelectorAll("[data-rkb-filter]").forEach(function (box, boxIndex) {
      var table = box.querySelector("table");
      if (!table || !table.tBodies.length) return;
      var rows = Array.prototype.slice.call(table.tBodies[0].rows);
      var headers = table.tHead ? table.tHead.rows[0].cells : [];
      var columns = box.dataset.rkbFilter.split(" ").map(function (n) { return parseInt(n, 10) - 1; });
      var controls = document.createElement("div");
      controls.className = "rkb-filter-controls";
      var selects = [];
      columns.forEach(function (column) {
        var values = [];
        rows.forEach(function (row) {
          var text = row.cells[column].textContent.trim();
          if (text && values.indexOf(text) < 0) values.push(text);
        });
        values.sort(function (a, b) { return a.localeCompare(b); });
        var id = "rkb-filter-" + boxIndex + "-" + column;
        var label = document.createElement("label");
        label.htmlFor = id;
        label.textContent = (headers[column] ? headers[column].textContent : "") + ": ";
        var select = document.createElement("select");
        select.id = id;
        select.dataset.column = String(column);
        [box.dataset.rkbAll].concat(values).forEach(function (value, index) {
          var option = document.createElement("option");
          option.value = index ? value : "";
          option.textContent = value;
          select.appendChild(option);
        });
        select.addEventListener("change", apply);
        selects.push(select);
        label.appendChild(select);
        controls.appendChild(label);
      });
      box.insertBefore(controls, box.firstChild);

      function apply() {
        rows.forEach(function (row) {
          row.hidden = !selects.every(function (select) {
            return !select.value || row.cells[+select.dataset.column].textContent.trim() === select.value;
          });
        });
      }
    });
  }

  function setupQuizzes(root) {
    root.querySelectorAll(".rkb-quiz").forEach(function (quiz) {
      quiz.querySelectorAll(".rkb-quiz-question").forEach(function (question) {
        var result = question.querySelector(".rkb-quiz-result");
        question.addEventListener("change", function (event) {
          var chosen = event.target;
          if (!chosen || chosen.type !== "radio") return;
          var right = chosen.value === question.dataset.rkbAnswer;
          question.classList.toggle("rkb-right", right);
          question.classList.toggle("rkb-wrong", !right);
          result.textContent = right ? quiz.dataset.rkbCorrect : quiz.dataset.rkbIncorrect;
        });
      });
    });
  }

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
    setupCopyButtons(document);
    setupFilters(document);
    setupQuizzes(document);
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
