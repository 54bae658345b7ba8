// The text compose box on a request page: a live count with the real SMS encoding and the health
// words of the draft, both computed by the server (bot/sms_text.py, bot/sms_outbound.py), so the
// page and what is billed never disagree. Without JavaScript the form still works: the server checks.
(function () {
  "use strict";
  // Delivery states: while a text on the page is not final, ask every few seconds and update it in place.
  var section = document.getElementById("staff-sms");
  if (section && section.querySelector("[data-pending]")) {
    var polls = 0;
    var poller = window.setInterval(function () {
      polls += 1;
      if (polls > 120) { window.clearInterval(poller); return; }  // ten minutes; a reload starts again
      fetch(section.getAttribute("data-states-url"), { credentials: "same-origin", cache: "no-store",
                                                       headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { window.clearInterval(poller); return; }
          var pending = 0;
          data.messages.forEach(function (m) {
            var item = section.querySelector('[data-message-id="' + m.id + '"]');
            if (!item) { return; }
            var label = item.querySelector(".sms-status");
            label.textContent = m.label;
            label.setAttribute("data-status", m.status);
            item.className = "msg msg-staff sms-state-" + m.status;
            if (m.error && !item.querySelector(".sms-error")) {
              var why = document.createElement("p");
              why.className = "sms-error";
              why.textContent = m.error;
              item.appendChild(why);
            }
            if (m.final) { item.removeAttribute("data-pending"); } else { pending += 1; }
          });
          if (!pending) { window.clearInterval(poller); }
        })
        .catch(function () { /* try again at the next tick */ });
    }, 5000);
  }
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
