// "Use my current location" on the report form: fills latitude and longitude from the
// phone's GPS (WGS-84, as the ledger stores it). Hidden where the browser cannot locate.
(function () {
  "use strict";
  var box = document.getElementById("wm-locate-box");
  var button = document.getElementById("wm-locate");
  if (!box || !button || !navigator.geolocation) { return; }
  var status = document.getElementById("wm-locate-status");
  box.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    status.textContent = "…";
    navigator.geolocation.getCurrentPosition(function (position) {
      document.getElementById("id_lat").value = position.coords.latitude.toFixed(6);
      document.getElementById("id_lon").value = position.coords.longitude.toFixed(6);
      status.textContent = "± " + Math.round(position.coords.accuracy) + " m";
      button.disabled = false;
    }, function () {
      status.textContent = button.dataset.failed;
      button.disabled = false;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
})();
