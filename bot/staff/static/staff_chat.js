// The request page's chat messages: while one waits for the patient, ask for the states every
// two seconds (for at most ten minutes; a reload starts again) and update them in place.
(function () {
  "use strict";
  var section = document.getElementById("staff-chat");
  if (!section) { return; }
  var form = section.querySelector("form.chat-compose");
  if (form) {
    form.addEventListener("submit", function () { form.querySelector("button[type=submit]").disabled = true; });
  }
  if (!section.querySelector("[data-pending]")) { return; }
  var polls = 0;
  var poller = window.setInterval(function () {
    polls += 1;
    if (polls > 300) { window.clearInterval(poller); return; }
    fetch(section.getAttribute("data-states-url"), { credentials: "same-origin", cache: "no-store",
                                                     headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { window.clearInterval(poller); return; }
        var pending = 0;
        data.messages.forEach(function (m) {
          var item = section.querySelector('[data-message-id="' + m.id + '"]');
          if (!item) { return; }
          var label = item.querySelector(".chat-status");
          label.textContent = m.label;
          label.setAttribute("data-status", m.status);
          item.className = "msg msg-staff chat-state-" + m.status;
          if (m.final) { item.removeAttribute("data-pending"); } else { pending += 1; }
        });
        if (!pending) { window.clearInterval(poller); }
      })
      .catch(function () { /* try again at the next tick */ });
  }, 2000);
}());
