// The demo page's "Ask our assistant" button opens the widget (no inline script: the CSP forbids it).
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("open-chat");
  if (!button) return;
  button.addEventListener("click", function () {
    if (window.MetroDentalChat) window.MetroDentalChat.open();
  });
});
