/* reTributor knowledge base: the upgrade planner on /releases/. Every plan between two
   released versions is computed when the site is built (rkb.render.upgrade) into
   releases/upgrade.json; this script only shows the one picked, and keeps the choice in the address
   (/releases/?from=2.2.1&to=2.4.0). Without JavaScript the page still lists, for every
   released version, the upgrade to the latest one. */
(function () {
  "use strict";

  function element(tag, className, html) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (html !== undefined) node.innerHTML = html;
    return node;
  }

  function setup(form, data) {
    var output = document.querySelector(".rkb-upgrade-result");
    if (!output || !data || !data.plans) return;
    var labels = JSON.parse(form.dataset.rkbLabels);
    var from = form.elements.from;
    var to = form.elements.to;
    var params = new URLSearchParams(location.search);
    if (data.versions.indexOf(params.get("from")) >= 0) from.value = params.get("from");
    if (data.versions.indexOf(params.get("to")) >= 0) to.value = params.get("to");

    function section(title, kind, keys) {
      var box = element("div", "rkb-upgrade-part rkb-upgrade-" + kind);
      var heading = element("p", "", "");
      var strong = element("strong");
      strong.textContent = title + ".";
      heading.appendChild(strong);
      box.appendChild(heading);
      if (!keys.length) {
        heading.appendChild(document.createTextNode(" " + labels.none));
        return box;
      }
      var list = element("ul");
      keys.forEach(function (key) {
        list.appendChild(element("li", "", data.items[kind === "still_open" ? "open:" + key
          : kind + ":" + key] || ""));
      });
      box.appendChild(list);
      return box;
    }

    function show(remember) {
      var plan = data.plans[from.value + ">" + to.value];
      output.textContent = "";
      var title = element("p", "rkb-upgrade-title");
      var strong = element("strong");
      strong.textContent = labels.title.replace("{source}", from.value).replace("{target}", to.value);
      title.appendChild(strong);
      output.appendChild(title);
      if (!plan) {
        output.appendChild(element("p", "", "")).textContent = labels.older;
      } else {
        if (from.value === to.value) output.appendChild(element("p")).textContent = labels.same;
        output.appendChild(section(labels.fixed, "fixed", plan.fixed));
        output.appendChild(section(labels.implemented, "implemented", plan.implemented));
        output.appendChild(section(labels.manual, "manual", plan.manual));
        output.appendChild(section(labels.still_open, "still_open", plan.still_open));
      }
      if (remember) {
        var address = new URL(location.href);
        address.searchParams.set("from", from.value);
        address.searchParams.set("to", to.value);
        history.replaceState(null, "", address.pathname + address.search + address.hash);
      }
    }

    form.addEventListener("change", function () { show(true); });
    form.addEventListener("submit", function (event) { event.preventDefault(); show(true); });
    form.hidden = false;
    show(false);
    if (params.has("from") && !location.hash) form.scrollIntoView();
  }

  function start() {
    document.querySelectorAll(".rkb-upgrade").forEach(function (form) {
      fetch(form.dataset.rkbData, { credentials: "same-origin" })
        .then(function (answer) { return answer.ok ? answer.json() : null; })
        .then(function (data) { setup(form, data); })
        .catch(function () { /* the static sections below still answer */ });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
