// The text compose box on a request page: a live count with the real SMS encoding and the health
// words of the draft, both computed by the server (bot/sms_text.py, bot/sms_outbound.py), so the
// page and what is billed never disagree. Without JavaScript the form still works: the server checks.
(function () {
  "use strict";
  // Delivery states: every five seconds for at most ten minutes (message_states.js).
  window.metroMessageStates(document.getElementById("staff-sms"), "sms", 5000, 120);
}());

(function () {
  "use strict";
  var form = document.querySelector("form.sms-compose");
  if (!form) { return; }
  var box = form.querySelector("textarea[name=body]");
  var count = document.getElementById("sms-count");
  var health = document.getElementById("sms-health");
  var url = form.getAttribute("data-draft-url");
  var csrf = form.getAttribute("data-csrf");
  var timer = null;
  var asked = 0;

  function show(data, seq) {
    if (seq !== asked || !data || data.error) { return; }
    var text = data.chars + " characters · " + data.encoding + " · " + data.segments +
      (data.segments === 1 ? " segment" : " segments");
    if (data.unicode_characters.length) {
      text += " (UCS-2 because of " + data.unicode_characters.join(" ") + ")";
    }
    if (data.too_long) {
      text += " · too long: at most " + data.max_chars + " characters";
    } else if (data.segments > data.recommended_segments) {
      text += " · more than " + data.recommended_segments + " segments: consider shortening";
    }
    count.textContent = text;
    var words = health.querySelector(".words");
    if (data.health_words.length) {
      words.textContent = data.health_words.join(", ");
      health.hidden = false;
    } else {
      words.textContent = "";
      health.hidden = true;
      health.querySelector("input[type=checkbox]").checked = false;
    }
  }

  function check() {
    asked += 1;
    var seq = asked;
    fetch(url, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "text/plain;charset=UTF-8", "X-CSRF-Token": csrf, "Accept": "application/json" },
      body: box.value
    }).then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { show(data, seq); })
      .catch(function () { /* the server checks again on sending */ });
  }

  box.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 200);
  });
  form.addEventListener("submit", function () {
    form.querySelector("button[type=submit]").disabled = true;
  });
}());
