/* The claim list's filters fold away on a phone (up to 760 px wide) unless one is in error, and
   open again when the screen becomes wide (a phone turned sideways). Loaded right after the
   <details> it folds, so the page never shows it open first. Without JavaScript it stays open. */
(function (fold) {
  "use strict";
  if (!fold) return;
  var narrow = window.matchMedia("(max-width: 760px)");
  if (narrow.matches && !fold.hasAttribute("data-keep-open")) fold.open = false;
  narrow.addEventListener("change", function (event) {
    if (!event.matches) fold.open = true;
  });
})(document.getElementById("filters-fold"));
