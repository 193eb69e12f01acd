// Follows an import being written: polls the batch's status, updates the progress bar and message in
// place, and when the import has finished reloads the page, which then shows the counts or the problems.
// Without JavaScript the page's Refresh link does the same.
const box = document.getElementById("import-progress");

async function poll() {
  const response = await fetch(box.dataset.statusUrl, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  });
  if (!response.ok) return false;
  const status = await response.json();
  const bar = box.querySelector("progress");
  bar.value = status.percent;
  bar.textContent = `${status.percent}%`;
  box.querySelector("[data-percent]").textContent = `${status.percent}%`;
  box.querySelector("[data-message]").textContent = status.message || status.status_label;
  if (status.finished) {
    window.location.reload();
    return false;
  }
  return true;
}

async function loop() {
  if (await poll()) setTimeout(loop, 2000);
}

if (box) setTimeout(loop, 1000);
