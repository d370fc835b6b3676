/* reTributor knowledge base: lesson quizzes that answer in the browser.
   No inline code: this file is served by the site itself (strict CSP, closed network). */
(function () {
  "use strict";

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

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setupQuizzes(document); });
  } else {
    setupQuizzes(document);
  }
})();
