// Polls the status of analysis runs while any is unfinished and updates their progress in place.
// Without JavaScript the page's refresh link does the same.
const table = document.getElementById("analysis-runs");

async function poll() {
  const response = await fetch(table.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) return false;
  const { runs } = await response.json();
  let unfinished = false;
  for (const run of runs) {
    const row = table.querySelector(`tr[data-run="${run.id}"]`);
    if (!row) continue;
    const bar = row.querySelector("progress");
    bar.value = run.percent;
    bar.textContent = `${run.percent}%`;
    row.querySelector(".app-run-status").textContent =
      run.status === "running" && run.message ? `${run.status_label}: ${run.message}` : run.status_label;
    unfinished ||= !run.finished;
  }
  return unfinished;
}

async function loop() {
  if (await poll()) setTimeout(loop, 2000);
}

if (table && table.querySelector("tr[data-run]")) loop();
