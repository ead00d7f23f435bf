/* Irreversible actions ask first (issue #14). A form, or the button that submits it, carries
   data-confirm="what will happen and what cannot be undone"; with data-confirm-code="GX26A"
   the person must type that code (the draw, closing a sale). Served by the app (no CDN), no
   inline script (CSP). Without JavaScript the form submits as before. */
(function () {
  "use strict";
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var source = event.submitter && event.submitter.hasAttribute("data-confirm")
        ? event.submitter
        : form;
      var message = source.getAttribute("data-confirm");
      if (!message) {
        return;
      }
      var code = source.getAttribute("data-confirm-code");
      if (code) {
        var typed = window.prompt(message);
        if (typed === null || typed.trim().toUpperCase() !== code.toUpperCase()) {
          event.preventDefault();
          if (typed !== null) {
            window.alert(source.getAttribute("data-confirm-mismatch") || code);
          }
        }
        return;
      }
      if (!window.confirm(message)) {
        event.preventDefault();
      }
    },
    true
  );
})();
