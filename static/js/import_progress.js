// An import job's page: follow the job's progress without reloading (polls its status.json until
// the job is done or failed), then show the links to its claims and faulty rows.
(function () {
  "use strict";
  var box = document.getElementById("import-job");
  if (!box) return;
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("import-progress");
  var labels = { queued: "Queued", running: "Running", done: "Done", failed: "Failed" };

  function show(status) {
    box.querySelectorAll("[data-field]").forEach(function (node) {
      var name = node.getAttribute("data-field");
      var value = status[name];
      if (name === "state") value = labels[value] || value;
      if (name === "rows_total" && value === null) value = "?";
      if (name === "error") {
        node.hidden = !value;
      }
      node.textContent = value === null || value === undefined ? "" : String(value);
    });
    if (status.rows_total) bar.max = status.rows_total;
    bar.value = status.rows_read;
    bar.textContent = String(status.rows_read);
    box.setAttribute("data-state", status.state);
    if (status.state === "done") {
      document.getElementById("import-claims").href = status.claims_url;
      document.getElementById("import-done").hidden = false;
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        show(status);
        if (status.state !== "done" && status.state !== "failed") window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }

  var state = box.getAttribute("data-state");
  if (state !== "done" && state !== "failed") poll();
})();
