/* reTributor knowledge base: the administrators' course in the browser: lessons marked
   done, quizzes that answer (one or several right options) and their scores, and the
   progress on the course overview. Everything is kept in this browser's localStorage
   under one versioned key per site; a missing, corrupt or older value counts as "no
   progress", never as an error. No inline code (strict CSP); without JavaScript the
   course reads as before and these controls stay hidden. */
(function () {
  "use strict";

  var VERSION = 1;

  function siteRoot() {
    var config = document.getElementById("__config");
    try {
      var base = config ? JSON.parse(config.textContent).base : ".";
      return new URL(base || ".", location.href).pathname;
    } catch (error) {
      return "/";
    }
  }

  var KEY = "rkb-training:" + siteRoot();

  function emptyState() { return { version: VERSION, lessons: {} }; }

  function load() {
    try {
      var value = JSON.parse(localStorage.getItem(KEY));
      if (value && value.version === VERSION && value.lessons && typeof value.lessons === "object"
          && !Array.isArray(value.lessons)) {
        return value;
      }
    } catch (error) { /* unreadable or unavailable: start afresh */ }
    return emptyState();
  }

  function save(state) {
    try { localStorage.setItem(KEY, JSON.stringify(state)); } catch (error) { /* full or off */ }
  }

  function lessonState(state, id) {
    var entry = state.lessons[id];
    return entry && typeof entry === "object" ? entry : {};
  }

  function update(id, change) {
    var state = load();
    var entry = lessonState(state, id);
    change(entry);
    state.lessons[id] = entry;
    save(state);
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, name) {
      return name in values ? values[name] : all;
    });
  }

  function validScore(score) {
    return Array.isArray(score) && score.length === 2 && score.every(function (n) {
      return typeof n === "number" && n >= 0 && Math.floor(n) === n;
    }) && score[0] <= score[1];
  }

  /* -- a lesson page: "lesson done" ------------------------------------------------- */

  function setupMarkDone(box) {
    var id = box.dataset.rkbLesson;
    var button = box.querySelector(".rkb-mark-done");
    var status = box.querySelector(".rkb-mark-status");
    function show(done, announce) {
      button.setAttribute("aria-pressed", done ? "true" : "false");
      box.classList.toggle("rkb-done", done);
      if (announce) status.textContent = done ? box.dataset.rkbDoneText : box.dataset.rkbTodoText;
    }
    show(lessonState(load(), id).done === true, false);
    button.addEventListener("click", function () {
      var done = button.getAttribute("aria-pressed") !== "true";
      update(id, function (entry) { entry.done = done; });
      show(done, true);
    });
    box.hidden = false;
  }

  /* -- a lesson page: the quiz ----------------------------------------------------- */

  function setupQuiz(quiz) {
    var id = quiz.dataset.rkbLesson;
    var questions = Array.prototype.slice.call(quiz.querySelectorAll(".rkb-quiz-question"));
    var results = {};
    var total = quiz.querySelector(".rkb-quiz-total");

    function recordScore() {
      var answered = Object.keys(results).length;
      if (answered < questions.length) return;
      var right = Object.keys(results).filter(function (k) { return results[k]; }).length;
      update(id, function (entry) { entry.score = [right, questions.length]; });
      total.textContent = format(quiz.dataset.rkbScore, { right: right, total: questions.length });
    }

    questions.forEach(function (question, index) {
      var inputs = Array.prototype.slice.call(question.querySelectorAll("input"));
      var check = question.querySelector(".rkb-quiz-check");
      var retry = question.querySelector(".rkb-quiz-retry");
      var result = question.querySelector(".rkb-quiz-result");
      var answer = question.querySelector(".rkb-quiz-answer");
      var expected = question.dataset.rkbAnswer.split(" ").sort().join(" ");

      check.addEventListener("click", function () {
        var chosen = inputs.filter(function (i) { return i.checked; }).map(function (i) {
          return i.value;
        });
        if (!chosen.length) {
          result.textContent = quiz.dataset.rkbPick;
          return;
        }
        var right = chosen.sort().join(" ") === expected;
        results[index] = right;
        question.classList.toggle("rkb-right", right);
        question.classList.toggle("rkb-wrong", !right);
        result.textContent = right ? quiz.dataset.rkbCorrect : quiz.dataset.rkbIncorrect;
        inputs.forEach(function (i) { i.disabled = true; });
        answer.hidden = false;
        check.hidden = true;
        retry.hidden = false;
        recordScore();
      });

      retry.addEventListener("click", function () {
        delete results[index];
        question.classList.remove("rkb-right", "rkb-wrong");
        inputs.forEach(function (i) { i.disabled = false; i.checked = false; });
        result.textContent = "";
        total.textContent = "";
        answer.hidden = true;
        retry.hidden = true;
        check.hidden = false;
        if (inputs.length) inputs[0].focus();
      });

      question.querySelector(".rkb-quiz-actions").hidden = false;
    });
    quiz.classList.add("rkb-quiz-live");
  }

  /* -- the course overview --------------------------------------------------------- */

  function duration(minutes, box) {
    var hours = Math.floor(minutes / 60);
    var rest = minutes % 60;
    var h = box.dataset.rkbHours;
    var m = box.dataset.rkbMinutes;
    return (hours ? hours + " " + h + " " : "") + rest + " " + m;
  }

  function setupOverview(box) {
    var cells = Array.prototype.slice.call(document.querySelectorAll(".rkb-lesson-state"));
    var summary = box.querySelector(".rkb-progress-summary");
    var meter = box.querySelector("progress");
    var reset = box.querySelector(".rkb-progress-reset");
    var status = box.querySelector(".rkb-progress-status");

    function show() {
      var state = load();
      var done = 0;
      var left = 0;
      cells.forEach(function (cell) {
        var entry = lessonState(state, cell.dataset.rkbLesson);
        var isDone = entry.done === true;
        var text = isDone ? box.dataset.rkbDone : box.dataset.rkbTodo;
        if (validScore(entry.score)) {
          text += ", " + format(box.dataset.rkbScore, { right: entry.score[0], total: entry.score[1] });
        }
        cell.textContent = text;
        cell.classList.toggle("rkb-done", isDone);
        if (isDone) done += 1; else left += Number(cell.dataset.rkbDuration) || 0;
      });
      summary.textContent = format(box.dataset.rkbDoneText, { done: done, total: cells.length })
        + ". " + format(box.dataset.rkbLeftText, { time: duration(left, box) });
      meter.max = cells.length;
      meter.value = done;
    }

    reset.addEventListener("click", function () {
      try { localStorage.removeItem(KEY); } catch (error) { /* unavailable */ }
      show();
      status.textContent = box.dataset.rkbResetText;
    });
    window.addEventListener("storage", function (event) { if (event.key === KEY) show(); });
    window.addEventListener("pageshow", show);
    show();
    box.hidden = false;
  }

  function setup() {
    document.querySelectorAll(".rkb-lesson-progress").forEach(setupMarkDone);
    document.querySelectorAll(".rkb-quiz").forEach(setupQuiz);
    document.querySelectorAll(".rkb-course-progress").forEach(setupOverview);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
