/* The theme's Bootstrap (its tooltips and its colour-mode menu), fetched
   the first time a reader reaches for one of them rather than with every
   page: see edition_tools/ext/page_head.py.

   The page asks for this script where the theme asked for Bootstrap, with
   Bootstrap's address in data-bootstrap. A pointer over, a touch on or the
   focus of a control that Bootstrap drives, or a click on the colour-mode
   menu, fetches it; then what the reader reached for happens: the menu
   opens, the tooltip under the pointer or focus shows. (The theme's
   back-to-top button, which Bootstrap's bundle also drives, is hidden by
   the book theme.) */
(function () {
  "use strict";
  var script = document.currentScript;
  var address = script && script.dataset.bootstrap;
  if (!address) return;
  var CONTROL = "[data-bs-toggle]";
  var state = "waiting"; // then "loading", then "ready"
  var menu = null; // a menu clicked while Bootstrap was on its way
  var reached = null; // the control with a tooltip the reader last reached

  function closest(target, selector) {
    return target && target.closest ? target.closest(selector) : null;
  }

  function fetchBootstrap() {
    if (state !== "waiting") return;
    state = "loading";
    var tag = document.createElement("script");
    tag.src = address;
    tag.onload = function () {
      state = "ready";
      stopListening();
      var bootstrap = window.bootstrap;
      if (!bootstrap) return;
      if (menu) bootstrap.Dropdown.getOrCreateInstance(menu).toggle();
      if (reached && (reached.matches(":hover") || reached.contains(document.activeElement))) {
        var tooltip = bootstrap.Tooltip.getInstance(reached);
        if (tooltip) tooltip.show();
      }
    };
    tag.onerror = function () { // not fetched (offline?): the next reach tries again
      state = "waiting";
      tag.remove();
    };
    document.head.appendChild(tag);
  }

  function onReach(event) {
    var control = closest(event.target, CONTROL);
    if (!control) return;
    reached = closest(event.target, '[data-bs-toggle="tooltip"]');
    fetchBootstrap();
  }

  function onClick(event) {
    var toggle = closest(event.target, '[data-bs-toggle="dropdown"]');
    if (!toggle || state === "ready") return;
    event.preventDefault();
    menu = toggle;
    fetchBootstrap();
  }

  var listeners = [
    ["pointerover", onReach], ["focusin", onReach], ["touchstart", onReach], ["click", onClick],
  ];
  function stopListening() {
    listeners.forEach(function (pair) { document.removeEventListener(pair[0], pair[1], true); });
  }
  listeners.forEach(function (pair) { document.addEventListener(pair[0], pair[1], { capture: true, passive: pair[0] !== "click" }); });
})();
