// Polls the count of new requests; when it changes, offers a refresh instead of moving rows under the reader.
// A new urgent request gets its own banner, in words, so it is not read as one more routine request.
(function () {
  "use strict";
  var counts = document.getElementById("counts");
  if (!counts) { return; }
  var url = counts.getAttribute("data-counts-url");
  var seen = counts.getAttribute("data-new") + ":" + counts.getAttribute("data-latest");
  var urgentSeen = parseInt(counts.getAttribute("data-urgent") || "0", 10);
  var banner = document.getElementById("new-requests");
  var urgentBanner = document.getElementById("new-urgent");
  var ended = document.getElementById("session-ended");
  var timer = null;

  function check() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" }, cache: "no-store" })
      .then(function (response) {
        if (response.status === 401) {
          ended.hidden = false;
          window.clearInterval(timer);
          return null;
        }
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) { return; }
        var here = window.location.pathname + window.location.search;
        if (data.urgent > urgentSeen) {
          urgentBanner.querySelector("a").setAttribute("href", here);
          urgentBanner.hidden = false;
        } else if ((data["new"] + ":" + data.latest_id) !== seen) {
          banner.querySelector("a").setAttribute("href", here);
          banner.hidden = false;
        }
      })
      .catch(function () { /* offline for a moment: try again next time */ });
  }

  var every = parseInt(counts.getAttribute("data-poll-ms") || "20000", 10);
  timer = window.setInterval(check, every);
})();
