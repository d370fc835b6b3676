/* reTributor knowledge base: "was this page helpful?" and searches that found nothing.
   Both are a GET to the site's own nginx (/_rkb/feedback, answered 204 and logged, read by
   `rkb report`): no cookies, no other host. The only thing kept in the browser is a flag
   per page that its vote was sent. No inline code (strict CSP, closed network). */
(function () {
  "use strict";

  var SETTLE_MS = 1500;  // a search is reported once the reader stopped typing this long
  var script = document.currentScript;
  // This file is served from assets/rkb/: the site's root is two folders up.
  var endpoint = new URL("../../_rkb/feedback", script ? script.src : location.href).pathname;

  function send(params) {
    var query = Object.keys(params).map(function (key) {
      return key + "=" + encodeURIComponent(params[key]).replace(/%2F/g, "/");  // as site.md writes it
    }).join("&");
    return fetch(endpoint + "?" + query, { method: "GET", cache: "no-store", keepalive: true });
  }

  function storageKey(page) { return "rkb-voted:" + page; }

  function voted(page) {
    try { return window.localStorage.getItem(storageKey(page)) === "1"; } catch (e) { return false; }
  }

  function remember(page) {
    try { window.localStorage.setItem(storageKey(page), "1"); } catch (e) { /* private mode */ }
  }

  function setupVote(box) {
    var page = box.dataset.rkbFeedback;
    var buttons = box.querySelector(".rkb-feedback-buttons");
    var thanks = box.querySelector(".rkb-feedback-thanks");
    box.hidden = false;
    if (voted(page)) {
      buttons.hidden = true;
      thanks.textContent = box.dataset.rkbThanks;
      return;
    }
    buttons.querySelectorAll("button[data-rkb-vote]").forEach(function (button) {
      button.addEventListener("click", function () {
        buttons.hidden = true;
        thanks.textContent = box.dataset.rkbThanks;
        send({ page: page, vote: button.dataset.rkbVote }).then(function (response) {
          if (response.ok) remember(page);
        }).catch(function () { /* offline: the reader may vote again later */ });
      });
    });
  }

  // Searches that found nothing: rkb-search.js fires "rkb:nothing" with the query; one report
  // per settled query (not per keystroke), each query once per page view.
  var reported = Object.create(null);
  var pending = null;
  var timer = null;

  function normalise(query) {
    return query.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
  }

  function flush() {
    clearTimeout(timer);
    timer = null;
    if (pending === null) return;
    var query = pending;
    pending = null;
    var key = normalise(query);
    if (!key || reported[key]) return;
    reported[key] = true;
    send({ search: query.trim().slice(0, 200), results: "0" }).catch(function () {});
  }

  function onNothing(event) {
    pending = event.detail.query;
    clearTimeout(timer);
    if (event.detail.settled) { flush(); return; }
    timer = setTimeout(flush, SETTLE_MS);
  }

  function setup() {
    document.querySelectorAll("[data-rkb-feedback]").forEach(setupVote);
    document.addEventListener("rkb:nothing", onNothing);
    document.addEventListener("rkb:results", function (event) {
      if (!event.detail.length) return;
      clearTimeout(timer);  // the reader typed on and found something: nothing to report
      pending = null;
    });
    document.addEventListener("submit", function (event) {
      if (event.target.closest("#rkb-search")) pending = null;  // the results page reports it
    });
    window.addEventListener("pagehide", flush);  // left before the query settled
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
