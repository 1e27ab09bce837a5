// The problem page. Its map is the shared component (core/map.js), redrawn after each swap;
// refused actions are swapped in by core/app.js's rule for 4xx fragments.
//
// Taking the photo is part of the action: a chosen photo is previewed at once and, where the
// input names a check URL (the rectification's after-photos), the server says which integrity
// flags it would set, before anything is sent (nothing is stored by the check). Listeners sit
// on the document, so forms swapped in or kept by htmx need no new binding.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-photo-preview]")) { return; }
    var field = input.closest(".wm-photo-field") || input.parentNode;
    var previews = field.querySelector("[data-photo-previews]");
    if (!previews) { return; }
    previews.replaceChildren();
    Array.prototype.forEach.call(input.files || [], function (file) {
      var figure = document.createElement("figure");
      figure.className = "wm-photo-preview m-0";
      figure.dataset.testid = "photo-preview-item";
      var img = document.createElement("img");
      img.alt = file.name;
      img.src = URL.createObjectURL(file);
      img.addEventListener("load", function () { URL.revokeObjectURL(img.src); });
      figure.appendChild(img);
      var caption = document.createElement("figcaption");
      caption.className = "small";
      caption.textContent = file.name;
      figure.appendChild(caption);
      previews.appendChild(figure);
      if (!input.dataset.checkUrl) { return; }
      var verdict = document.createElement("div");
      verdict.setAttribute("aria-live", "polite");
      verdict.textContent = "…";
      figure.appendChild(verdict);
      var body = new FormData();
      body.append("file", file);
      fetch(input.dataset.checkUrl, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": document.body.dataset.csrf }
      })
        .then(function (r) {
          // Our own fragment (200, or a 4xx saying why); anything else (a server error page)
          // is not shown: the check only informs, sending is still possible.
          return r.status < 500 ? r.text() : "";
        })
        .then(function (html) {
          if (/<html[\s>]/i.test(html)) { html = ""; }
          verdict.innerHTML = html;  // escaped by the template engine
        })
        .catch(function () { verdict.textContent = ""; });
    });
  });
})();
