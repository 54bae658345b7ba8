// The request page's chat box: one send per click, and the messages' states while one waits for
// the patient.
(function () {
  "use strict";
  var section = document.getElementById("staff-chat");
  if (!section) { return; }
  var form = section.querySelector("form.chat-compose");
  if (form) {
    form.addEventListener("submit", function () { form.querySelector("button[type=submit]").disabled = true; });
  }
  // Every two seconds, for at most ten minutes (message_states.js).
  window.metroMessageStates(section, "chat", 2000, 300);
}());
