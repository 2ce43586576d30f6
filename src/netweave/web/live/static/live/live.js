/* Live pages: the countdown, and the copy button for Zoom's chat text.
 *
 * The server's clock is the truth: each countdown carries the server's time when the page
 * (or the polled fragment) was made, so a phone whose clock is off still shows the right
 * minutes. Elements swapped in by htmx are picked up on the next tick.
 */
(function () {
  "use strict";

  function format(seconds) {
    var s = Math.max(0, Math.round(seconds));
    var m = Math.floor(s / 60);
    var rest = s % 60;
    return m + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function tick() {
    var clocks = document.querySelectorAll("[data-ends-at]");
    for (var i = 0; i < clocks.length; i++) {
      var el = clocks[i];
      if (!el.dataset.offset) {
        // server time minus ours, measured once per element (when it arrived)
        el.dataset.offset = String(Number(el.dataset.now) * 1000 - Date.now());
      }
      var now = Date.now() + Number(el.dataset.offset);
      var left = (Number(el.dataset.endsAt) * 1000 - now) / 1000;
      var clock = el.querySelector(".clock");
      if (!clock) continue;
      clock.textContent = left > 0 ? format(left) + " left" : "Time is up";
      el.classList.toggle("over", left <= 0);
    }
  }

  function copyButtons() {
    var buttons = document.querySelectorAll("[data-copy]");
    for (var i = 0; i < buttons.length; i++) {
      var button = buttons[i];
      if (!navigator.clipboard) continue;
      button.hidden = false;
      button.addEventListener("click", function (event) {
        var target = document.querySelector(event.currentTarget.dataset.copy);
        var self = event.currentTarget;
        navigator.clipboard.writeText(target.value).then(function () {
          self.textContent = "Copied";
        });
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    copyButtons();
    setInterval(tick, 1000);
  });
  document.addEventListener("htmx:afterSwap", tick);
  // the poll brings changed regions out of band (see _poll.html)
  document.addEventListener("htmx:oobAfterSwap", tick);
})();
