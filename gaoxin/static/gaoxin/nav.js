/* On a phone the main menu is one row that scrolls sideways (app.css): bring the current page's
   link into view. Served by the app, no inline script (CSP). */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var current = document.querySelector(".nav a[aria-current=page]");
    if (current && current.parentElement.scrollWidth > current.parentElement.clientWidth) {
      current.parentElement.scrollLeft =
        current.offsetLeft - current.parentElement.clientWidth / 2 + current.offsetWidth / 2;
    }
  });
})();
