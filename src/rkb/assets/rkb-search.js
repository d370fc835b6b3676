/* reTributor knowledge base search: the index is built with the site (lunr.py) and only
   loaded here. Analysis and ranking mirror src/rkb/search/ (analysis.py, query.py), so
   the browser and `rkb search` give the same answers. */
(function () {
  "use strict";

  var WORD = /[\p{L}\p{N}]+/gu;
  var ID = /^([fpqt])-?0*(\d+)$/;
  var CYRILLIC = /[а-я]/;
  var LATIN = /^[a-z]+$/;
  var FUZZY_MIN_LENGTH = 5;
  var loading = null;

  function normalise(text) {
    return text.normalize("NFKC").toLowerCase().replace(/ё/g, "е");
  }

  function words(text) {
    return normalise(text).match(WORD) || [];
  }

  function foldPlural(word) {
    if (word.length > 4 && /ies$/.test(word)) return word.slice(0, -3) + "y";
    if (word.length > 3 && /s$/.test(word) && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
    return word;
  }

  var stemCache = Object.create(null);
  function stem(word) {
    if (word in stemCache) return stemCache[word];
    var result = word;
    if (CYRILLIC.test(word)) {
      result = lunr.ru.stemmer(new lunr.Token(word)).toString();
    } else if (LATIN.test(word)) {
      result = foldPlural(word);
    }
    stemCache[word] = result;
    return result;
  }

  function idTerm(text) {
    var match = ID.exec(normalise(text).trim());
    return match ? match[1] + String(parseInt(match[2], 10)) : null;
  }

  function codeTerm(text) {
    return words(text).join("");
  }

  function parse(query, search) {
    var raw = normalise(query).split(/\s+/).filter(Boolean);
    var concepts = [];
    var position = 0;
    while (position < raw.length) {
      var found = false;
      for (var width = 3; width >= 1; width--) {
        if (position + width > raw.length) continue;
        var key = codeTerm(raw.slice(position, position + width).join(" "));
        if (key && search.codes[key]) {
          concepts.push({ kind: "code", terms: [key], prefix: false });
          position += width;
          found = true;
          break;
        }
      }
      if (found) continue;
      var token = raw[position];
      position += 1;
      var record = idTerm(token);
      if (record) {
        concepts.push({ kind: "id", terms: [record], prefix: false });
        continue;
      }
      words(token).forEach(function (word) {
        if (search.stopwords[word]) return;
        var term = stem(word);
        var alternatives = [term].concat((search.synonyms[term] || []).filter(function (s) { return s !== term; }));
        concepts.push({ kind: "word", terms: alternatives, prefix: false });
      });
    }
    var last = concepts[concepts.length - 1];
    if (last && last.kind === "word" && !/\s$/.test(query)) last.prefix = true;
    return concepts;
  }

  function run(index, concept) {
    var scores = Object.create(null);
    index.query(function (q) {
      concept.terms.forEach(function (term, number) {
        var boost = number === 0 ? 1 : 0.5;
        if (concept.kind === "id") {
          q.term(term, { fields: ["ids"], boost: boost });
        } else if (concept.kind === "code") {
          q.term(term, { fields: ["codes"], boost: boost });
        } else {
          q.term(term, { boost: boost });
          if (number === 0 && concept.prefix) {
            q.term(term, { boost: 0.3, wildcard: lunr.Query.wildcard.TRAILING });
          }
          if (number === 0 && term.length >= FUZZY_MIN_LENGTH && !(term in index.invertedIndex)) {
            q.term(term, { boost: 0.2, editDistance: 1 });  // a likely typo
          }
        }
      });
    }).forEach(function (result) { scores[result.ref] = result.score; });
    return scores;
  }

  function round6(value) {
    return Math.round(value * 1e6) / 1e6;
  }

  function search(data, query, limit) {
    var concepts = parse(query, data);
    var totals = Object.create(null);
    var matched = Object.create(null);
    concepts.forEach(function (concept) {
      var scores = run(data.index, concept);
      Object.keys(scores).forEach(function (ref) {
        totals[ref] = (totals[ref] || 0) + scores[ref];
        matched[ref] = (matched[ref] || 0) + 1;
      });
    });
    var wanted = concepts.length || 1;
    var ranking = Object.create(null);
    Object.keys(totals).forEach(function (ref) {
      ranking[ref] = round6(totals[ref] * Math.pow(matched[ref] / wanted, 2));  // all words matter
    });
    var refs = Object.keys(ranking).sort(function (a, b) {
      return (ranking[b] - ranking[a]) || (parseInt(a, 10) - parseInt(b, 10));
    });
    var queryTerms = [];
    concepts.forEach(function (c) { if (c.kind === "word") queryTerms = queryTerms.concat(c.terms); });
    var prefix = concepts.length && concepts[concepts.length - 1].prefix ? concepts[concepts.length - 1].terms[0] : null;
    return refs.slice(0, limit).map(function (ref) {
      var row = data.store[parseInt(ref, 10)];
      return { ref: ref, id: row[0], title: row[1], url: row[2], text: row[3], score: ranking[ref],
               terms: queryTerms, prefix: prefix };
    });
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function highlight(text, hit) {
    var wanted = Object.create(null);
    hit.terms.forEach(function (t) { wanted[t] = true; });
    var out = "";
    var last = 0;
    var first = -1;
    text.replace(/[\p{L}\p{N}]+/gu, function (word, offset) {
      var term = stem(normalise(word));
      if (wanted[term] || (hit.prefix && term.indexOf(hit.prefix) === 0)) {
        if (first < 0) first = offset;
        out += escapeHtml(text.slice(last, offset)) + "<mark>" + escapeHtml(word) + "</mark>";
        last = offset + word.length;
      }
      return word;
    });
    out += escapeHtml(text.slice(last));
    return out;
  }

  // Put back the empty postings the file leaves out (src/rkb/search/index.py, restore).
  function restore(index) {
    var fields = index.fields;
    index.invertedIndex.forEach(function (entry) {
      for (var i = 0; i < fields.length; i++) {
        if (!entry[1][fields[i]]) entry[1][fields[i]] = {};
      }
    });
  }

  function load(root) {
    if (!loading) {
      loading = fetch(root.dataset.rkbIndex).then(function (response) {
        if (!response.ok) throw new Error("search index: HTTP " + response.status);
        return response.json();
      }).then(function (raw) {
        restore(raw.index);
        var data = { index: lunr.Index.load(raw.index), store: raw.docs,
                     codes: Object.create(null), stopwords: Object.create(null), synonyms: raw.synonyms };
        raw.codes.forEach(function (code) { data.codes[code] = true; });
        raw.stopwords.forEach(function (word) { data.stopwords[word] = true; });
        return data;
      });
    }
    return loading;
  }

  function hitHtml(hit) {
    return (hit.id ? '<span class="rkb-search-id">' + escapeHtml(hit.id) + "</span> " : "") +
      '<span class="rkb-search-title">' + highlight(hit.title, hit) + "</span>" +
      '<span class="rkb-search-snippet">' + highlight(hit.text, hit) + "</span>";
  }

  // An option of the search box's list: no link inside (an option holds nothing
  // focusable); choosing it opens the address kept in data-href.
  function renderOption(root, hit, index) {
    var item = document.createElement("li");
    item.className = "rkb-search-hit";
    item.id = root.id + "-hit-" + index;
    item.setAttribute("role", "option");
    item.setAttribute("aria-selected", "false");
    item.dataset.href = root.dataset.rkbBase + hit.url;
    item.innerHTML = hitHtml(hit);
    item.addEventListener("click", function () { location.href = item.dataset.href; });
    return item;
  }

  // A result on the results page: a plain list item with a link.
  function renderLink(root, hit) {
    var item = document.createElement("li");
    item.className = "rkb-search-hit";
    var link = document.createElement("a");
    link.href = root.dataset.rkbBase + hit.url;
    link.innerHTML = hitHtml(hit);
    item.appendChild(link);
    return item;
  }

  function renderList(root, hits, list) {
    list.textContent = "";
    hits.forEach(function (hit, index) { list.appendChild(renderOption(root, hit, index)); });
  }

  function setupBox(root) {
    var input = root.querySelector("input");
    var panel = root.querySelector(".rkb-search-panel");
    var list = panel.querySelector("ol");
    var status = panel.querySelector(".rkb-search-status");
    var active = -1;
    var timer = null;

    function close() {
      panel.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function activate(index) {
      var items = list.querySelectorAll("li");
      if (!items.length) return;
      active = (index + items.length) % items.length;
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }

    function update() {
      var query = input.value;
      if (!query.trim()) { close(); return; }
      status.textContent = root.dataset.rkbLoading;
      panel.hidden = false;
      input.setAttribute("aria-expanded", "true");
      load(root).then(function (data) {
        if (input.value !== query) return;
        var hits = search(data, query, 8);
        renderList(root, hits, list);
        active = -1;
        input.removeAttribute("aria-activedescendant");
        status.textContent = hits.length ? "" : root.dataset.rkbNothing;
        root.dispatchEvent(new CustomEvent("rkb:results", { detail: hits, bubbles: true }));
        if (!hits.length) {  // reported by rkb-feedback.js once the query settles
          root.dispatchEvent(new CustomEvent("rkb:nothing", { detail: { query: query }, bubbles: true }));
        }
      }).catch(function (error) { status.textContent = String(error); });
    }

    input.addEventListener("focus", function () { load(root); });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(update, 60);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); activate(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); activate(active - 1); }
      else if (event.key === "Escape") { close(); }
      else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        location.href = list.querySelectorAll("li")[active].dataset.href;
      }
    });
    document.addEventListener("click", function (event) {
      if (!root.contains(event.target)) close();
    });
    return { search: function (query, limit) { return load(root).then(function (d) { return search(d, query, limit); }); } };
  }

  function setupResultsPage(root, box) {
    var page = document.getElementById("rkb-search-page");
    if (!page) return;
    var query = new URLSearchParams(location.search).get("q") || "";
    if (!query.trim()) return;
    root.querySelector("input").value = query;
    page.textContent = root.dataset.rkbLoading;
    box.search(query, 50).then(function (hits) {
      page.textContent = "";
      var summary = document.createElement("p");
      summary.textContent = hits.length ? root.dataset.rkbFound.replace("{n}", String(hits.length)) : root.dataset.rkbNothing;
      page.appendChild(summary);
      if (!hits.length) {
        root.dispatchEvent(new CustomEvent("rkb:nothing", { detail: { query: query, settled: true }, bubbles: true }));
      }
      var list = document.createElement("ol");
      list.className = "rkb-search-results";
      hits.forEach(function (hit) { list.appendChild(renderLink(root, hit)); });
      page.appendChild(list);
    });
  }

  function setup() {
    var root = document.getElementById("rkb-search");
    if (!root) return;
    var box = setupBox(root);
    window.rkbSearch = box.search;
    window.rkbAnalysis = { normalise: normalise, words: words, stem: stem, idTerm: idTerm, codeTerm: codeTerm };
    setupResultsPage(root, box);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
