// The request page's messages to the patient (texts, chat messages): while one is not final, ask
// the server for their states and update them in place. One poller for both boxes; each box says
// its kind ("sms" or "chat": the .{kind}-status label and the {kind}-state-… class), how often to
// ask and for how long (a reload starts again).
window.metroMessageStates = function (section, kind, everyMs, maxPolls) {
  "use strict";
  if (!section || !section.querySelector("[data-pending]")) { return; }
  var polls = 0;
  var poller = window.setInterval(function () {
    polls += 1;
    if (polls > maxPolls) { window.clearInterval(poller); return; }
    fetch(section.getAttribute("data-states-url"), { credentials: "same-origin", cache: "no-store",
                                                     headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { window.clearInterval(poller); return; }
        var pending = 0;
        data.messages.forEach(function (m) {
          var item = section.querySelector('[data-message-id="' + m.id + '"]');
          if (!item) { return; }
          var label = item.querySelector("." + kind + "-status");
          label.textContent = m.label;
          label.setAttribute("data-status", m.status);
          item.className = "msg msg-staff " + kind + "-state-" + m.status;
          if (m.error && !item.querySelector("." + kind + "-error")) {
            var why = document.createElement("p");
            why.className = kind + "-error";
            why.textContent = m.error;
            item.appendChild(why);
          }
          if (m.final) { item.removeAttribute("data-pending"); } else { pending += 1; }
        });
        if (!pending) { window.clearInterval(poller); }
      })
      .catch(function () { /* try again at the next tick */ });
  }, everyMs);
};
