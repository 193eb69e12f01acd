// Shows only the parameters of the chosen kind of analysis. Without JavaScript every group of parameters
// shows, each naming the kinds that use it, and the server ignores the fields a kind does not use.
const kind = document.querySelector("[data-analysis-kind]");
const groups = [...document.querySelectorAll("fieldset[data-kinds]")];

function show() {
  for (const group of groups) {
    group.closest(".govuk-form-group").hidden = !group.dataset.kinds.split(" ").includes(kind.value);
  }
}

if (kind) {
  kind.addEventListener("change", show);
  show();
}
