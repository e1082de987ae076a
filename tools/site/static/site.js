// The course site: the self-check quiz (choose, check, feedback, running score), with no kernel.
"use strict";

function setUpQuiz(form) {
  const texts = JSON.parse(form.dataset.texts);
  const total = Number(form.dataset.total);
  const firstTry = new Map();  // question number → right at the first check?
  const score = form.querySelector(".score b");

  form.querySelectorAll("fieldset.question").forEach((question, index) => {
    const feedback = question.querySelector(".feedback");
    question.querySelector("button.check").addEventListener("click", () => {
      const chosen = question.querySelector("input[type=radio]:checked");
      feedback.hidden = false;
      feedback.className = "feedback";
      if (!chosen) {
        feedback.textContent = texts.pick_first;
        return;
      }
      const choice = Number(chosen.value);
      const right = choice === Number(question.dataset.answer);
      const why = question.querySelector(`template[data-choice="${choice}"]`).innerHTML;
      const explanation = question.querySelector("template[data-explanation]");
      feedback.innerHTML = right
        ? `${texts.right} ${why}${explanation ? " " + explanation.innerHTML : ""}`
        : `${texts.wrong} ${why} ${texts.try_again}`;
      feedback.classList.add(right ? "right" : "wrong");
      if (!firstTry.has(index)) firstTry.set(index, right);
      const rightCount = [...firstTry.values()].filter(Boolean).length;
      score.textContent = texts.score.replace("{right}", rightCount).replace("{answered}", firstTry.size)
        .replace("{total}", total);
    });
  });
}

document.querySelectorAll("form.quiz").forEach(setUpQuiz);
