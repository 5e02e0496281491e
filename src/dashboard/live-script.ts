/**
 * The only script the dashboard serves (`/static/live.js`, CSP script-src 'self'): on a running
 * run's page it follows `/api/runs/<id>/progress` (server-sent events) and reloads the page when
 * the run's status or a stage changes, so the figures shown are always the files' own.
 */
export const LIVE_SCRIPT = `"use strict";
(function () {
  var box = document.getElementById("live");
  if (!box || !window.EventSource) return;
  var text = document.getElementById("live-text");
  var id = box.getAttribute("data-run");
  var first = null;
  var source = new EventSource("/api/runs/" + encodeURIComponent(id) + "/progress");
  source.addEventListener("progress", function (e) {
    var p = JSON.parse(e.data);
    var running = p.stages.filter(function (s) { return s.status === "running"; }).map(function (s) { return s.name; });
    text.textContent = p.status + (running.length ? ": " + running.join(", ") : "") + " (" + p.done + " of " + p.total + " stages done)";
    var key = p.status + "|" + p.done;
    if (first === null) first = key;
    else if (key !== first) { source.close(); window.location.reload(); }
  });
  source.addEventListener("end", function () { source.close(); window.location.reload(); });
})();
`;
