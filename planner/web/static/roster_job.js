// The clinic list's job page: ask the server how far the job is, move the bar, and show the report
// (by reloading the page) once the job has ended. Without script, the page reloads itself.
"use strict";
(function () {
  const box = document.getElementById("job");
  if (!box) return;
  const bar = document.getElementById("job-progress");
  const count = document.getElementById("job-count");
  const every = 1000 * Number(box.dataset.every || 3);
  function ask() {
    fetch(box.dataset.progress, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (answer) { return answer.ok ? answer.json() : Promise.reject(answer.status); })
      .then(function (job) {
        bar.max = Math.max(job.steps, 1);
        bar.value = job.done;
        bar.textContent = job.done + " of " + job.steps;
        count.textContent = job.label;
        if (job.state === "done" || job.state === "failed") window.location.reload();
        else window.setTimeout(ask, every);
      })
      .catch(function () { window.setTimeout(ask, every * 2); });
  }
  window.setTimeout(ask, every);
})();
