// Reloads the signed QR code every refresh interval and keeps the clock running, so a screenshot
// shows a stale time and a token that gates reject once it expires.
(function () {
  var img = document.getElementById("qr");
  var clock = document.getElementById("clock");
  if (clock) {
    setInterval(function () {
      clock.textContent = new Date().toLocaleTimeString("zh-CN", { hour12: false, timeZone: "Asia/Shanghai" });
    }, 1000);
  }
  if (!img) return;
  var seconds = parseInt(img.getAttribute("data-refresh"), 10) || 60;
  setInterval(function () {
    img.src = img.getAttribute("data-src") + "?t=" + Date.now();
  }, seconds * 1000);
})();
