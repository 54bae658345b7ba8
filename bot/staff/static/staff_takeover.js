// During a takeover (bot/staff/live.py): every second, the patient's new messages and the
// safety nets' replies (shown as an alert) are added to the panel without a reload. When the
// takeover ends elsewhere (handed back, or idle), the panel says so and stops asking.
(function () {
  "use strict";
  var panel = document.getElementById("takeover");
  if (!panel || !panel.getAttribute("data-live-url")) { return; }
  var url = panel.getAttribute("data-live-url");
  var after = Number(panel.getAttribute("data-after")) || 0;
  var list = document.getElementById("live-lines");
  var empty = document.getElementById("live-empty");
  var alertBox = document.getElementById("takeover-alert");
  var busy = false;

  function time(seconds) {
    var d = new Date(seconds * 1000);
    return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  function add(line) {
    var li = document.createElement("li");
    li.className = "msg msg-" + line.kind + (line.alert ? " live-alert" : "");
    var meta = document.createElement("p");
    meta.className = "msg-meta";
    // The server's time in the clinic's zone, as everywhere on these pages.
    meta.textContent = (line.kind === "patient" ? "Patient" : "Assistant (safety net)") + " · " + (line.when || time(line.at));
    var text = document.createElement("p");
    text.className = "msg-text";
    text.textContent = line.text;  // text, never markup
    li.appendChild(meta);
    li.appendChild(text);
    list.appendChild(li);
    if (empty) { empty.hidden = true; }
    if (line.alert) {
      alertBox.textContent = line.alert;
      alertBox.hidden = false;
    }
  }

  var timer = window.setInterval(function () {
    if (busy) { return; }
    busy = true;
    fetch(url + "?after=" + after, { credentials: "same-origin", cache: "no-store",
                                     headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        busy = false;
        if (!data) { return; }
        data.lines.forEach(function (line) { add(line); after = Math.max(after, line.id); });
        if (!data.takeover || !data.takeover.mine) {
          window.clearInterval(timer);
          var ended = document.createElement("p");
          ended.className = "notice";
          ended.setAttribute("role", "status");
          ended.textContent = "The conversation was handed back to the assistant. Reload the page to take over again.";
          panel.appendChild(ended);
          panel.querySelectorAll("form").forEach(function (f) { f.hidden = true; });
        }
      })
      .catch(function () { busy = false; });
  }, 1000);
}());
