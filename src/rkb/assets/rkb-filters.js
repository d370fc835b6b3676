/* reTributor knowledge base: filters of listing tables.
   No inline code: this file is served by the site itself (strict CSP, closed network). */
(function () {
  "use strict";

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

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setupFilters(document); });
  } else {
    setupFilters(document);
  }
})();
