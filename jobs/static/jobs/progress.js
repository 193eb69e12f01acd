// Follows every job on the page: an element with data-job-status-url holds a <progress>, and may hold
// [data-percent] and [data-message]. Each is polled until its job finishes; when one finishes the page
// reloads, and then shows what the job made (counts, problems, a result). Without JavaScript the page's
// refresh link does the same.
const boxes = [...document.querySelectorAll("[data-job-status-url]")];

async function poll(box) {
  const response = await fetch(box.dataset.jobStatusUrl, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  });
  if (!response.ok) return "stop";
  const job = await response.json();
  const bar = box.querySelector("progress");
  if (bar) {
    bar.value = job.percent;
    bar.textContent = `${job.percent}%`;
  }
  const percent = box.querySelector("[data-percent]");
  if (percent) percent.textContent = `${job.percent}%`;
  const message = box.querySelector("[data-message]");
  if (message) {
    message.textContent = job.state === "running" && job.message ? job.message : job.state_label;
  }
  return job.finished ? "finished" : "running";
}

async function loop() {
  const results = await Promise.all(boxes.map(poll));
  if (results.includes("finished")) {
    window.location.reload();
  } else if (results.includes("running")) {
    setTimeout(loop, 2000);
  }
}

if (boxes.length) setTimeout(loop, 1000);
